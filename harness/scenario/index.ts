/** The scenario layer a spec imports: context, page objects, matchers, funnel. */
export { Scenario, openScenario } from './scenario.ts';
export { Phone, type ShownNotification, type KillMode, type AppState } from './phone.ts';
export { expectNotification, expectExtras, expectNotPushed, funnelFor, type Observers, type ExpectedNotification, type NotPushedExpectation } from './matchers.ts';
export { describeFunnel, deviceFunnel, type DeviceFunnel, type Layer, type Outcome } from './funnel.ts';
export { REASONS, type Reason, type Because } from '../../mock-oppo/core/reasons.ts';
export type { LabTrace, TraceHop, TraceDevice } from '../trace/trace.ts';
export { ImRestClient, ImRestError, type OfflinePushInfo, type SendMsgResult } from './im-rest.ts';
export { ImConsoleClient, type CertificateConfig, type ClickAction, type PushTrace } from './im-console.ts';
export { LabClient } from './lab-client.ts';
export { resolveProfile, ProfileError, PROFILE_ENV, type E2eProfile, type ProfileName, type PhoneName } from './profiles.ts';
export { appPage, type AppPage } from './apps/index.ts';
export { DEMO_APP } from './apps/tim-demo.ts';
export { DEFAULT_NOTIFICATION_SOUND, type NotificationMatch, type NotificationRecord } from './shade.ts';
