/**
 * mock-oppo: a stateful fake of the OPPO PUSH platform. One platform (rules), one HTTP core (wire),
 * three ways in: an express app / HTTP server (with the device-link WebSocket), msw handlers for
 * the real hosts, and the platform object itself.
 */
import { createServer } from 'node:http';
import type express from 'express';
import type { RequestHandler } from 'msw';
import { demoApp, type AppConfig } from './core/apps.ts';
import { VirtualClock, type Clock } from './core/clock.ts';
import type { Faults } from './core/faults.ts';
import { OppoPlatform } from './core/platform.ts';
import { fetchReceiptSender, type ReceiptSender } from './core/receipts.ts';
import { resolveSettings, type MockSettings } from './core/settings.ts';
import { attachDeviceLink, DeviceLinkEndpoint } from './device-link/server.ts';
import { createExpressApp, createRequestListener } from './transport/http-listener.ts';
import { bindHttpServer, closeHttpServer } from './transport/listen.ts';
import { createMswHandlers } from './transport/msw-handlers.ts';
import type { WireEnd } from './transport/wire.ts';
import { HttpCore, mockSurfaces, type JournalEntry, type ResetScope } from './wire/http.ts';
import { AccessGuard } from './access/guard.ts';
import { admitUpgrade, flatDenial, guardListener } from './access/node.ts';
import { MOCK_TOKEN_ENV } from './access/client.ts';

export interface MockOppoOptions {
  /** Default: a flowing VirtualClock (real time plus whatever the control API jumps). */
  clock?: Clock;
  /** Default: the demo app of fixtures/oppo-apps.json. */
  apps?: AppConfig[];
  /** Named settings for the [uncertain] behaviours (see core/settings.ts). */
  settings?: Partial<MockSettings>;
  /** Default: a real fetch POST. */
  receiptSender?: ReceiptSender;
}

export interface ListenOptions {
  port?: number;
  /** Default 127.0.0.1. Any other address makes the control API need a token (generated unless given). */
  host?: string;
  /** A token the control API needs, also on loopback (`--token`, MOCK_OPPO_TOKEN). */
  token?: string;
  /** More Host names a loopback mock answers (a tunnel's name). */
  allowedHosts?: string[];
  /** A guard shared with other servers (the lab's): it replaces host, token and allowedHosts (the mock binds its host). */
  guard?: AccessGuard;
}

export interface ListeningMock {
  url: string;
  /** The token the control API needs (undefined: none, the mock is on loopback). */
  token: string | undefined;
  close(): Promise<void>;
}

export interface MockOppo {
  clock: Clock;
  platform: OppoPlatform;
  app: express.Express;
  handlers: RequestHandler[];
  /** The transport-free HTTP core (route, faults, wire, journal): `await mock.core.handle(wireRequest)`. */
  core: HttpCore;
  /** Fault injection in-process: `mock.faults.add({ preset: 'flow_control', endpoint: 'unicast', times: 1 })`. */
  faults: Faults;
  /** The request journal (newest last, secrets masked). */
  journal(): JournalEntry[];
  /**
   * Starts a node:http server (127.0.0.1, ephemeral port by default) serving the API, the control API
   * and the device link — the same answers as `app`, behind the access guard (mock-oppo/access).
   */
  listen(opts?: ListenOptions): Promise<ListeningMock>;
  /**
   * `all` (default): back to the initial apps; clears state, faults, journal, receipts; closes device
   * links. `traffic`: only messages, faults, receipts, quotas, feedback and the journal (what the lab's
   * reset uses: phones stay registered and connected).
   */
  reset(scope?: ResetScope): void;
  /** Serves a device link over a wire end without a socket (phones in this process; see transport/wire.ts). Closed by the listener's close(). */
  acceptDeviceLink(end: WireEnd): void;
}

export function createMockOppo(options: MockOppoOptions = {}): MockOppo {
  const clock = options.clock ?? new VirtualClock({ flowing: true });
  const settings = resolveSettings(options.settings);
  const platform = new OppoPlatform({
    clock,
    settings,
    apps: options.apps ?? [demoApp()],
    receiptSender: options.receiptSender ?? fetchReceiptSender,
  });
  const core = new HttpCore(platform);
  const listener = createRequestListener(core, settings.maxBodyBytes);
  const app = createExpressApp(listener);
  const deviceLinks = new DeviceLinkEndpoint(platform);
  return {
    clock,
    platform,
    app,
    handlers: createMswHandlers(core),
    core,
    faults: platform.faults,
    journal: () => core.journalEntries(),
    reset: (scope) => core.reset(scope),
    acceptDeviceLink: (end) => deviceLinks.accept(end),
    async listen({ port = 0, host = '127.0.0.1', token, allowedHosts, guard: shared } = {}) {
      const guard = shared ?? new AccessGuard({ host, ...(token !== undefined ? { token } : {}), ...(allowedHosts ? { allowedHosts } : {}), tokenSource: `--token / ${MOCK_TOKEN_ENV}` });
      host = guard.host;
      const server = createServer(guardListener(guard, mockSurfaces, listener, flatDenial));
      server.keepAliveTimeout = 5_000;
      const link = attachDeviceLink(server, platform, (req, socket) => admitUpgrade(guard, mockSurfaces, req, socket, flatDenial), deviceLinks);
      const url = await bindHttpServer(server, port, host);
      return {
        url,
        token: guard.token,
        async close() {
          await link.close();
          await closeHttpServer(server);
        },
      };
    },
  };
}

export { OppoPlatform } from './core/platform.ts';
export type { MessageRecord, TargetRecord, TargetState, Registration, DeviceSink } from './core/records.ts';
export type { MessageView, RegistrationView, TargetView } from './core/views.ts';
export type { TotalsView } from './core/totals.ts';
export { VirtualClock, SystemClock, parseDuration, type Clock } from './core/clock.ts';
export { attachDeviceLink, DeviceLinkEndpoint } from './device-link/server.ts';
export { InProcessNetwork, wsWire, type WireEnd } from './transport/wire.ts';
export { CODES, CODE_MESSAGES, DOCUMENTED_CODES, OppoError } from './core/codes.ts';
export { DEFAULT_SETTINGS, type MockSettings } from './core/settings.ts';
export { demoApp, normalizeApp, type App, type AppConfig, type ChannelConfig } from './core/apps.ts';
export { FAULT_PRESETS, type Fault, type FaultPreset, type FaultSpec } from './core/faults.ts';
export type { ReceiptBody, ReceiptRecord, ReceiptSender, ReceiptEvent } from './core/receipts.ts';
export { isWellFormedRegId, regionOfRegId, type Region } from './core/region.ts';
export { HOSTS, HttpCore, type JournalEntry, type ResetScope, type WireRequest, type WireResponse } from './wire/http.ts';
export { DeviceLinkClient, DeviceLinkError, type NotificationFrame } from './device-link/client.ts';
export { DEVICE_LINK_PATH } from './device-link/protocol.ts';
export { MockOppoControl, MockOppoControlError } from './control-client.ts';
export { authSign } from './core/sign.ts';
export { AccessGuard, checkToken, generateToken, isLoopback, WEB_TOKEN_HEADER, WEB_COOKIE_PREFIX, type AccessGuardOptions, type Denial, type Surface, type SurfaceOf } from './access/guard.ts';
export { controlInit, tokenHeaders, type ClientAccess } from './access/client.ts';
export { admitUpgrade, flatDenial, guardListener, nestedDenial, type DenialBody } from './access/node.ts';
