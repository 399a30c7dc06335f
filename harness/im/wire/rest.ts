/**
 * The REST entry: `POST /v4/<service>/<command>?sdkappid=&identifier=&usersig=&random=&contenttype=json`.
 * Checks the URL and the admin's UserSig, parses the raw body as JSON whatever the Content-Type
 * (real clients differ), and always answers HTTP 200 with the ActionStatus/ErrorCode/ErrorInfo
 * envelope. `random` is not checked: old clients omit it, many send a constant.
 */
import express from 'express';
import type { ImCore } from '../core.ts';
import { IM_ERRORS, IM_LIMITS, ImError, type ImErrorName } from '../errors.ts';
import { accountCommands } from './rest-accounts.ts';
import { groupCommands } from './rest-groups.ts';
import { messageCommands } from './rest-messages.ts';
import { onlineStatusCommands } from './rest-online-status.ts';
import { pushTraceCommands } from './rest-push-trace.ts';
import { pushCommands } from './rest-push.ts';
import { relationCommands } from './rest-relations.ts';

export type JsonObject = Record<string, unknown>;
export type RestCommand = (body: JsonObject, ctx: { identifier: string }) => JsonObject | Promise<JsonObject>;

function envelope(code: number, info: string, extra: JsonObject = {}): JsonObject {
  return { ActionStatus: code === 0 ? 'OK' : 'FAIL', ErrorCode: code, ErrorInfo: info, ...extra };
}

const fail = (name: ImErrorName, detail?: string): JsonObject => {
  const [code, text] = IM_ERRORS[name];
  return envelope(code, detail ? `${text}: ${detail}` : text);
};

function single(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

export function restRouter(core: ImCore): express.Router {
  const commands: Record<string, RestCommand> = {
    ...accountCommands(core), ...messageCommands(core), ...onlineStatusCommands(core), ...groupCommands(core), ...relationCommands(core), ...pushCommands(core), ...pushTraceCommands(core),
  };
  const router = express.Router();
  // `/v4` and `/v4/` too: a request without a command still gets the envelope, not the lab's 404.
  router.all(['/v4', '/v4/', '/v4/*path'], express.raw({ type: () => true, limit: IM_LIMITS.requestBodyBytes }), async (req, res) => {
    res.json(await handle(core, commands, req));
  });
  router.use('/v4', ((err, _req, res, _next) => {
    const tooLarge = (err as { type?: string }).type === 'entity.too.large';
    res.json(tooLarge ? fail('REQUEST_TOO_LARGE') : fail('INTERNAL_ERROR', String((err as Error).message)));
  }) as express.ErrorRequestHandler);
  return router;
}

async function handle(core: ImCore, commands: Record<string, RestCommand>, req: express.Request): Promise<JsonObject> {
  if (req.method !== 'POST') return fail('URL_UNPARSABLE', `method ${req.method} not allowed, use POST`);
  const q = req.query;
  const sdkappid = single(q.sdkappid);
  if (sdkappid === undefined || sdkappid === '') return fail('SDKAPPID_MISSING');
  if (!/^\d+$/.test(sdkappid)) return fail('URL_PARAM_ERROR', 'sdkappid must be an integer');
  if (Number(sdkappid) !== core.imApp.sdkAppId) return fail('SDKAPPID_INVALID', `unknown SDKAppID ${sdkappid}`);
  const identifier = single(q.identifier);
  if (!identifier) return fail('URL_PARAM_ERROR', 'identifier missing');
  const usersig = single(q.usersig);
  if (usersig === undefined) return fail('URL_PARAM_ERROR', 'usersig missing');
  const contenttype = single(q.contenttype);
  if (contenttype !== undefined && contenttype !== 'json') return fail('URL_PARAM_ERROR', 'contenttype must be json');
  if (!core.accounts.isAdmin(identifier)) return fail('NOT_ADMIN');
  const verified = core.accounts.verify(usersig, identifier);
  if (!verified.ok) return envelope(verified.code, verified.message);

  const segments: unknown = req.params.path;
  const path = Array.isArray(segments) ? segments.join('/') : typeof segments === 'string' ? segments : '';
  const command = Object.hasOwn(commands, path) ? commands[path] : undefined;
  if (!command) return fail('UNKNOWN_RESOURCE', `/v4/${path}`);

  const raw = Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '';
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    return fail('JSON_PARSE');
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return fail('JSON_PARSE', 'body must be a JSON object');
  try {
    return envelope(0, '', await command(body as JsonObject, { identifier }));
  } catch (err) {
    if (err instanceof ImError) return envelope(err.code, err.message);
    throw err;
  }
}
