/**
 * The lab's own HTTP API (`/_lab/v1`): the one virtual clock (advancing steps timer by timer and lets
 * every link settle in between), the reset of every service between spec files, the phones (the
 * PhoneApi routes, boot, list, shutdown), the phones' lab-only switches that have no Appium
 * counterpart (network, notification permission, kill modes) and their notification history.
 * Every answer is `{ value }`, every failure `{ error: { code, message } }`, like the phone API.
 */
import express from 'express';
import { bodyErrorMessage } from '../../mock-oppo/access/secrets.ts';
import { parseDuration, type Duration, type VirtualClock } from '../../mock-oppo/core/clock.ts';
import { createPhoneRouter, PHONES_PATH } from '../phone/http/index.ts';
import type { PhoneFarm } from '../phone/farm.ts';
import type { VirtualPhone } from '../phone/phone.ts';
import type { LabTrace } from '../trace/trace.ts';
import type { PhoneSettings } from '../phone/settings.ts';
import type { LabAdb } from './adb-endpoint.ts';
import type { LabResetResult } from './lab.ts';

export const LAB_API_PATH = '/_lab/v1';

export interface LabControlDeps {
  clock: VirtualClock;
  farm: PhoneFarm;
  advance(by: Duration): Promise<number>;
  reset(): Promise<LabResetResult>;
  services: Array<{ name: string; url: string }>;
  /** The joined trace of one IM message; undefined when IM has no such MsgKey. */
  trace(msgKey: string): LabTrace | undefined;
  adb: LabAdb;
}

class BadRequest extends Error {}
class NotFound extends Error {}

type Handler = (req: express.Request) => unknown;

function route(handler: Handler): express.RequestHandler {
  return (req, res) => {
    Promise.resolve()
      .then(() => handler(req))
      .then(
        (value) => res.json({ value: value ?? null }),
        (error: unknown) => {
          const status = error instanceof NotFound ? 404 : error instanceof BadRequest ? 400 : 500;
          const code = status === 404 ? 'not_found' : status === 400 ? 'bad_request' : 'internal';
          res.status(status).json({ error: { code, message: (error as Error).message } });
        },
      );
  };
}

function body(req: express.Request): Record<string, unknown> {
  return req.body && typeof req.body === 'object' ? (req.body as Record<string, unknown>) : {};
}

function durationOf(value: unknown): Duration {
  if (typeof value !== 'string' && typeof value !== 'number') throw new BadRequest('give "by": a duration such as "10m" or a number of ms');
  try {
    parseDuration(value);
  } catch (err) {
    throw new BadRequest((err as Error).message);
  }
  return value;
}

export function createLabControlApp(deps: LabControlDeps): express.Express {
  const { clock, farm } = deps;
  const phoneOf = (req: express.Request): VirtualPhone => {
    const phone = farm.get(String(req.params.serial));
    if (!phone) throw new NotFound(`no phone '${req.params.serial}' in the lab`);
    return phone;
  };
  const packageOf = (req: express.Request): string => {
    const name = body(req).packageName;
    if (typeof name !== 'string' || name === '') throw new BadRequest('give "packageName"');
    return name;
  };

  const app = express();
  app.disable('x-powered-by');
  app.use(express.json({ limit: '100kb' }));
  app.get(
    LAB_API_PATH,
    route(() => ({ now: clock.now(), services: deps.services, phones: farm.list().map((p) => p.serial) })),
  );
  app.get(`${LAB_API_PATH}/clock`, route(() => ({ now: clock.now(), frozen: !clock.flowing })));
  app.post(
    `${LAB_API_PATH}/clock/advance`,
    route(async (req) => {
      const steps = await deps.advance(durationOf(body(req).by));
      return { now: clock.now(), steps };
    }),
  );
  app.get(
    `${LAB_API_PATH}/traces/:msgKey`,
    route((req) => {
      const trace = deps.trace(String(req.params.msgKey));
      if (!trace) throw new NotFound(`IM has no message with MsgKey ${req.params.msgKey}`);
      return trace;
    }),
  );
  // The phones' ADB endpoint: where it listens (null when off), switched on (optionally on a port) and off.
  app.get(`${LAB_API_PATH}/adb`, route(() => deps.adb.info() ?? null));
  app.post(
    `${LAB_API_PATH}/adb`,
    route(async (req) => {
      const port = body(req).port ?? 0;
      if (typeof port !== 'number' || !Number.isInteger(port) || port < 0 || port > 65535) throw new BadRequest('"port" is a port number (0 or absent: any free port)');
      try {
        return await deps.adb.start(port);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (err instanceof RangeError || code === 'EADDRINUSE' || code === 'EACCES') throw new BadRequest(`cannot start the ADB endpoint: ${(err as Error).message}`);
        throw err;
      }
    }),
  );
  app.delete(`${LAB_API_PATH}/adb`, route(async () => ({ stopped: await deps.adb.stop() })));
  app.post(
    `${LAB_API_PATH}/reset`,
    route(() => deps.reset()),
  );
  app.post(
    `${LAB_API_PATH}/phones/:serial/network`,
    route(async (req) => {
      const on = body(req).on;
      if (typeof on !== 'boolean') throw new BadRequest('give "on": true or false');
      await phoneOf(req).setNetwork(on);
    }),
  );
  app.post(
    `${LAB_API_PATH}/phones/:serial/notification-permission`,
    route((req) => {
      const granted = body(req).granted;
      if (typeof granted !== 'boolean') throw new BadRequest('give "granted": true or false');
      phoneOf(req).setNotificationPermission(packageOf(req), granted);
    }),
  );
  app.get(
    `${LAB_API_PATH}/phones/:serial/apps/:packageName`,
    route((req) => {
      const phone = phoneOf(req);
      const pkg = String(req.params.packageName);
      const app = phone.app(pkg);
      return {
        packageName: pkg,
        installed: app !== undefined,
        profile: app?.profile.id ?? null,
        running: app?.process !== undefined,
        // What the push service holds: what the app got in onRegister (null before it registered).
        regId: phone.registrationId(pkg) ?? null,
      };
    }),
  );
  app.get(
    `${LAB_API_PATH}/phones/:serial/settings`,
    route((req) => ({ ...phoneOf(req).settings })),
  );
  app.patch(
    `${LAB_API_PATH}/phones/:serial/settings`,
    route((req) => {
      const phone = phoneOf(req);
      try {
        return phone.updateSettings(body(req) as Partial<PhoneSettings>);
      } catch (err) {
        if (err instanceof RangeError) throw new BadRequest(err.message);
        throw err;
      }
    }),
  );
  app.get(
    `${LAB_API_PATH}/phones/:serial/notifications/removed`,
    route((req) =>
      phoneOf(req).notifications.removed.map(({ time, reason, entry }) => ({
        key: entry.key,
        packageName: entry.packageName,
        id: entry.id,
        title: entry.title,
        postTime: entry.postTime,
        time,
        reason,
      })),
    ),
  );
  app.post(
    `${LAB_API_PATH}/phones/:serial/kill`,
    route(async (req) => {
      const mode = body(req).mode ?? 'process-death';
      if (mode !== 'force-stop' && mode !== 'process-death') throw new BadRequest('"mode" is "force-stop" or "process-death"');
      return phoneOf(req).kill(packageOf(req), mode);
    }),
  );
  app.use(
    PHONES_PATH,
    createPhoneRouter((serial) => farm.get(serial), {
      boot: async (options) => (await farm.boot(options)).serial,
      list: () => farm.list().map((p) => p.serial),
      shutdown: (serial) => farm.shutdown(serial),
    }),
  );
  app.use((req, res) => {
    res.status(404).json({ error: { code: 'not_found', message: `no lab route ${req.method} ${req.path}` } });
  });
  // Body-parser failures (bad JSON, too large) answer in the lab's JSON shape, not express's HTML page.
  app.use((err: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    const status = (err as { status?: unknown }).status;
    const code = typeof status === 'number' && status >= 400 && status < 500 ? status : 500;
    res.status(code).json({ error: { code: code === 500 ? 'internal' : 'bad_request', message: bodyErrorMessage(err) } });
  });
  return app;
}
