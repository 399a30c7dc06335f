/**
 * The phone HTTP API as one table: the server (router.ts) and the client (remote-phone.ts) are both
 * derived from it, so a PhoneApi method, its route and its parameters are written down once.
 *
 * Every response body is `{ value }` (like WebDriver), so `void`, `null` and primitives travel the
 * same way as objects; failures are `{ error: { code, message } }` with a 4xx/5xx status.
 */
import type { PhoneApi } from '../api.ts';

/** Where the lab mounts the router. */
export const PHONES_PATH = '/_lab/v1/phones';

export type PhoneMethod = Exclude<keyof PhoneApi, 'serial'>;
export type PhoneArgs<M extends PhoneMethod> = Parameters<PhoneApi[M]>;
export type PhoneResult<M extends PhoneMethod> = Awaited<ReturnType<PhoneApi[M]>>;

export type ParamKind = 'string' | 'number' | 'object' | 'string|object';

/** One positional argument of the PhoneApi method: its name on the wire and its JSON type. */
export interface ParamSpec {
  name: string;
  kind: ParamKind;
  optional?: boolean;
}

export interface RouteSpec {
  /** GET takes its parameters from the query string, POST from a JSON body. */
  verb: 'GET' | 'POST';
  /** Below `/:serial/`. */
  path: string;
  params: readonly ParamSpec[];
}

const pkg: ParamSpec = { name: 'packageName', kind: 'string' };

export const PHONE_ROUTES = {
  deviceInfo: { verb: 'GET', path: 'device-info', params: [] },
  uiTree: { verb: 'GET', path: 'ui-tree', params: [] },
  tap: { verb: 'POST', path: 'tap', params: [{ name: 'nodeId', kind: 'string' }] },
  setText: {
    verb: 'POST',
    path: 'set-text',
    params: [
      { name: 'nodeId', kind: 'string' },
      { name: 'text', kind: 'string' },
    ],
  },
  pressKey: { verb: 'POST', path: 'press-key', params: [{ name: 'keycode', kind: 'number' }] },
  openNotifications: { verb: 'POST', path: 'notifications/open', params: [] },
  collapseNotifications: { verb: 'POST', path: 'notifications/collapse', params: [] },
  getNotifications: { verb: 'GET', path: 'notifications', params: [] },
  queryAppState: { verb: 'GET', path: 'app-state', params: [pkg] },
  activateApp: { verb: 'POST', path: 'activate-app', params: [pkg] },
  terminateApp: { verb: 'POST', path: 'terminate-app', params: [pkg] },
  backgroundApp: { verb: 'POST', path: 'background-app', params: [{ name: 'seconds', kind: 'number' }] },
  startActivity: { verb: 'POST', path: 'start-activity', params: [{ name: 'options', kind: 'object' }] },
  currentActivity: { verb: 'GET', path: 'current-activity', params: [] },
  currentPackage: { verb: 'GET', path: 'current-package', params: [] },
  isAppInstalled: { verb: 'GET', path: 'app-installed', params: [pkg] },
  installApp: { verb: 'POST', path: 'install-app', params: [{ name: 'app', kind: 'string|object' }] },
  removeApp: { verb: 'POST', path: 'remove-app', params: [pkg] },
  shell: { verb: 'POST', path: 'shell', params: [{ name: 'command', kind: 'string' }] },
  logcat: { verb: 'GET', path: 'logcat', params: [{ name: 'sinceIndex', kind: 'number', optional: true }] },
  screenshot: { verb: 'GET', path: 'screenshot', params: [] },
  screenSvg: { verb: 'GET', path: 'screen-svg', params: [] },
  windowSize: { verb: 'GET', path: 'window-size', params: [] },
  touch: { verb: 'POST', path: 'touch', params: [{ name: 'gesture', kind: 'object' }] },
  orientation: { verb: 'GET', path: 'orientation', params: [] },
  setOrientation: { verb: 'POST', path: 'orientation', params: [{ name: 'orientation', kind: 'string' }] },
} as const satisfies Record<PhoneMethod, RouteSpec>;

/** One row of `GET /_lab/v1/phones`. */
export interface PhoneListing {
  serial: string;
  brand: string;
  model: string;
  platformVersion: string;
  apiVersion: string;
}

/** The error body every failure carries. */
export interface ErrorBody {
  error: { code: string; message: string };
}
