/** createImServer: the rules (core.ts) behind the REST, console/control (express) and client-link (ws) transports. */
import { createServer } from 'node:http';
import express from 'express';
import type { Clock } from '../../mock-oppo/core/clock.ts';
import { bindHttpServer, closeHttpServer } from '../../mock-oppo/transport/listen.ts';
import type { WireEnd } from '../../mock-oppo/transport/wire.ts';
import { AccessGuard, type SurfaceOf } from '../../mock-oppo/access/guard.ts';
import { admitUpgrade, guardListener } from '../../mock-oppo/access/node.ts';
import { attachClientLink, ClientLinkEndpoint } from './client-link/server.ts';
import { CLIENT_LINK_PATH } from './client-link/protocol.ts';
import { createImCore, type ImCore } from './core.ts';
import { defaultAccounts, defaultCertificates } from './fixtures.ts';
import { OPPO_CN_BASE_URL, OppoClient } from './push/oppo-client.ts';
import type { ImApp } from './rules/accounts.ts';
import type { CertificateConfig } from './rules/certificates.ts';
import { resolveSettings, type ImSettings } from './settings.ts';
import { controlRouter } from './wire/control.ts';
import { restRouter } from './wire/rest.ts';

export interface ImServerOptions {
  clock: Clock;
  app: ImApp;
  /** OPPO PUSH host; the real CN host by default (msw can intercept it), the mock's URL in the lab. */
  oppoBaseUrl?: string;
  /** Console certificates, active from the start (default fixtures/im-certificates.json). */
  certificates?: CertificateConfig[];
  /** Pre-imported accounts (default fixtures/users.json). */
  accounts?: Array<{ userId: string; nick?: string }>;
  settings?: Partial<ImSettings>;
  /** Used for the OPPO calls (tests can count or fail them). */
  fetch?: typeof fetch;
}

export interface ImServer extends Omit<ImCore, 'imApp' | 'dispose' | 'reset'> {
  /** REST `/v4/...`, console and control `/_im/v1/...`. */
  app: express.Express;
  imApp: ImApp;
  /**
   * Serves `app` and the client link (CLIENT_LINK_PATH) behind the access guard (the lab's shared
   * one, which also gives the address to bind; else one for `host`); close() ends every link and the rules' timers.
   */
  listen(opts?: { port?: number; host?: string; guard?: AccessGuard }): Promise<{ url: string; close(): Promise<void> }>;
  /**
   * Back to the fixtures (core.ts `reset`) and every open client link dropped, as after a server
   * restart: an SDK still connected sees its socket close. Also `POST /_im/v1/reset`.
   */
  reset(): void;
  /** Serves a client link over a wire end without a socket (apps on phones in this process). Closed by the listener's close(). */
  acceptClientLink(end: WireEnd): void;
}

/** The access guard's view of the IM server: REST (UserSig auth) and the client link are open, the rest is control. */
export const imSurfaces: SurfaceOf = (path) => (path.startsWith('/v4/') || path === CLIENT_LINK_PATH ? 'open' : 'control');

export function createImServer(options: ImServerOptions): ImServer {
  const settings = resolveSettings(options.settings);
  const pusher = new OppoClient({
    baseUrl: options.oppoBaseUrl ?? OPPO_CN_BASE_URL,
    clock: options.clock,
    // Looked up per call, so msw's setupServer().listen() after createImServer still intercepts.
    fetch: options.fetch ?? ((input, init) => globalThis.fetch(input, init)),
    retryDelaysMs: settings.oppoRetryDelaysMs,
    timeoutMs: settings.oppoRequestTimeoutMs,
  });
  const core = createImCore({
    clock: options.clock,
    imApp: options.app,
    settings,
    certificates: options.certificates ?? defaultCertificates(),
    accounts: options.accounts ?? defaultAccounts(),
    pusher,
  });
  const clientLinks = new ClientLinkEndpoint(core);
  const reset = (): void => {
    core.reset();
    clientLinks.closeAll();
  };
  const app = express();
  app.disable('x-powered-by');
  app.use(restRouter(core));
  app.use(controlRouter(core, reset));
  app.use((req, res) => {
    res.status(404).json({ error: { code: 'not_found', message: `no route ${req.method} ${req.path} (REST is POST /v4/<service>/<command>, the lab API is under /_im/v1)` } });
  });
  const { dispose, reset: _resetRules, ...rules } = core;

  return {
    ...rules,
    app,
    reset,
    acceptClientLink: (end) => clientLinks.accept(end),
    async listen(opts = {}) {
      const guard = opts.guard ?? new AccessGuard({ host: opts.host ?? '127.0.0.1' });
      const server = createServer(guardListener(guard, imSurfaces, app));
      // After the bind: the link's ws server would rethrow a bind error (EADDRINUSE) as uncaught.
      const url = await bindHttpServer(server, opts.port ?? 0, guard.host);
      const link = attachClientLink(server, clientLinks, (req, socket) => admitUpgrade(guard, imSurfaces, req, socket));
      return {
        url,
        async close() {
          pusher.close();
          await link.close();
          await closeHttpServer(server);
          dispose();
        },
      };
    },
  };
}
