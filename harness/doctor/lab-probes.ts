/**
 * The doctor's probes over a running lab: the IM console and REST API, mock-oppo's control API, the
 * lab's joined traces and clock, and the user's phone through the lab's phone API (its `adb shell`
 * and logcat, the same commands a real phone answers).
 */
import type { ClientAccess } from '../../mock-oppo/access/client.ts';
import type { MockOppoControl } from '../../mock-oppo/control-client.ts';
import { RemotePhone } from '../phone/http/index.ts';
import { deviceFunnel, describeFunnel } from '../scenario/funnel.ts';
import type { ImConsoleClient } from '../scenario/im-console.ts';
import type { ImRestClient } from '../scenario/im-rest.ts';
import type { LabClient } from '../scenario/lab-client.ts';
import type { DoctorProbes, ImProbe, OppoProbe, PhoneProbe } from './probes.ts';

export interface LabClients {
  labUrl: string;
  /** The lab token, when its control APIs need one. */
  access: ClientAccess;
  lab: LabClient;
  console: ImConsoleClient;
  rest: ImRestClient;
  oppo: MockOppoControl;
}

/** How many of IM's latest pushes to the user count as "recent". */
const RECENT = 20;

export function labImProbe(c: LabClients): ImProbe {
  return {
    async certificate(id) {
      const view = (await c.console.certificates()).find((v) => v.id === id);
      if (!view || (!view.active && view.pending.every((p) => p.config === null))) return undefined;
      const config = view.active?.config ?? view.pending.find((p) => p.config)?.config ?? undefined;
      const pending = view.pending[0]?.effectiveAt;
      return {
        id,
        active: view.active !== null,
        ...(pending === undefined ? {} : { pendingEffectiveAt: pending }),
        ...(config ? { appKey: config.appKey, ...(config.channelId ? { channelId: config.channelId } : {}) } : {}),
      };
    },
    async certificateIds() {
      return (await c.console.certificates()).filter((v) => v.active).map((v) => v.id);
    },
    userState: (userId) => c.rest.onlineState(userId),
    async tokens(userId) {
      return (await c.console.sessions(userId))
        .filter((s) => s.platform === 'Android')
        .map((s) => ({
          deviceId: s.deviceId,
          state: s.state,
          tokenReportedBeforeLogin: s.tokenReportedBeforeLogin,
          ...(s.token ? { businessId: s.token.businessId, token: s.token.token } : {}),
        }));
    },
    async recentOppoAnswers(userId) {
      const traces = (await c.console.tracesOf(userId)).filter((t) => t.to === userId && t.oppo);
      return traces.slice(-RECENT).map((t) => ({
        at: t.at,
        outcome: t.oppo!.outcome,
        ...(t.oppo!.code === undefined ? {} : { code: t.oppo!.code }),
        ...(t.oppo!.message === undefined ? {} : { message: t.oppo!.message }),
      }));
    },
    async sendTest(userId, text) {
      return (await c.rest.sendMsg({ To_Account: userId, MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: text } }] })).MsgKey;
    },
    async whereItStopped(msgKey, userId, deviceId) {
      const funnel = deviceFunnel(await c.lab.trace(msgKey), userId, deviceId);
      return { pending: funnel.outcome.pending, text: describeFunnel(funnel) };
    },
  };
}

export function labOppoProbe(c: LabClients): OppoProbe {
  return {
    authenticate: (certificateId) => c.console.verifyCertificate(certificateId),
    async quota(appKey) {
      const app = (await c.oppo.apps()).find((a) => a.appKey === appKey);
      if (!app) return undefined;
      const status = (await c.oppo.app(app.appId)).quota;
      return status ? { used: status.publicUsed, limit: status.publicLimit } : undefined;
    },
  };
}

export function labPhoneProbe(labUrl: string, serial: string, access: ClientAccess = {}): PhoneProbe {
  const phone = new RemotePhone(labUrl, serial, access);
  return {
    serial,
    shell: async (command) => (await phone.shell(command)).stdout,
    logcat: async () => (await phone.logcat()).map((e) => e.line),
  };
}

/** The phone of the user in the lab: `serial` if given, else the lab phone of the user's newest Android session. */
export async function findLabPhone(c: LabClients, userId: string, serial?: string): Promise<string | undefined> {
  const phones = (await RemotePhone.list(c.labUrl, c.access)).map((p) => p.serial);
  if (serial) return phones.includes(serial) ? serial : undefined;
  const sessions = (await c.console.sessions(userId)).filter((s) => s.platform === 'Android' && phones.includes(s.deviceId));
  return sessions.sort((a, b) => b.loginAt - a.loginAt)[0]?.deviceId;
}

export async function labProbes(c: LabClients, userId: string, options: { serial?: string; withinMs: number }): Promise<DoctorProbes> {
  const serial = await findLabPhone(c, userId, options.serial);
  return {
    target: 'lab',
    im: labImProbe(c),
    oppo: labOppoProbe(c),
    ...(serial ? { phone: labPhoneProbe(c.labUrl, serial, c.access) } : {}),
    withinMs: options.withinMs,
    now: () => c.lab.now(),
    pause: async (ms) => void (await c.lab.advance(ms)),
  };
}
