/**
 * Transport: the phone API over HTTP, generic over PhoneApi. The lab mounts it at PHONES_PATH with
 * its farm's resolve/boot/list; any tool (the Appium driver in another process, a web view, curl)
 * then reaches the same phones.
 */
import express from 'express';
import { bodyErrorMessage } from '../../../mock-oppo/access/secrets.ts';
import type { NextFunction, Request, Response, Router } from 'express';
import type { AppSource, BootOptions, PhoneApi } from '../api.ts';
import { PHONE_ROUTES } from './routes.ts';
import type { ErrorBody, ParamSpec, PhoneListing, PhoneMethod } from './routes.ts';

export interface PhoneRouterOptions {
  /** Boots a phone and yields its serial; without it `POST /` answers 501. */
  boot?: (options: BootOptions) => Promise<string>;
  /** Serials of the phones in the lab; without it `GET /` answers 501. */
  list?: () => Iterable<string> | Promise<Iterable<string>>;
  /** Shuts a phone down (false: no such phone); without it `DELETE /:serial` answers 501. */
  shutdown?: (serial: string) => Promise<boolean>;
}

/** A request the caller got wrong: answered with `status` and never logged as a lab failure. */
class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function send(res: Response, status: number, value: unknown): void {
  res.status(status).json({ value: value ?? null });
}

function sendError(res: Response, status: number, code: string, message: string): void {
  const body: ErrorBody = { error: { code, message } };
  res.status(status).json(body);
}

function errorCode(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'phone error';
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function readParam(spec: ParamSpec, source: Record<string, unknown>, fromQuery: boolean): unknown {
  let value = source[spec.name];
  if (value === undefined) {
    if (spec.optional) return undefined;
    throw new HttpError(400, 'invalid argument', `missing parameter '${spec.name}'`);
  }
  if (fromQuery && spec.kind === 'number' && typeof value === 'string' && value.trim() !== '') value = Number(value);
  const isObject = typeof value === 'object' && value !== null && !Array.isArray(value);
  const ok =
    spec.kind === 'object' ? isObject
    : spec.kind === 'string|object' ? isObject || typeof value === 'string'
    : typeof value === spec.kind && (spec.kind !== 'number' || Number.isFinite(value));
  if (!ok) throw new HttpError(400, 'invalid argument', `parameter '${spec.name}' must be a ${spec.kind.replace('|', ' or an ')}`);
  return value;
}

function bodyObject(req: Request): Record<string, unknown> {
  const body: unknown = req.body ?? {};
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new HttpError(400, 'invalid argument', 'the request body must be a JSON object');
  }
  return body as Record<string, unknown>;
}

function readBootOptions(body: Record<string, unknown>): BootOptions {
  const { deviceProfile, appProfiles } = body;
  if (deviceProfile !== undefined && typeof deviceProfile !== 'string') {
    throw new HttpError(400, 'invalid argument', "'deviceProfile' must be a string");
  }
  const isSource = (p: unknown) => typeof p === 'string' || (typeof p === 'object' && p !== null && !Array.isArray(p));
  if (appProfiles !== undefined && !(Array.isArray(appProfiles) && appProfiles.every(isSource))) {
    throw new HttpError(400, 'invalid argument', "'appProfiles' must be an array of profile ids or profile objects");
  }
  return {
    ...(deviceProfile !== undefined && { deviceProfile }),
    ...(appProfiles !== undefined && { appProfiles: appProfiles as AppSource[] }),
  };
}

export function createPhoneRouter(
  resolve: (serial: string) => PhoneApi | undefined,
  options: PhoneRouterOptions = {},
): Router {
  const router = express.Router();
  router.use(express.json({ limit: '1mb' }));

  router.get('/', async (_req, res) => {
    if (!options.list) throw new HttpError(501, 'not supported', 'this lab does not list its phones');
    const rows: PhoneListing[] = [];
    for (const serial of await options.list()) {
      const phone = resolve(serial);
      if (!phone) continue;
      const info = await phone.deviceInfo();
      rows.push({ serial, brand: info.brand, model: info.model, platformVersion: info.platformVersion, apiVersion: info.apiVersion });
    }
    send(res, 200, rows);
  });

  router.post('/', async (req, res) => {
    if (!options.boot) throw new HttpError(501, 'not supported', 'this lab cannot boot phones');
    const bootOptions = readBootOptions(bodyObject(req));
    let serial: string;
    try {
      serial = await options.boot(bootOptions);
    } catch (err) {
      // The usual cause is a profile name that does not exist, i.e. the caller's input.
      throw new HttpError(400, 'boot failed', messageOf(err));
    }
    send(res, 201, { serial });
  });

  router.delete('/:serial', async (req: Request<{ serial: string }>, res: Response) => {
    if (!options.shutdown) throw new HttpError(501, 'not supported', 'this lab cannot shut phones down');
    if (!(await options.shutdown(req.params.serial))) throw new HttpError(404, 'no such phone', `no phone with serial '${req.params.serial}'`);
    send(res, 200, { serial: req.params.serial });
  });

  for (const [method, route] of Object.entries(PHONE_ROUTES) as Array<[PhoneMethod, (typeof PHONE_ROUTES)[PhoneMethod]]>) {
    const fromQuery = route.verb === 'GET';
    const handler = async (req: Request<{ serial: string }>, res: Response) => {
      const phone = resolve(req.params.serial);
      if (!phone) throw new HttpError(404, 'no such phone', `no phone with serial '${req.params.serial}'`);
      const source = fromQuery ? (req.query as Record<string, unknown>) : bodyObject(req);
      const args = route.params.map((spec) => readParam(spec, source, fromQuery));
      const call = phone[method] as (...a: unknown[]) => Promise<unknown>;
      send(res, 200, await call.apply(phone, args));
    };
    if (fromQuery) router.get(`/:serial/${route.path}`, handler);
    else router.post(`/:serial/${route.path}`, handler);
  }

  router.use((_req: Request, res: Response) => sendError(res, 404, 'unknown route', 'no such phone API route'));

  router.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (err instanceof HttpError) return sendError(res, err.status, err.code, err.message);
    const status = (err as { status?: unknown; type?: unknown }).status;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      // body-parser's own rejections (malformed JSON, too large); never quoting the body (setText may carry a password)
      return sendError(res, status, 'invalid request', bodyErrorMessage(err));
    }
    const code = errorCode(err);
    // The caller's argument was out of range (the phone refused before changing anything).
    sendError(res, code === 'invalid argument' ? 400 : 500, code, messageOf(err));
  });

  return router;
}
