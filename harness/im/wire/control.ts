/**
 * The lab's own JSON API under `/_im/v1`: the IM console's push certificates, traces, sessions,
 * accounts, and a UserSig helper. Errors are `{ error: { code, message } }` with a 4xx status.
 */
import express from 'express';
import { maskSecret } from '../../../mock-oppo/core/apps.ts';
import type { ImCore } from '../core.ts';
import { CertificateError, type CertificateConfig } from '../rules/certificates.ts';
import type { Session } from '../rules/sessions.ts';
import { MAX_DURATION_MS } from '../../../mock-oppo/core/clock.ts';
import { genUserSig } from '../usersig.ts';
import { isFixtureSecretKey } from '../fixtures.ts';
import { bodyErrorMessage } from '../../../mock-oppo/access/secrets.ts';

export const CONTROL_PREFIX = '/_im/v1';

/** Whether `POST /_im/v1/usersig` serves (the setting `userSigEndpoint`; 'auto' = only with the fixtures' key). */
export function userSigEndpointOn(core: Pick<ImCore, 'settings' | 'imApp'>): boolean {
  const setting = core.settings.userSigEndpoint;
  return setting === 'on' || (setting === 'auto' && isFixtureSecretKey(core.imApp.secretKey));
}

const masked = (c: CertificateConfig | null): CertificateConfig | null => (c ? { ...c, masterSecret: maskSecret(c.masterSecret) } : null);

/** A session as the control API shows it (the link is the transport's, not data). */
export type SessionView = Omit<Session, 'link' | 'token'> & { connected: boolean; token: Session['token'] | null };

function sessionView(s: Session): SessionView {
  const { link, token, ...rest } = s;
  return { ...rest, connected: link !== undefined, token: token ?? null };
}

function error(res: express.Response, status: number, code: string, message: string): void {
  res.status(status).json({ error: { code, message } });
}

function certificateId(req: express.Request, res: express.Response): number | undefined {
  const id = Number(req.params.id);
  if (Number.isInteger(id) && id > 0) return id;
  error(res, 400, 'invalid_id', 'certificate id must be a positive integer');
  return undefined;
}

/** `reset`: what `POST /_im/v1/reset` runs (the server's reset, which also drops the client links). */
export function controlRouter(core: ImCore, reset: () => void = () => core.reset()): express.Router {
  const { certificates, traces, sessions, accounts, clock } = core;
  const r = express.Router();
  r.use(CONTROL_PREFIX, express.json({ limit: '1mb' }));

  const guard = (fn: (req: express.Request, res: express.Response) => void): express.RequestHandler => (req, res) => {
    try {
      fn(req, res);
    } catch (err) {
      if (!(err instanceof CertificateError)) throw err;
      error(res, /does not exist/.test(err.message) ? 404 : 400, 'invalid_certificate', err.message);
    }
  };

  r.get(`${CONTROL_PREFIX}/console/certificates`, (_req, res) => {
    res.json({
      certificates: certificates.list().map((v) => ({
        id: v.id,
        active: v.active && { ...v.active, config: masked(v.active.config) },
        pending: v.pending.map((p) => ({ ...p, config: masked(p.config) })),
      })),
    });
  });
  r.post(`${CONTROL_PREFIX}/console/certificates`, guard((req, res) => {
    const { config, effectiveAt } = certificates.create(req.body);
    res.status(201).json({ certificate: masked(config), effectiveAt });
  }));
  r.patch(`${CONTROL_PREFIX}/console/certificates/:id`, guard((req, res) => {
    const id = certificateId(req, res);
    if (id === undefined) return;
    const { config, effectiveAt } = certificates.edit(id, req.body);
    res.json({ certificate: masked(config), effectiveAt });
  }));
  r.delete(`${CONTROL_PREFIX}/console/certificates/:id`, guard((req, res) => {
    const id = certificateId(req, res);
    if (id === undefined) return;
    res.json(certificates.delete(id));
  }));

  // The console's certificate test: IM authenticates at OPPO with the certificate's AppKey and MasterSecret.
  r.post(`${CONTROL_PREFIX}/console/certificates/:id/verify`, (req, res, next) => {
    const id = certificateId(req, res);
    if (id === undefined) return;
    core.verifyCertificate(id).then((answer) => {
      if (!answer) return error(res, 404, 'invalid_certificate', `certificate ${id} has no active version`);
      res.json({ certificateId: id, ...answer });
    }, next);
  });
  // What a client needs to call the REST API as the admin (no secret).
  r.get(`${CONTROL_PREFIX}/app`, (_req, res) => {
    res.json({ sdkAppId: core.imApp.sdkAppId, admin: core.imApp.admin });
  });

  r.get(`${CONTROL_PREFIX}/callbacks`, (_req, res) => {
    res.json({ callbacks: core.callbacks.list() });
  });
  r.get(`${CONTROL_PREFIX}/traces`, (req, res) => {
    const filter: { msgKey?: string; user?: string; groupId?: string } = {};
    if (typeof req.query.msgKey === 'string') filter.msgKey = req.query.msgKey;
    if (typeof req.query.user === 'string') filter.user = req.query.user;
    if (typeof req.query.groupId === 'string') filter.groupId = req.query.groupId;
    res.json({ traces: traces.query(filter) });
  });
  r.get(`${CONTROL_PREFIX}/traces/:msgKey`, (req, res) => {
    if (!core.messages.get(req.params.msgKey)) return error(res, 404, 'unknown_message', `no message with MsgKey ${req.params.msgKey}`);
    res.json({ traces: traces.byMsgKey(req.params.msgKey) });
  });

  r.get(`${CONTROL_PREFIX}/sessions`, (req, res) => {
    const user = typeof req.query.user === 'string' ? req.query.user : undefined;
    res.json({ sessions: (user === undefined ? sessions.all() : sessions.sessionsOf(user)).map(sessionView) });
  });
  r.get(`${CONTROL_PREFIX}/sessions/journal`, (req, res) => {
    res.json({ events: sessions.journal(typeof req.query.user === 'string' ? { userId: req.query.user } : {}) });
  });
  r.get(`${CONTROL_PREFIX}/accounts`, (_req, res) => {
    res.json({ accounts: accounts.list() });
  });
  // The lab signs tickets for specs and curl users; a real backend does this with its secret key.
  // With a real app's key that would hand out tickets the real service accepts: off unless allowed.
  const mintsUserSigs = userSigEndpointOn(core);
  r.post(`${CONTROL_PREFIX}/usersig`, (req, res) => {
    if (!mintsUserSigs) {
      return error(res, 403, 'usersig_disabled', "POST /_im/v1/usersig is off: this lab's IM secret key is not the fixtures' test key, and tickets signed with it may be accepted by the real Tencent IM. Sign UserSigs in your backend, or start the lab with --allow-usersig (the setting userSigEndpoint: 'on')");
    }
    const { userId, expireSeconds } = (req.body ?? {}) as { userId?: unknown; expireSeconds?: unknown };
    if (typeof userId !== 'string' || userId === '') return error(res, 400, 'invalid_request', 'userId must be a non-empty string');
    if (expireSeconds !== undefined && !(Number.isInteger(expireSeconds) && (expireSeconds as number) > 0 && (expireSeconds as number) <= MAX_DURATION_MS / 1000)) {
      return error(res, 400, 'invalid_request', `expireSeconds must be a positive integer of at most ${MAX_DURATION_MS / 1000}`);
    }
    const opts = { sdkAppId: core.imApp.sdkAppId, secretKey: core.imApp.secretKey, userId, now: clock.now() };
    res.json({ userId, userSig: genUserSig(expireSeconds === undefined ? opts : { ...opts, expireSeconds: expireSeconds as number }) });
  });
  r.get(`${CONTROL_PREFIX}/settings`, (_req, res) => {
    res.json({ settings: core.settings, now: clock.now() });
  });
  // Everything back to the fixtures: sessions, tokens, messages, traces, accounts, certificates.
  r.post(`${CONTROL_PREFIX}/reset`, (_req, res) => {
    reset();
    res.json({ reset: true, now: clock.now() });
  });

  // Express would answer OPTIONS itself in text/plain; the lab API answers in its own JSON shape.
  r.options([CONTROL_PREFIX, `${CONTROL_PREFIX}/*path`], (_req, res) => {
    res.setHeader('allow', 'GET, POST, PATCH, DELETE');
    error(res, 405, 'method_not_allowed', 'the IM lab API has no OPTIONS; use GET, POST, PATCH or DELETE');
  });

  r.use(CONTROL_PREFIX, ((err, _req, res, _next) => {
    const status = (err as { status?: number }).status;
    error(res, status && status < 500 ? status : 500, status && status < 500 ? 'invalid_request' : 'internal_error', bodyErrorMessage(err));
  }) as express.ErrorRequestHandler);
  return r;
}
