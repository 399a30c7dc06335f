/**
 * The lab in a browser: one page (page.ts), its panels rendered on the server (render.ts) from the
 * lab's APIs (snapshot.ts) and pushed over Server-Sent Events while a browser watches, and a small
 * JSON API for what a person does there (create users, log a phone in, kill the app, send a message,
 * tap a notification, move the clock). Every action goes through the same APIs a spec uses — the IM
 * REST API, the phone API, the lab's clock — and is recorded as a flow step (recorder.ts).
 *
 * Every path is a `web` surface of the access guard (mock-oppo/access): a foreign Host is refused
 * (DNS rebinding), every change needs the page's web token header (so another page in the same
 * browser cannot drive the lab), and a lab with a token needs it here too — a browser logs in once
 * with `?token=<lab token>`, which sets the view's cookie.
 */
import type { ServerResponse } from 'node:http';
import express from 'express';
import imAppFixture from '../../fixtures/im-app.json' with { type: 'json' };
import { genUserSig } from '../im/usersig.ts';
import { LAB_API_PATH } from '../lab/control-api.ts';
import { listenGuarded } from '../lab/listen.ts';
import { AccessGuard } from '../../mock-oppo/access/guard.ts';
import { controlInit } from '../../mock-oppo/access/client.ts';
import type { UiNode } from '../phone/api.ts';
import { appPage } from '../scenario/apps/index.ts';
import { ImRestClient } from '../scenario/im-rest.ts';
import { LabClient } from '../scenario/lab-client.ts';
import { parseExtrasLog } from '../scenario/shade.ts';
import { SCREEN_FONTS } from '../phone/screenshot.ts';
import { pageHtml } from './page.ts';
import { Recorder, type RecordedStep } from './recorder.ts';
import { renderPanels } from './render.ts';
import type { LabEnv } from '../scenario/lab-env.ts';
import { LabReader, type Snapshot } from './snapshot.ts';

export interface WebViewOptions {
  /** The lab's URLs, and its token when its control APIs need one. */
  urls: LabEnv;
  /** The IM app whose admin the send form signs as (default fixtures/im-app.json). */
  imApp?: { sdkAppId: number; secretKey: string; admin: string };
  host?: string;
  port?: number;
  /**
   * The guard in front of the view: the lab's `lab.access` when it serves beside that lab (its token
   * and allowed hosts apply, and the view binds the lab's address); default: a guard of its own for
   * `host` (on loopback: no token, the web token still needed for every change).
   */
  access?: AccessGuard;
  /** Real milliseconds between looks at the lab while a browser is connected. */
  refreshMs?: number;
}

export interface WebView {
  url: string;
  recorder: Recorder;
  close(): Promise<void>;
}

class BadRequest extends Error {}

const find = (node: UiNode, test: (n: UiNode) => boolean): UiNode | undefined => (test(node) ? node : node.children.map((c) => find(c, test)).find(Boolean));

/** How to open the view: its URL, and when the guard needs the lab token, how a browser logs in with it (the token itself is never printed here). */
export function webViewLine(view: WebView, access: AccessGuard | undefined): string {
  return access?.token === undefined ? view.url : `${view.url}  (the lab has a token: open ${view.url}?token=<the lab token> once; the cookie it sets keeps you in)`;
}

export async function startWebView(options: WebViewOptions): Promise<WebView> {
  const reader = new LabReader(options.urls);
  const lab = new LabClient(options.urls.lab, options.urls);
  const imApp = options.imApp ?? imAppFixture;
  const im = new ImRestClient({ baseUrl: options.urls.im, sdkAppId: imApp.sdkAppId, admin: imApp.admin, userSig: () => signed });
  let signed = genUserSig({ sdkAppId: imApp.sdkAppId, secretKey: imApp.secretKey, userId: imApp.admin, now: await lab.now() });
  const recorder = new Recorder();
  const clients = new Set<ServerResponse>();
  let last = '';
  let latest: Snapshot | undefined;

  const refresh = async (): Promise<void> => {
    latest = await reader.snapshot();
    const data = JSON.stringify({ panels: renderPanels(latest), recording: recorder.yaml() });
    if (data === last) return;
    last = data;
    for (const client of clients) client.write(`data: ${data}\n\n`);
  };
  let refreshing: Promise<void> | undefined;
  const refreshSoon = (): Promise<void> => {
    refreshing ??= refresh()
      .catch((err: unknown) => {
        for (const client of clients) client.write(`event: lab-error\ndata: ${JSON.stringify((err as Error).message)}\n\n`);
      })
      .finally(() => {
        refreshing = undefined;
      });
    return refreshing;
  };
  const timer = setInterval(() => {
    if (clients.size > 0) void refreshSoon();
  }, options.refreshMs ?? 250);
  timer.unref();

  const phoneName = async (serial: string) => String.fromCharCode(65 + Math.max(0, (await reader.serials()).indexOf(serial)));
  const packageOf = async (serial: string) => {
    const pkg = await reader.packageOf(serial);
    if (!pkg) throw new BadRequest(`phone ${serial} has no app under test`);
    return pkg;
  };
  const nickOf = (id: string) => latest?.accounts.find((a) => a.userId === id)?.nick ?? id;
  /** A user the flow refers to must be declared in it: record `user:` the first time one is used. */
  const declare = (id: string) => recorder.user(id, nickOf(id));
  const text = (v: unknown, what: string): string => {
    if (typeof v !== 'string' || v === '') throw new BadRequest(`give "${what}"`);
    return v;
  };

  const isOn = (body: Record<string, unknown>) => body.on === true || body.on === 'true';
  /** A button on a phone card: do it on that phone, then record its step (on that phone). */
  const onPhone =
    (step: RecordedStep | ((body: Record<string, unknown>) => RecordedStep), act: (serial: string, body: Record<string, unknown>) => Promise<unknown>) =>
    async (body: Record<string, unknown>): Promise<void> => {
      const serial = text(body.serial, 'serial');
      await act(serial, body);
      recorder.phoneStep(await phoneName(serial), typeof step === 'function' ? step(body) : step);
    };

  const actions: Record<string, (body: Record<string, unknown>) => Promise<void>> = {
    async user(body) {
      const id = text(body.id, 'id');
      if (!/^[A-Za-z0-9_]{1,12}$/.test(id)) throw new BadRequest('a user id is letters, digits and _, at most 12');
      const nick = typeof body.nick === 'string' && body.nick !== '' ? body.nick : id.charAt(0).toUpperCase() + id.slice(1);
      await im.importAccount(id, nick);
      recorder.user(id, nick);
    },
    async login(body) {
      const serial = text(body.serial, 'serial');
      const user = text(body.user, 'user');
      const pkg = await packageOf(serial);
      const phone = reader.phone(serial);
      await phone.activateApp(pkg);
      const tree = await phone.uiTree();
      const field = find(tree, (n) => n.resourceId === `${pkg}:id/login_user`);
      const button = find(tree, (n) => n.resourceId === `${pkg}:id/login_btn`);
      if (!field || !button) throw new BadRequest(`${serial}: the app is not on its login screen (log out first)`);
      await phone.setText(field.id, user);
      await phone.tap(button.id);
      declare(user);
      recorder.phoneStep(await phoneName(serial), { login: user });
    },
    async logout(body) {
      const serial = text(body.serial, 'serial');
      const pkg = await packageOf(serial);
      const phone = reader.phone(serial);
      await phone.activateApp(pkg);
      const button = find(await phone.uiTree(), (n) => n.resourceId === `${pkg}:id/logout_btn`);
      if (!button) throw new BadRequest(`${serial}: nobody is logged in`);
      await phone.tap(button.id);
      recorder.phoneStep(await phoneName(serial), 'logout');
    },
    launch: onPhone('launchApp', async (serial) => reader.phone(serial).activateApp(await packageOf(serial))),
    background: onPhone('background', (serial) => reader.phone(serial).backgroundApp(-1)),
    kill: onPhone('killApp', async (serial) => {
      const res = await fetch(`${options.urls.lab}${LAB_API_PATH}/phones/${encodeURIComponent(serial)}/kill`, controlInit('POST', options.urls, { packageName: await packageOf(serial), mode: 'process-death' }));
      if (!res.ok) throw new Error(`kill: the lab answered ${res.status}`);
    }),
    stop: onPhone('stopApp', async (serial) => {
      await reader.phone(serial).terminateApp(await packageOf(serial));
    }),
    network: onPhone(
      (body) => ({ network: isOn(body) ? 'on' : 'off' }),
      (serial, body) => lab.phone(serial).setNetwork(isOn(body)),
    ),
    async send(body) {
      const from = text(body.from, 'from');
      const to = text(body.to, 'to');
      const message = text(body.text, 'text');
      let ext: Record<string, unknown> | undefined;
      if (typeof body.ext === 'string' && body.ext.trim() !== '') {
        try {
          ext = JSON.parse(body.ext) as Record<string, unknown>;
        } catch {
          throw new BadRequest('Ext must be a JSON object, e.g. {"conv":"c2c_alice"}');
        }
        if (typeof ext !== 'object' || ext === null || Array.isArray(ext)) throw new BadRequest('Ext must be a JSON object');
      }
      signed = genUserSig({ sdkAppId: imApp.sdkAppId, secretKey: imApp.secretKey, userId: imApp.admin, now: await lab.now() });
      await im.sendText(from, to, message, ext ? { Ext: JSON.stringify(ext) } : undefined);
      declare(from);
      declare(to);
      recorder.step({ send: { from, to, text: message, ...(ext ? { Ext: ext } : {}) } });
    },
    async tap(body) {
      const serial = text(body.serial, 'serial');
      const key = text(body.key, 'key');
      const phone = reader.phone(serial);
      const entry = (await phone.getNotifications()).statusBarNotifications.find((n) => n.key === key && !n.isRemoved);
      if (!entry) throw new BadRequest(`no notification ${key} on ${serial} any more`);
      await phone.openNotifications();
      const row = find(await phone.uiTree(), (n) => n.resourceId.endsWith(':id/expandableNotificationRow') && n.id.endsWith(`/${key}`));
      if (!row) throw new BadRequest(`notification ${key} is not in the shade`);
      const before = (await phone.logcat()).at(-1)?.index ?? -1;
      await phone.tap(row.id);
      const pkg = await reader.packageOf(serial);
      const page = appPage();
      const tag = page.packageName === pkg ? page.extrasLogTag : undefined;
      const logged = (await phone.logcat(before + 1)).filter((l) => tag !== undefined && l.tag === tag).map((l) => l.message);
      const extras = parseExtrasLog(logged);
      const title = entry.notification.title ?? '';
      const shownText = entry.notification.text ?? '';
      const name = await phoneName(serial);
      recorder.phoneStep(name, { assertNotification: { title, text: shownText } });
      recorder.phoneStep(name, 'tapNotification');
      if (Object.keys(extras).length > 0) recorder.phoneStep(name, { assertExtras: extras });
    },
    async advance(body) {
      const by = text(body.by, 'by');
      await lab.advance(by);
      recorder.step({ advance: by });
    },
    async 'recording-reset'() {
      recorder.reset();
    },
  };

  const app = express();
  app.disable('x-powered-by');
  app.use(express.json({ limit: '16kb' }));
  const guard = options.access ?? new AccessGuard({ host: options.host ?? '127.0.0.1' });
  const page = pageHtml(guard.webToken);
  app.get('/', (_req, res) => {
    res.type('html').send(page);
  });
  app.get('/events', (req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    clients.add(res);
    last = '';
    void refreshSoon();
    req.on('close', () => clients.delete(res));
  });
  // The phone screens' font, so the browser draws them as the PNG screenshots do.
  app.get('/fonts/:file', (req, res) => {
    const file = SCREEN_FONTS.find((f) => f.endsWith(`/${req.params.file}`));
    if (!file) {
      res.status(404).end();
      return;
    }
    res.type('font/ttf').sendFile(file);
  });
  app.get('/recording.yaml', (_req, res) => {
    res.type('text/yaml').send(recorder.yaml());
  });
  app.post('/api/:action', (req, res) => {
    const action = Object.hasOwn(actions, req.params.action) ? actions[req.params.action] : undefined;
    if (!action) {
      res.status(404).json({ error: `no action '${req.params.action}'; actions: ${Object.keys(actions).join(', ')}` });
      return;
    }
    action((req.body ?? {}) as Record<string, unknown>).then(
      async () => {
        await refreshSoon();
        res.json({ ok: true });
      },
      (err: unknown) => res.status(err instanceof BadRequest ? 400 : 500).json({ error: (err as Error).message }),
    );
  });

  const listening = await listenGuarded(app, { guard, surfaces: () => 'web', port: options.port ?? 0 });
  return {
    url: `${listening.url}/`,
    recorder,
    async close() {
      clearInterval(timer);
      for (const client of clients) client.end();
      clients.clear();
      await listening.close();
      await refreshing;
    },
  };
}
