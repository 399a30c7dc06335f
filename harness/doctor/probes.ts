/**
 * What `push-lab doctor` asks of IM, OPPO and the phone. The checks (checks.ts) see only these
 * interfaces; lab-probes.ts answers them from a running lab, live-probes.ts from Tencent IM, OPPO
 * PUSH and a phone over adb. Where a real service has no way to tell something (Tencent's console
 * has no API for certificates), the probe answers `UNOBSERVABLE` and the check says so.
 */

export const UNOBSERVABLE = 'unobservable' as const;
export type Unobservable = typeof UNOBSERVABLE;

export interface CertificateState {
  id: number;
  /** Active now (saved more than the activation delay ago). */
  active: boolean;
  /** When a saved, not yet active version takes effect. */
  pendingEffectiveAt?: number;
  appKey?: string;
  /** The OPPO channel the certificate pushes to (channel_id). */
  channelId?: string;
}

/** The push token IM holds for one device of the user. */
export interface DeviceToken {
  deviceId: string;
  state: string;
  businessId?: number;
  token?: string;
  tokenReportedBeforeLogin: boolean;
}

export interface OppoAnswer {
  at: number;
  outcome: 'accepted' | 'rejected' | 'gave_up';
  code?: number;
  message?: string;
}

export interface ImProbe {
  certificate(id: number): Promise<CertificateState | undefined | Unobservable>;
  /** Every certificate the console has (to name the right one in a fix). */
  certificateIds(): Promise<number[] | Unobservable>;
  /** Tencent's user state: Online, PushOnline or Offline (REST query_online_status). */
  userState(userId: string): Promise<string>;
  tokens(userId: string): Promise<DeviceToken[] | Unobservable>;
  /** IM's recent OPPO answers for pushes to this user, newest last. */
  recentOppoAnswers(userId: string): Promise<OppoAnswer[] | Unobservable>;
  /** Sends a text to the user as the admin (REST sendmsg); the MsgKey. */
  sendTest(userId: string, text: string): Promise<string>;
  /** Where a message stopped for a device, in words with the vocabulary's reason and fix. */
  whereItStopped(msgKey: string, userId: string, deviceId: string): Promise<{ pending: boolean; text: string } | Unobservable>;
}

export interface OppoProbe {
  /** A fresh auth with the certificate's AppKey and MasterSecret: OPPO's code (0 = they authenticate). */
  authenticate(certificateId: number): Promise<{ code: number; message: string }>;
  /** The app's daily public quota, where OPPO tells it. */
  quota(appKey?: string): Promise<{ used: number; limit: number } | undefined | Unobservable>;
}

export interface PhoneProbe {
  serial: string;
  /** `adb shell <command>`: stdout. */
  shell(command: string): Promise<string>;
  /** The logcat buffer, `logcat -v threadtime` lines, oldest first. */
  logcat(): Promise<string[]>;
}

export interface DoctorProbes {
  target: 'lab' | 'live';
  im: ImProbe;
  oppo: OppoProbe;
  /** The user's phone; undefined when none was found (the phone checks say how to name one). */
  phone?: PhoneProbe;
  /** How long the test push may take to reach the shade (ms, on the target's clock). */
  withinMs: number;
  /** The target's clock: the lab's virtual clock, or real time on live. */
  now(): Promise<number>;
  /** Lets `ms` pass between polls of the shade: the lab advances its virtual clock; live waits. */
  pause(ms: number): Promise<void>;
}
