/**
 * What the web view shows, read from the lab's own APIs (the lab's `/_lab/v1`, the IM control API
 * `/_im/v1`, mock-oppo's `/_mock/v1`) exactly as a spec or curl would, so the view works beside any
 * lab: the one `push-lab start --ui` runs, or the one `npm run e2e` starts.
 */
import type { AppView } from '../../mock-oppo/control-client.ts';
import { MockOppoControl } from '../../mock-oppo/control-client.ts';
import type { Fault } from '../../mock-oppo/core/faults.ts';
import type { MessageView } from '../../mock-oppo/core/views.ts';
import type { Account } from '../im/rules/accounts.ts';
import type { PushTrace } from '../im/rules/traces.ts';
import type { LabTrace } from '../trace/trace.ts';
import { LabClient } from '../scenario/lab-client.ts';
import type { CertificateConfig } from '../im/rules/certificates.ts';
import { CONTROL_PREFIX } from '../im/wire/control.ts';
import type { AppState, LogcatEntry, StatusBarNotification } from '../phone/api.ts';
import { RemotePhone } from '../phone/http/remote-phone.ts';
import { LAB_API_PATH } from '../lab/control-api.ts';
import { tokenHeaders, type ClientAccess } from '../../mock-oppo/access/client.ts';
import type { LabEnv } from '../scenario/lab-env.ts';

export interface PhoneSnapshot {
  /** 'A', 'B', ... in boot order: the name a recorded flow's `phone:` uses. */
  name: string;
  serial: string;
  model: string;
  packageName: string | undefined;
  appState: AppState | undefined;
  regId: string | undefined;
  screenSvg: string;
  shade: StatusBarNotification[];
  logcat: LogcatEntry[];
  network: boolean;
}

export interface SessionSnapshot {
  id: number;
  userId: string;
  deviceId: string;
  state: string;
  cause: string;
  connected: boolean;
  token: { businessId: number; token: string; reportedAt: number } | null;
}

export interface CertificateSnapshot {
  id: number;
  active: { config: CertificateConfig; since?: number } | null;
  pending: Array<{ config: CertificateConfig; effectiveAt: number }>;
}

export interface Snapshot {
  now: number;
  phones: PhoneSnapshot[];
  accounts: Account[];
  sessions: SessionSnapshot[];
  certificates: CertificateSnapshot[];
  /** The lab's joined traces of the newest messages (oldest first), one per MsgKey. */
  traces: LabTrace[];
  messages: MessageView[];
  apps: AppView[];
  faults: Fault[];
}

/** Lines of logcat each phone card shows. */
export const LOGCAT_TAIL = 12;
/** Messages and traces the view keeps (newest). */
export const RECENT = 20;

async function getJson<T>(url: string, access: ClientAccess): Promise<T> {
  const res = await fetch(url, { headers: tokenHeaders(access.token) });
  if (!res.ok) throw new Error(`${url} answered ${res.status}`);
  return (await res.json()) as T;
}

export class LabReader {
  readonly oppo: MockOppoControl;
  private readonly lab: LabClient;
  private readonly phones = new Map<string, RemotePhone>();
  private readonly packages = new Map<string, string | undefined>();

  /** `urls.token`: the lab's token, for a lab whose control APIs need one. */
  constructor(readonly urls: LabEnv) {
    this.oppo = new MockOppoControl(urls.oppo, urls);
    this.lab = new LabClient(urls.lab, urls);
  }

  phone(serial: string): RemotePhone {
    let phone = this.phones.get(serial);
    if (!phone) {
      phone = new RemotePhone(this.urls.lab, serial, this.urls);
      this.phones.set(serial, phone);
    }
    return phone;
  }

  /** The app under test on a phone: its first third-party package (`pm list packages -3`). */
  async packageOf(serial: string): Promise<string | undefined> {
    if (!this.packages.has(serial)) {
      const { stdout } = await this.phone(serial).shell('pm list packages -3');
      this.packages.set(serial, /^package:(\S+)/m.exec(stdout)?.[1]);
    }
    return this.packages.get(serial);
  }

  async serials(): Promise<string[]> {
    return (await getJson<{ value: { phones: string[] } }>(`${this.urls.lab}${LAB_API_PATH}`, this.urls)).value.phones;
  }

  async snapshot(): Promise<Snapshot> {
    const im = `${this.urls.im}${CONTROL_PREFIX}`;
    const [lab, accounts, sessions, certificates, traces, messages, apps, faults, registrations] = await Promise.all([
      getJson<{ value: { now: number; phones: string[] } }>(`${this.urls.lab}${LAB_API_PATH}`, this.urls),
      getJson<{ accounts: Account[] }>(`${im}/accounts`, this.urls),
      getJson<{ sessions: SessionSnapshot[] }>(`${im}/sessions`, this.urls),
      getJson<{ certificates: CertificateSnapshot[] }>(`${im}/console/certificates`, this.urls),
      getJson<{ traces: PushTrace[] }>(`${im}/traces`, this.urls),
      this.oppo.messages({ limit: RECENT }),
      // The list leaves quotas out; each app's own view carries them.
      this.oppo.apps().then((apps) => Promise.all(apps.map((a) => this.oppo.app(a.appId)))),
      this.oppo.faults(),
      this.oppo.registrations(),
    ]);
    // IM traces one decision per recipient device; the view shows each message's joined trace once.
    const msgKeys = [...new Set(traces.traces.map((t) => t.msgKey))].slice(-RECENT);
    const [joined, phones] = await Promise.all([
      Promise.all(msgKeys.map((key) => this.lab.trace(key))),
      Promise.all(lab.value.phones.map((serial, i) => this.phoneSnapshot(serial, i, registrations))),
    ]);
    return {
      now: lab.value.now,
      phones,
      accounts: accounts.accounts,
      sessions: sessions.sessions,
      certificates: certificates.certificates,
      traces: joined,
      messages: messages.slice(-RECENT),
      apps,
      faults,
    };
  }

  private async phoneSnapshot(serial: string, i: number, registrations: Awaited<ReturnType<MockOppoControl['registrations']>>): Promise<PhoneSnapshot> {
    const phone = this.phone(serial);
    const packageName = await this.packageOf(serial);
    const [info, screenSvg, shade, logcat, appState] = await Promise.all([
      phone.deviceInfo(),
      phone.screenSvg(),
      phone.getNotifications(),
      phone.logcat(),
      packageName ? phone.queryAppState(packageName) : Promise.resolve(undefined),
    ]);
    const regId = registrations.find((r) => r.deviceId === serial && r.packageName === packageName && r.state === 'active')?.regId;
    return {
      name: String.fromCharCode(65 + i),
      serial,
      model: `${info.brand} ${info.model} · Android ${info.platformVersion}`,
      packageName,
      appState,
      regId,
      screenSvg,
      shade: shade.statusBarNotifications,
      logcat: logcat.slice(-LOGCAT_TAIL),
      network: info.networks.length > 0,
    };
  }
}
