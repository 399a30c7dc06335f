/**
 * The UiAutomator2 server's HTTP API (what `io.appium.uiautomator2.server` serves on device port 6790
 * while its instrumentation runs), as a thin front over the phone: the routes of its AppiumServlet
 * that a virtual phone can honour, with the server's JSON shapes and W3C errors. Page source,
 * locators, attributes and element references are the phone's (`harness/phone/ui/`), the same code
 * the VirtualOppo driver uses; this module only speaks the server's protocol.
 *
 * It is an http.Server that never listens: whoever owns the port hands it sockets (`accept`), so
 * it can sit behind the phone's DevicePorts (reached through `adb forward`) or a test's listener.
 *
 * An `adb forward` listens on the host's loopback, where any web page in a browser can send to it,
 * and the real server parses any body as JSON. So, unlike the real one, it answers only what a
 * driver sends: a loopback Host and no foreign Origin on a change (the lab's access guard, browser
 * rules only — whoever reaches the forward already passed ADB's own gate).
 */
import { randomUUID } from 'node:crypto';
import { AccessGuard } from '../../../mock-oppo/access/guard.ts';
import { guardListener, type DenialBody } from '../../../mock-oppo/access/node.ts';
import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { PhoneApi, UiNode } from '../api.ts';
import { gesturesOf, touchSettings, type ActionSequence } from '../input/touch.ts';
import { attributeOf, nodeCenter, nodeRect } from '../ui/attributes.ts';
import { ElementRefs } from '../ui/elements.ts';
import { isFullResourceId, locate } from '../ui/locators.ts';
import { buildSourceDocument } from '../ui/source.ts';
import { asUia2Error, elementIdOf, elementModel, envelope, errorEnvelope, Uia2Error } from './protocol.ts';
import { Uia2Settings } from './settings.ts';

/** What the server needs of the phone it runs on. */
export type Uia2Device = Pick<
  PhoneApi,
  'uiTree' | 'tap' | 'setText' | 'pressKey' | 'touch' | 'openNotifications' | 'screenshot' | 'windowSize' | 'deviceInfo' | 'orientation' | 'setOrientation'
> & {
  /** The status bar's height in px (`GET /appium/device/system_bars`). */
  statusBarHeight(): number;
};

export interface Uia2ServerOptions {
  device: Uia2Device;
  /** `GET /status`'s `build`: the installed server APK's versionName and versionCode. */
  build: { version: string; versionCode: number };
  /** The instrumentation's target package: bare ids resolve against it when the session names no `appPackage`. */
  targetPackage: string;
  /** Runs once `DELETE /session` has been answered: the real server stops its instrumentation then. */
  onSessionDeleted?: () => void;
}

interface Session {
  id: string;
  /** The parsed capabilities (`appium:` prefixes dropped, alwaysMatch over the first firstMatch). */
  capabilities: Record<string, unknown>;
  elements: ElementRefs;
}

/** A refusal in the server's envelope. */
const uia2Denial: DenialBody = (d) => envelope(null, { error: d.code, message: d.message });

/** Android's BACK key. */
const KEYCODE_BACK = 4;

type Handler = (req: Request, session: Session) => Promise<unknown> | unknown;

/** W3C capabilities as the server parses them (`W3CCapsUtils.parseCapabilities`). */
function parseCapabilities(raw: unknown): Record<string, unknown> {
  if (typeof raw !== 'object' || raw === null) throw new Uia2Error('session not created', "'capabilities' are mandatory for session creation");
  const { alwaysMatch, firstMatch } = raw as { alwaysMatch?: Record<string, unknown>; firstMatch?: Array<Record<string, unknown>> };
  const merged = { ...(Array.isArray(firstMatch) ? firstMatch[0] : {}), ...alwaysMatch };
  return Object.fromEntries(Object.entries(merged).map(([k, v]) => [k.replace(/^appium:/, ''), v]));
}

function bodyOf(req: Request): Record<string, unknown> {
  const body: unknown = req.body;
  return typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
}

function requiredString(body: Record<string, unknown>, name: string): string {
  const value = body[name];
  if (typeof value !== 'string') throw new Uia2Error('invalid argument', `'${name}' is mandatory and must be a string, got ${JSON.stringify(value)}`);
  return value;
}

function requiredInteger(body: Record<string, unknown>, name: string): number {
  const value = body[name];
  if (!Number.isInteger(value)) throw new Uia2Error('invalid argument', `'${name}' is mandatory and must be an integer, got ${JSON.stringify(value)}`);
  return value as number;
}

export class Uia2Server {
  private readonly http: Server;
  private readonly settings = new Uia2Settings();
  private session: Session | undefined;
  private closed = false;
  private readonly sockets = new Set<Duplex>();

  constructor(private readonly options: Uia2ServerOptions) {
    this.http = createServer({ keepAlive: true }, guardListener(new AccessGuard({ host: '127.0.0.1' }), () => 'control', this.app(), uia2Denial));
  }

  /** Serves HTTP on a connection the port's owner accepted. */
  accept(socket: Duplex): void {
    if (this.closed) {
      socket.destroy();
      return;
    }
    // http.Server tracks connections only once it listens itself, so closeAllConnections would miss these.
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
    this.http.emit('connection', socket as Socket);
  }

  /** The id of the running session, if any. */
  get sessionId(): string | undefined {
    return this.session?.id;
  }

  /** The server process ends: every open connection is cut, as when the instrumentation dies. */
  close(): void {
    this.closed = true;
    this.session = undefined;
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
  }

  private app(): express.Express {
    const app = express();
    app.disable('x-powered-by');
    // The driver's proxy sends JSON bodies (also `{}` on GETs), whatever the content type says.
    app.use(express.json({ type: () => true, limit: '20mb' }));
    const plain = (method: 'get' | 'post', path: string, handler: (req: Request) => Promise<unknown> | unknown) => {
      app[method](path, (req, res, next) => this.answer(res, null, () => handler(req), next));
    };
    const inSession = (method: 'get' | 'post' | 'delete', path: string, handler: Handler) => {
      app[method](`/session/:sessionId${path}`, (req, res, next) => {
        const sessionId = String(req.params.sessionId);
        this.answer(res, sessionId, () => {
          const session = this.session;
          if (!session || session.id !== sessionId) throw new Uia2Error('invalid session id', `The session identified by ${sessionId} is not known`);
          return handler(req, session);
        }, next);
      });
    };

    plain('get', '/status', () => ({ ready: true, message: 'UiAutomator2 Server is ready to accept commands', build: this.options.build }));
    plain('get', '/sessions', () => (this.session ? [{ id: this.session.id, sessionId: this.session.id, capabilities: this.session.capabilities }] : []));
    app.post('/session', (req, res) => {
      const raw = bodyOf(req).capabilities;
      let capabilities: Record<string, unknown>;
      try {
        capabilities = parseCapabilities(raw);
      } catch (err) {
        const answer = asUia2Error(err);
        res.status(answer.status).json(errorEnvelope(null, answer));
        return;
      }
      // A new session replaces the running one, as AppiumUIA2Driver.initializeSession does.
      const id = randomUUID();
      this.settings.reset();
      this.session = { id, capabilities, elements: new ElementRefs() };
      res.status(200).json(envelope(id, { capabilities: raw, sessionId: id }));
    });
    app.delete('/session/:sessionId', (req, res, next) => {
      const sessionId = String(req.params.sessionId);
      this.answer(res, sessionId, () => {
        if (this.session?.id !== sessionId) throw new Uia2Error('invalid session id', `The session ${sessionId} cannot be found`);
        this.session = undefined;
        res.once('finish', () => this.options.onSessionDeleted?.());
        return null;
      }, next);
    });

    inSession('post', '/element', async (req, s) => this.elementResponse(s, (await this.find(req, s))[0] ?? this.notFound()));
    inSession('post', '/elements', async (req, s) => Promise.all((await this.find(req, s)).map((node) => this.elementResponse(s, node))));
    inSession('post', '/element/:id/click', async (req, s) => {
      await this.options.device.tap((await this.element(req, s)).node.id);
    });
    inSession('post', '/element/:id/clear', async (req, s) => {
      await this.options.device.setText((await this.element(req, s)).node.id, '');
    });
    inSession('post', '/element/:id/value', async (req, s) => {
      const { node } = await this.element(req, s);
      const body = bodyOf(req);
      const text = requiredString(body, 'text');
      // SendKeysToElement: without `replace` the text is appended to what the field holds.
      await this.options.device.setText(node.id, body.replace === true ? text : node.text + text);
    });
    inSession('get', '/element/:id/text', async (req, s) => (await this.element(req, s)).node.text);
    // GetName answers the content description (UiObject2Element.getName).
    inSession('get', '/element/:id/name', async (req, s) => (await this.element(req, s)).node.contentDesc);
    inSession('get', '/element/:id/attribute/:name', async (req, s) => {
      const { node, index } = await this.element(req, s);
      return attributeOf(node, index, String(req.params.name));
    });
    inSession('get', '/element/:id/rect', async (req, s) => nodeRect((await this.element(req, s)).node));
    inSession('get', '/element/:id/size', async (req, s) => {
      const { width, height } = nodeRect((await this.element(req, s)).node);
      return { width, height };
    });
    inSession('get', '/element/:id/location', async (req, s) => {
      const { x, y } = nodeRect((await this.element(req, s)).node);
      return { x, y };
    });
    inSession('get', '/source', async () => buildSourceDocument(await this.options.device.uiTree(), await this.options.device.windowSize()).xml());
    inSession('get', '/screenshot', () => this.options.device.screenshot());
    inSession('get', '/window/:windowHandle/size', () => this.options.device.windowSize());
    inSession('get', '/orientation', () => this.options.device.orientation());
    inSession('post', '/orientation', async (req) => {
      const wanted = String(bodyOf(req).orientation ?? '').toUpperCase();
      if (wanted !== 'PORTRAIT' && wanted !== 'LANDSCAPE') throw new Uia2Error('invalid argument', `Orientation must be PORTRAIT or LANDSCAPE, got ${JSON.stringify(bodyOf(req).orientation)}`);
      await this.options.device.setOrientation(wanted);
    });
    inSession('post', '/actions', async (req, s) => {
      const actions = bodyOf(req).actions;
      if (!Array.isArray(actions)) throw new Uia2Error('invalid argument', "'actions' is mandatory and must be an array");
      const { device } = this.options;
      const info = await device.deviceInfo();
      const screen = await device.uiTree();
      const gestures = await gesturesOf(actions as ActionSequence[], touchSettings(Number(info.apiVersion), info.displayDensity), (elementId) => {
        return nodeCenter(s.elements.resolve(screen, elementId).node);
      });
      for (const gesture of gestures) await device.touch(gesture);
    });
    inSession('get', '/appium/device/info', () => this.options.device.deviceInfo());
    inSession('get', '/appium/device/pixel_ratio', async () => (await this.options.device.deviceInfo()).displayDensity / 160);
    inSession('get', '/appium/device/display_density', async () => (await this.options.device.deviceInfo()).displayDensity);
    inSession('get', '/appium/device/system_bars', () => ({ statusBar: this.options.device.statusBarHeight() }));
    inSession('post', '/appium/device/open_notifications', async () => {
      await this.options.device.openNotifications();
    });
    const pressKeyCode: Handler = async (req) => {
      await this.options.device.pressKey(requiredInteger(bodyOf(req), 'keycode'));
    };
    inSession('post', '/appium/device/press_keycode', pressKeyCode);
    inSession('post', '/appium/device/long_press_keycode', pressKeyCode);
    inSession('post', '/back', async () => {
      await this.options.device.pressKey(KEYCODE_BACK);
    });
    inSession('get', '/appium/settings', () => this.settings.all());
    inSession('post', '/appium/settings', (req) => {
      const settings = bodyOf(req).settings;
      if (typeof settings !== 'object' || settings === null || Array.isArray(settings)) throw new Uia2Error('invalid argument', "'settings' is mandatory and must be an object");
      this.settings.update(settings as Record<string, unknown>);
    });

    app.use((req, res) => {
      const err = new Uia2Error('unknown command', `The requested resource could not be found, or a request was received using an HTTP method that is not supported by the mapped resource: ${req.method} ${req.path}`);
      res.status(err.status).json(errorEnvelope(null, err));
    });
    // Bodies that are not JSON (express.json's parse errors) are the caller's mistake.
    app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
      const status = (err as { status?: number }).status;
      const answer = status === 400 ? new Uia2Error('invalid argument', `The request body is not valid JSON: ${(err as Error).message}`) : asUia2Error(err);
      res.status(answer.status).json(errorEnvelope(null, answer));
    });
    return app;
  }

  private answer(res: Response, sessionId: string | null, run: () => Promise<unknown> | unknown, next: NextFunction): void {
    Promise.resolve()
      .then(run)
      .then(
        (value) => res.status(200).json(envelope(sessionId, value)),
        (err: unknown) => {
          const answer = asUia2Error(err);
          res.status(answer.status).json(errorEnvelope(sessionId, answer));
        },
      )
      .catch(next);
  }

  private notFound(): never {
    throw new Uia2Error('no such element', 'An element could not be located on the page using the given search parameters');
  }

  private async find(req: Request, session: Session): Promise<UiNode[]> {
    const body = bodyOf(req);
    const strategy = requiredString(body, 'strategy');
    const selector = requiredString(body, 'selector');
    const { device } = this.options;
    const screen = await device.uiTree();
    const contextId = typeof body.context === 'string' && body.context !== '' ? body.context : undefined;
    const context = contextId ? session.elements.resolve(screen, contextId).node : undefined;
    const idPackage =
      strategy === 'id' && !isFullResourceId(selector) && !this.settings.get('disableIdLocatorAutocompletion')
        ? String(session.capabilities.appPackage || this.options.targetPackage)
        : undefined;
    return locate(screen, strategy, selector, { size: await device.windowSize(), ...(context && { context }), ...(idPackage && { idPackage }) });
  }

  private async element(req: Request, session: Session): Promise<{ node: UiNode; index: number }> {
    return session.elements.resolve(await this.options.device.uiTree(), String(req.params.id));
  }

  /** ElementModel (compact), or with `elementResponseAttributes` when compact responses are off. */
  private async elementResponse(session: Session, node: UiNode): Promise<Record<string, unknown>> {
    const id = session.elements.idFor(node);
    const model: Record<string, unknown> = elementModel(id);
    if (this.settings.get('shouldUseCompactResponses')) return model;
    const { index } = session.elements.resolve(await this.options.device.uiTree(), id);
    for (const field of this.settings.get('elementResponseAttributes').split(',').map((f) => f.trim())) {
      if (field === 'name') model.name = node.contentDesc;
      else if (field === 'text') model.text = node.text;
      else if (field === 'rect') model.rect = nodeRect(node);
      else if (field === 'enabled' || field === 'displayed' || field === 'selected') model[field] = attributeOf(node, index, field);
      else if (field.startsWith('attribute/')) {
        try {
          model[field] = attributeOf(node, index, field.slice('attribute/'.length));
        } catch {
          // the server leaves out attributes the element does not have
        }
      }
    }
    return model;
  }
}
