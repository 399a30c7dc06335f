/**
 * The doctor's probes over the real services (the `live` profile's settings): Tencent IM's REST API
 * (query_online_status, sendmsg, normal_push_trace), OPPO PUSH's auth endpoint with the configured
 * AppKey and MasterSecret, and the phone over adb (adbkit, to the adb server on
 * ANDROID_ADB_SERVER_PORT, 5037 by default: the one `adb devices` lists the phone on). What the real
 * services do not expose (the IM console's certificates, the token IM holds) is UNOBSERVABLE; the
 * checks fall back to the app's log.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import adbkit from '@devicefarmer/adbkit';
import { SystemClock } from '../../mock-oppo/core/clock.ts';
import { OppoClient, OPPO_CN_BASE_URL } from '../im/push/oppo-client.ts';
import { genUserSig } from '../im/usersig.ts';
import { ImRestClient } from '../scenario/im-rest.ts';
import type { TencentTraceItem } from '../trace/tencent.ts';
import { UNOBSERVABLE, type DoctorProbes, type ImProbe, type OppoProbe, type PhoneProbe } from './probes.ts';

export interface LiveSettings {
  im: { url: string; sdkAppId: number; secretKey: string; admin: string };
  oppo: { appKey: string; masterSecret: string };
  /** adb serial of the phone (E2E_UDID). */
  serial: string;
  adbPort?: number;
}

const DEFAULT_ADB_PORT = 5037;
// adbkit is CommonJS: its named exports come through the default import.
const { Adb } = adbkit;

export function liveImProbe(im: LiveSettings['im']): ImProbe {
  const rest = new ImRestClient({ baseUrl: im.url, sdkAppId: im.sdkAppId, admin: im.admin, userSig: () => genUserSig({ sdkAppId: im.sdkAppId, secretKey: im.secretKey, userId: im.admin }) });
  return {
    certificate: async () => UNOBSERVABLE,
    certificateIds: async () => UNOBSERVABLE,
    userState: (userId) => rest.onlineState(userId),
    tokens: async () => UNOBSERVABLE,
    recentOppoAnswers: async () => UNOBSERVABLE,
    async sendTest(userId, text) {
      return (await rest.sendMsg({ To_Account: userId, MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: text } }] })).MsgKey;
    },
    // Tencent's push trace needs the Push plugin; without it the hop is not observable.
    async whereItStopped(msgKey, _userId, deviceId) {
      const reply = (await rest.call('timpush', 'normal_push_trace', { PushID: msgKey }).catch(() => undefined)) as { ErrorCode?: number; TraceList?: TencentTraceItem[] } | undefined;
      const item = reply?.ErrorCode === 0 ? (reply.TraceList?.find((t) => t.InstanceId === deviceId) ?? reply.TraceList?.[0]) : undefined;
      if (!item) return UNOBSERVABLE;
      const stages = (['IMStat', 'OfflineStat', 'ChannelStat', 'DeviceStat', 'ClickStat'] as const).map((s) => [s, item[s]] as const);
      const failed = stages.find(([, st]) => st?.Status === 'Fail');
      const pending = !failed && stages.slice(0, 4).some(([, st]) => st?.Status !== 'Success');
      return { pending, text: stages.map(([name, st]) => `  ${name}: ${st?.Status ?? '?'}${st?.ErrCode ? ` (${st.ErrCode} ${st.ErrInfo})` : ''}`).join('\n') };
    },
  };
}

export function liveOppoProbe(oppo: LiveSettings['oppo']): OppoProbe {
  const client = new OppoClient({ baseUrl: OPPO_CN_BASE_URL, clock: new SystemClock(), fetch: (input, init) => globalThis.fetch(input, init), retryDelaysMs: [], timeoutMs: 10_000 });
  return {
    authenticate: (certificateId) => client.verify({ id: certificateId, vendor: 'oppo', appId: '', appKey: oppo.appKey, masterSecret: oppo.masterSecret, clickAction: { type: 'open_app' } }),
    quota: async () => UNOBSERVABLE,
  };
}

export function adbPhoneProbe(serial: string, adbPort = DEFAULT_ADB_PORT): PhoneProbe {
  const device = Adb.createClient({ host: '127.0.0.1', port: adbPort }).getDevice(serial);
  const shell = async (command: string): Promise<string> => (await Adb.util.readAll(await device.shell(command))).toString('utf8');
  return { serial, shell, logcat: async () => (await shell('logcat -d -v threadtime')).split('\n').filter((l: string) => l !== '') };
}

export function liveProbes(settings: LiveSettings, withinMs: number): DoctorProbes {
  return {
    target: 'live',
    im: liveImProbe(settings.im),
    oppo: liveOppoProbe(settings.oppo),
    phone: adbPhoneProbe(settings.serial, settings.adbPort),
    withinMs,
    now: async () => Date.now(),
    // Real services on real time: the doctor polls the phone's shade.
    pause: (ms) => sleep(ms),
  };
}
