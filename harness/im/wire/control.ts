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

export const CONTROL_PREFIX = '/_im/v1';

const masked = (c: CertificateConfig | null): CertificateConfig | null => (c ? { ...c, masterSecret: maskSecret(c.masterSecret) } : null);

function sessionView(s: Session) {
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

  r.get(`${CONTROL_PREFIX}/traces`, (req, res) => {
    const filter: { msgKey?: string; user?: string } = {};
    if (typeof req.query.msgKey === 'string') filter.msgKey = req.query.msgKey;
    if (typeof req.query.user === 'string') filter.user = req.query.user;
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
  r.post(`${CONTROL_PREFIX}/usersig`, (req, res) => {
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
    error(res, status && status < 500 ? status : 500, status && status < 500 ? 'invalid_request' : 'internal_error', String((err as Error).message));
  }) as express.ErrorRequestHandler);
  return r;
}
