/**
 * The lab: mock-oppo, the IM server and the phone farm on loopback, on one virtual clock, wired
 * together (the IM server's OPPO base URL is the mock), plus the lab's control API. A small stack
 * of services, each closed in reverse order on stop() — also when start-up fails half-way.
 *
 * Time: a frozen clock jumps synchronously, but whatever a timer makes a client send (a heartbeat)
 * reaches the servers over a socket only later. advance() therefore steps from one due timer to
 * the next and, between steps, awaits every registered barrier (a link's sync()), so each reaction
 * lands at the virtual instant it belongs to.
 */
import { parseDuration, VirtualClock, type Duration } from '../../mock-oppo/core/clock.ts';
import type { MockSettings } from '../../mock-oppo/core/settings.ts';
import { DeviceLinkClient } from '../../mock-oppo/device-link/client.ts';
import { createMockOppo, type AppConfig, type MockOppo } from '../../mock-oppo/index.ts';
import { InProcessNetwork } from '../../mock-oppo/transport/wire.ts';
import { ImClientLink } from '../im/client-link/client.ts';
import { createImServer, defaultImApp, type CertificateConfig, type ImApp, type ImServer, type ImSettings } from '../im/index.ts';
import { PhoneFarm, type FarmBootOptions } from '../phone/farm.ts';
import type { PhoneSettings } from '../phone/settings.ts';
import { messageView } from '../../mock-oppo/core/views.ts';
import { joinTrace, type LabTrace } from '../trace/trace.ts';
import { createLabControlApp } from './control-api.ts';
import { listenGuarded } from './listen.ts';
import { LabAdb } from './adb-endpoint.ts';
import { adbTunnelRoute } from './adb-tunnel.ts';
import { AccessGuard } from '../../mock-oppo/access/guard.ts';
import { LAB_TOKEN_ENV } from './access.ts';
import { maskSecret } from '../../mock-oppo/core/apps.ts';
import { isFixtureSecretKey } from '../im/fixtures.ts';
import { userSigEndpointOn } from '../im/wire/control.ts';

/** Said once at start when the IM app's secret key is not the fixtures' (a real app's key, probably). */
export function realKeyWarning(secretKey: string, mintsUserSigs: boolean): string {
  return (
    `im: signing with a real-looking secret key (${maskSecret(secretKey)}), not the fixtures' test key: ` +
    'UserSigs signed with it may be accepted by the real Tencent IM. ' +
    (mintsUserSigs
      ? 'The control API mints tickets with it (POST /_im/v1/usersig is on): anyone who reaches the control API can get an admin UserSig.'
      : 'The control API could mint tickets with it, so POST /_im/v1/usersig is off (--allow-usersig turns it on).')
  );
}

export interface LabOptions {
  /** Default: a frozen VirtualClock at the current real time. */
  clock?: VirtualClock;
  /** Address every service binds (default 127.0.0.1). */
  host?: string;
  /**
   * 0 (default): every service on an ephemeral port. Otherwise fixed ports, so a real phone can reach
   * the lab through `adb reverse`: mock-oppo on portBase, IM on portBase + 1, the lab API on portBase + 2.
   */
  portBase?: number;
  /** One service's port, pinned (wins over portBase; 0 = any free port). */
  ports?: { oppo?: number; im?: number; lab?: number };
  /** mock-oppo's apps (default fixtures/oppo-apps.json). */
  oppoApps?: AppConfig[];
  /** The IM app (default fixtures/im-app.json). */
  imApp?: ImApp;
  /** IM console certificates (default fixtures/im-certificates.json). */
  certificates?: CertificateConfig[];
  /** Pre-imported IM accounts (default fixtures/users.json). */
  accounts?: Array<{ userId: string; nick?: string }>;
  imSettings?: Partial<ImSettings>;
  oppoSettings?: Partial<MockSettings>;
  /** Phones to boot at start: a count of default phones, or one boot option per phone. */
  phones?: number | FarmBootOptions[];
  /** Settings every phone of the farm starts with. */
  phoneSettings?: Partial<PhoneSettings>;
  /**
   * How the lab's own phones reach mock-oppo and IM. `in-process` (default): wires without sockets
   * (no socket limit, a fraction of the memory; 100,000 phones fit one process). `websocket`: the
   * real WebSocket links, two sockets a phone, the way a phone outside the lab process connects
   * (the process's file limit caps it near 10,000 phones).
   */
  phoneLinks?: PhoneLinks;
  /**
   * The token every control surface needs (`--token`, PUSH_LAB_TOKEN), also on loopback. Absent: a
   * lab off loopback generates one (`lab.access.token`), a lab on loopback needs none.
   */
  token?: string;
  /** More Host names a loopback lab answers (a tunnel's name, e.g. a farm's). */
  allowedHosts?: string[];
  /** Where the lab says the one thing a person must know at start (a real-looking IM key). Default console.warn. */
  warn?: (message: string) => void;
  /** Serve the phones over ADB on loopback: true (an ephemeral port) or `{ port }`. Also switchable through the lab API. */
  adb?: boolean | { port?: number };
}

export type PhoneLinks = 'in-process' | 'websocket';

export interface LabResetResult {
  /** The virtual instant of the reset (unchanged by it). */
  now: number;
  /** The phones that were reset. */
  phones: string[];
}

/** Awaited between clock steps; should resolve once its link has settled. */
export type Barrier = () => Promise<unknown>;

export interface Lab {
  clock: VirtualClock;
  oppo: { url: string; mock: MockOppo };
  im: { url: string; server: ImServer };
  /** Where the virtual phones live. */
  farm: PhoneFarm;
  /** The phones' ADB endpoint (`adb.info()` once started). */
  adb: LabAdb;
  /** The lab's control API (`/_lab/v1`: clock, phones); what the Appium driver's `appium:labUrl` points at. */
  url: string;
  /** Name and URL of every service, in start order (what the CLI prints). */
  services: Array<{ name: string; url: string }>;
  /** The joined trace of one IM message (undefined: IM has no message with that MsgKey). */
  trace(msgKey: string): LabTrace | undefined;
  /** The access guard all the lab's servers share: `token` (undefined on loopback), `webToken`. */
  access: AccessGuard;
  /** Registers a barrier for advance(); returns a function that removes it. */
  addBarrier(barrier: Barrier): () => void;
  /** Moves the clock by `by`, timer by timer, awaiting the barriers (and `extra`) between steps. Returns the steps taken. */
  advance(by: Duration, extra?: Barrier[]): Promise<number>;
  /**
   * Every service back to a clean start, for the next spec file or test (`POST /_lab/v1/reset`):
   * each phone as after boot (apps stopped and cleared, shade empty, network on), then IM (no
   * sessions or tokens, fixtures' accounts and certificates), then mock-oppo's traffic (messages,
   * faults, receipts, quotas; phones stay registered). The clock is not touched: it only moves forward.
   */
  reset(): Promise<LabResetResult>;
  stop(): Promise<void>;
}

/** Guards against a timer that re-arms itself at the same instant forever. */
const MAX_STEPS = 1_000_000;

/** The stepping behind lab.advance, for any frozen VirtualClock. */
export async function advanceStepwise(clock: VirtualClock, by: Duration, barriers: Iterable<Barrier>): Promise<number> {
  const target = clock.now() + parseDuration(by);
  const settle = () => Promise.all([...barriers].map((b) => b()));
  await settle();
  let steps = 0;
  for (let next = clock.nextDueAt(); next !== undefined && next <= target; next = clock.nextDueAt()) {
    if (++steps > MAX_STEPS) throw new Error(`advance: more than ${MAX_STEPS} timer steps before ${new Date(target).toISOString()}`);
    clock.set(Math.max(next, clock.now()));
    await settle();
  }
  if (clock.now() < target) clock.set(target);
  await settle();
  return steps;
}

/** A barrier over a link with sync(): settles it while connected, and is a no-op once it is gone. */
export function linkBarrier(link: { readonly connected: boolean; sync(): Promise<void> }): Barrier {
  return async () => {
    if (!link.connected) return;
    try {
      await link.sync();
    } catch (err) {
      if (link.connected) throw err;
    }
  };
}

export async function startLab(options: LabOptions = {}): Promise<Lab> {
  const clock = options.clock ?? new VirtualClock();
  const host = options.host ?? '127.0.0.1';
  const guard = new AccessGuard({
    host,
    ...(options.token !== undefined ? { token: options.token } : {}),
    ...(options.allowedHosts ? { allowedHosts: options.allowedHosts } : {}),
    tokenSource: `--token / ${LAB_TOKEN_ENV}`,
  });
  const closers: Array<() => Promise<void>> = [];
  const services: Lab['services'] = [];
  if (!options.clock) closers.push(async () => clock.dispose());
  const stop = async () => {
    while (closers.length > 0) await closers.pop()!();
  };
  try {
    const mock = createMockOppo({
      clock,
      ...(options.oppoApps ? { apps: options.oppoApps } : {}),
      // On a frozen clock flow control counts real seconds (see MockSettings.flowControlWindow).
      settings: { ...(clock.flowing ? {} : { flowControlWindow: 'real' as const }), ...options.oppoSettings },
    });
    const portBase = options.portBase ?? 0;
    if (!Number.isInteger(portBase) || portBase < 0 || portBase > 65533) throw new RangeError(`portBase must be 0 or a port from 1 to 65533, got ${portBase}`);
    const pinned = [options.ports?.oppo, options.ports?.im, options.ports?.lab];
    for (const port of pinned) if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port <= 65535)) throw new RangeError(`a pinned port must be 0–65535, got ${port}`);
    const portOf = (offset: 0 | 1 | 2) => pinned[offset] ?? (portBase === 0 ? 0 : portBase + offset);
    const oppo = await mock.listen({ port: portOf(0), guard });
    closers.push(oppo.close);
    services.push({ name: 'mock-oppo', url: oppo.url });

    const server = createImServer({
      clock,
      app: options.imApp ?? defaultImApp(),
      oppoBaseUrl: oppo.url,
      ...(options.certificates ? { certificates: options.certificates } : {}),
      ...(options.accounts ? { accounts: options.accounts } : {}),
      ...(options.imSettings ? { settings: options.imSettings } : {}),
    });
    const im = await server.listen({ port: portOf(1), guard });
    closers.push(im.close);
    services.push({ name: 'im', url: im.url });

    const imApp = server.imApp;
    const phoneLinks = options.phoneLinks ?? 'in-process';
    if (phoneLinks !== 'in-process' && phoneLinks !== 'websocket') throw new RangeError(`phoneLinks must be 'in-process' or 'websocket', got '${phoneLinks}'`);
    const network = new InProcessNetwork();
    if (!isFixtureSecretKey(imApp.secretKey)) (options.warn ?? console.warn)(realKeyWarning(imApp.secretKey, userSigEndpointOn(server)));
    const farm = new PhoneFarm({
      clock,
      oppoUrl: oppo.url,
      imUrl: im.url,
      im: { sdkAppId: imApp.sdkAppId, secretKey: imApp.secretKey },
      ...(options.phoneSettings ? { settings: options.phoneSettings } : {}),
      ...(phoneLinks === 'in-process'
        ? {
            pushTransport: (opts) => {
              const [phoneEnd, mockEnd] = network.pair();
              mock.acceptDeviceLink(mockEnd);
              return DeviceLinkClient.over(phoneEnd, opts);
            },
            imTransport: async () => {
              const [appEnd, imEnd] = network.pair();
              server.acceptClientLink(imEnd);
              return ImClientLink.over(appEnd);
            },
            settleLinks: () => network.settle(),
          }
        : {}),
      // In-process, so the IM trace can name what the phone could not tell the server.
      observer: { logoutNotDelivered: (deviceId, userId) => server.sessions.noteLogoutNotDelivered(userId, deviceId) },
    });
    closers.push(() => farm.shutdownAll());
    // The ADB endpoint joins the service list while it runs (what `GET /_lab/v1` and the CLI show).
    const adb = new LabAdb(farm, (info) => {
      const at = services.findIndex((s) => s.name === 'adb');
      if (at >= 0) services.splice(at, 1);
      if (info) services.push({ name: 'adb', url: `tcp://${info.host}:${info.port}` });
    });
    closers.push(async () => void (await adb.stop()));

    // Every phone's links settle between clock steps, so a heartbeat a timer triggers lands in time.
    const barriers = new Set<Barrier>([() => farm.syncAll()]);
    // Read the set at every step: phones and links come and go while time moves.
    const advance = (by: Duration, extra: Barrier[] = []) =>
      advanceStepwise(clock, by, { [Symbol.iterator]: () => [...barriers, ...extra][Symbol.iterator]() });

    const trace = (msgKey: string): LabTrace | undefined => {
      if (!server.messages.get(msgKey)) return undefined;
      return joinTrace(msgKey, {
        im: server.traces.byMsgKey(msgKey),
        oppo: mock.platform.listMessages({ appMessageId: msgKey }).map(messageView),
        phone: (deviceId, ids) => farm.get(deviceId)?.notifications.eventsOf(ids) ?? [],
      });
    };
    server.setTraceSource(trace);

    const reset = async (): Promise<LabResetResult> => {
      // Phones first: their apps stop (closing IM links), so IM then forgets sessions nobody holds.
      await farm.resetAll();
      server.reset();
      mock.reset('traffic');
      await farm.syncAll();
      return { now: clock.now(), phones: farm.list().map((p) => p.serial) };
    };

    const control = await listenGuarded(createLabControlApp({ clock, farm, advance, reset, services, adb, trace }), {
      guard,
      port: portOf(2),
      upgrades: [adbTunnelRoute(adb)],
    });
    closers.push(control.close);
    services.push({ name: 'lab', url: control.url });

    if (options.adb) await adb.start(typeof options.adb === 'object' ? (options.adb.port ?? 0) : 0);

    const boots = typeof options.phones === 'number' ? Array.from({ length: options.phones }, () => ({})) : (options.phones ?? []);
    for (const boot of boots) await farm.boot(boot);

    return {
      clock,
      oppo: { url: oppo.url, mock },
      im: { url: im.url, server },
      farm,
      adb,
      url: control.url,
      services,
      trace,
      access: guard,
      addBarrier(barrier) {
        barriers.add(barrier);
        return () => barriers.delete(barrier);
      },
      advance,
      reset,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
