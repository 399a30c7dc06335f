/** The fake Tencent-IM-compatible server (see README.md in this folder). */
export { createImServer, type ImServer, type ImServerOptions } from './server.ts';
export { genUserSig, verifyUserSig, type UserSigTicket, type VerifyResult } from './usersig.ts';
export { ImClientLink, ImLinkError, clientLinkUrl } from './client-link/client.ts';
export { CLIENT_LINK_PATH, type LinkMessage } from './client-link/protocol.ts';
export { DEFAULT_IM_SETTINGS, type ImSettings, type DefaultTitle, type MultiTerminalPolicy } from './settings.ts';
export { IM_ERRORS, IM_LIMITS } from './errors.ts';
export { defaultImApp, defaultCertificates, defaultAccounts, parseImApp } from './fixtures.ts';
export { OPPO_CN_BASE_URL } from './push/oppo-client.ts';
export { CONTROL_PREFIX } from './wire/control.ts';
export type { ImApp, Account } from './rules/accounts.ts';
export type { CertificateConfig, ClickAction } from './rules/certificates.ts';
export type { Session, DeviceState, StateCause, Platform } from './rules/sessions.ts';
export type { PushTrace, OppoAttempt, OppoExchange } from './rules/traces.ts';
export type { SuppressReason } from './rules/decision.ts';
export type { OfflinePushInfo, MsgElement, ImMessage } from './rules/messages.ts';
