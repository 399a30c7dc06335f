/**
 * Starts the lab for a run: harness/lab's fakes on one clock, plus what specs drive through the lab
 * — the phone farm (virtual phones, HTTP at `/_lab/v1/phones`), clock advance and the phones'
 * lab-only switches (`/_lab/v1/...`, see lab-client.ts) — on one more loopback server.
 *
 * Advancing the clock steps timer by timer and waits, between steps, until every phone's links have
 * settled (the farm's syncAll is a lab barrier), so a heartbeat a timer triggers lands in time.
 */
import express from 'express';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { VirtualClock, parseDuration } from '../../mock-oppo/core/clock.ts';
import { startLab } from '../lab/lab.ts';
import { PhoneFarm } from '../phone/farm.ts';
import { createPhoneRouter, PHONES_PATH } from '../phone/http/index.ts';
import type { LabStarter } from './lab-service.ts';

type Handler = (req: express.Request) => Promise<unknown>;

/** JSON in, `{ value }` out (like the phone API); a thrown error is a 400 with its message. */
function route(handler: Handler): express.RequestHandler {
  return (req, res) => {
    handler(req).then(
      (value) => res.json({ value: value ?? null }),
      (error: unknown) => res.status(400).json({ error: { code: 'bad_request', message: (error as Error).message } }),
    );
  };
}

export const startLabForRun: LabStarter = async (backend) => {
  // Real phones run on real time: a flowing clock; virtual phones on the frozen one specs advance.
  const clock = new VirtualClock({ flowing: backend.clock === 'system' });
  const lab = await startLab({ clock, host: backend.host });
  const imApp = lab.im.server.imApp;
  const farm = new PhoneFarm({ clock, oppoUrl: lab.oppo.url, imUrl: lab.im.url, im: { sdkAppId: imApp.sdkAppId, secretKey: imApp.secretKey } });
  const removeBarrier = lab.addBarrier(() => farm.syncAll());

  const phoneOf = (req: express.Request) => {
    const phone = farm.get(String(req.params.serial));
    if (!phone) throw new Error(`no phone '${req.params.serial}' in the lab`);
    return phone;
  };
  const app = express();
  app.use(express.json());
  app.get('/_lab/v1/clock', route(async () => ({ now: clock.now() })));
  app.post(
    '/_lab/v1/clock/advance',
    route(async (req) => {
      const by = (req.body as { by?: unknown }).by;
      if (typeof by !== 'string' && typeof by !== 'number') throw new Error('give "by": a duration such as "10m"');
      parseDuration(by);
      const steps = await lab.advance(by);
      return { now: clock.now(), steps };
    }),
  );
  app.post(
    '/_lab/v1/phones/:serial/network',
    route(async (req) => {
      await phoneOf(req).setNetwork(Boolean((req.body as { on?: unknown }).on));
    }),
  );
  app.post(
    '/_lab/v1/phones/:serial/notification-permission',
    route(async (req) => {
      const { packageName, granted } = req.body as { packageName?: unknown; granted?: unknown };
      if (typeof packageName !== 'string') throw new Error('give "packageName"');
      phoneOf(req).setNotificationPermission(packageName, Boolean(granted));
    }),
  );
  app.use(
    PHONES_PATH,
    createPhoneRouter((serial) => farm.get(serial), {
      boot: async (options) => (await farm.boot(options)).serial,
      list: () => farm.list().map((p) => p.serial),
    }),
  );

  const server = createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, backend.host, resolve);
  });
  const url = `http://${backend.host}:${(server.address() as AddressInfo).port}`;
  return {
    urls: { lab: url, im: lab.im.url, oppo: lab.oppo.url },
    async stop() {
      removeBarrier();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await farm.shutdownAll();
      await lab.stop();
      clock.dispose();
    },
  };
};
