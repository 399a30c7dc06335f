/** The scenario layer a spec imports: context, page objects, matchers, funnel. */
export { Scenario, openScenario, type Isolation, type ScenarioOptions } from './scenario.ts';
export { Phone, ShellForbiddenError, skipWithoutShell, type ShownNotification, type NotificationQuery, type RemovedNotificationView, type RemoveReason, type KillMode, type AppState } from './phone.ts';
export { expectNotification, expectExtras, expectNotPushed, funnelFor, type Observers, type ExpectedNotification, type NotPushedExpectation } from './matchers.ts';
export { describeFunnel, deviceFunnel, type DeviceFunnel, type Layer, type Outcome } from './funnel.ts';
export { REASONS, type Reason, type Because } from '../../mock-oppo/core/reasons.ts';
export type { LabTrace, TraceHop, TraceDevice } from '../trace/trace.ts';
export { ImRestClient, ImRestError, type OfflinePushInfo, type SendMsgResult } from './im-rest.ts';
export { ImConsoleClient, type CertificateConfig, type CertificateView, type ClickAction, type PushTrace, type SessionView } from './im-console.ts';
export { LabClient } from './lab-client.ts';
export { OppoServerClient, type OppoNotification, type OppoUnicastMessage, type OppoReply, type OppoBatchItem, type OppoSend } from './oppo-server.ts';
export { resolveProfile, ProfileError, PROFILE_ENV, SHELL_ENV, type E2eProfile, type ProfileName, type PhoneName } from './profiles.ts';
export { appPage, type AppPage } from './apps/index.ts';
export { DEMO_APP } from './apps/tim-demo.ts';
export { DEFAULT_NOTIFICATION_SOUND, type NotificationMatch, type NotificationRecord } from './shade.ts';
export { readLabEnv, LAB_ENV, type LabUrls } from './lab-env.ts';
/** Durations as the lab reads them: a number of ms or a string such as `'10m'`, `'400s'`, `'7d'`. */
export { parseDuration, type Duration } from '../../mock-oppo/core/clock.ts';
/** The epoch ms of the next midnight in Beijing (GMT+8) after an instant: when OPPO's daily quotas start over. */
export { nextDayStart as nextMidnightInBeijing } from '../../mock-oppo/core/quota.ts';
/** The device and app profiles under fixtures/ (`listProfiles('devices')`, `listProfiles('apps')`). */
export { listProfiles, loadAppProfile, loadDeviceProfile, type AppProfile, type DeviceProfile } from '../phone/profiles.ts';
