/**
 * Transport: a PhoneApi whose phone lives in a lab reached over HTTP (the router in router.ts),
 * so a tool in another process drives the same phone as one in the lab process.
 */
import type { Gesture } from '../input/touch.ts';
import type {
  Orientation,
  AppSource,
  AppState,
  BootOptions,
  DeviceInfo,
  LogcatEntry,
  PhoneApi,
  ShellResult,
  StartActivityOptions,
  StatusBarNotification,
  UiNode,
} from '../api.ts';
import { controlInit, type ClientAccess } from '../../../mock-oppo/access/client.ts';
import { labAccess } from '../../lab/access.ts';
import { PHONES_PATH, PHONE_ROUTES } from './routes.ts';
import type { ErrorBody, PhoneArgs, PhoneListing, PhoneMethod, PhoneResult } from './routes.ts';

/** A failure the lab answered with; `status` 404 + code `no such phone` means the serial is unknown. */
export class PhoneHttpError extends Error {
  override name = 'PhoneHttpError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function phonesUrl(labUrl: string): string {
  return `${labUrl.replace(/\/+$/, '')}${PHONES_PATH}`;
}

async function request<T>(url: string, init?: RequestInit): Promise<T> {
  const res = await fetch(url, init);
  const text = await res.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    throw new PhoneHttpError(res.status, 'invalid response', `${url} answered ${res.status} with non-JSON: ${text.slice(0, 200)}`);
  }
  if (!res.ok) {
    const error = (body as Partial<ErrorBody> | undefined)?.error;
    throw new PhoneHttpError(res.status, error?.code ?? 'http error', error?.message ?? `${url} answered ${res.status}`);
  }
  return (body as { value: T }).value;
}

/**
 * A phone of a lab at `labUrl`; `access` carries the lab's token (needed when the lab listens off
 * loopback, or was started with one; default PUSH_LAB_TOKEN's).
 */
export class RemotePhone implements PhoneApi {
  private readonly base: string;
  private readonly access: ClientAccess;

  constructor(
    labUrl: string,
    readonly serial: string,
    access: ClientAccess = {},
  ) {
    this.base = `${phonesUrl(labUrl)}/${encodeURIComponent(serial)}`;
    this.access = labAccess(access);
  }

  /** Asks the lab for a fresh phone. */
  static async boot(labUrl: string, options: BootOptions = {}, access: ClientAccess = {}): Promise<RemotePhone> {
    const { serial } = await request<{ serial: string }>(phonesUrl(labUrl), controlInit('POST', labAccess(access), options));
    return new RemotePhone(labUrl, serial, access);
  }

  static async list(labUrl: string, access: ClientAccess = {}): Promise<PhoneListing[]> {
    return await request<PhoneListing[]>(phonesUrl(labUrl), controlInit('GET', labAccess(access)));
  }

  /** Shuts the phone down in its lab (its links close; the serial is free again). */
  static async shutdown(labUrl: string, serial: string, access: ClientAccess = {}): Promise<void> {
    await request(`${phonesUrl(labUrl)}/${encodeURIComponent(serial)}`, controlInit('DELETE', labAccess(access)));
  }

  private async call<M extends PhoneMethod>(method: M, ...args: PhoneArgs<M>): Promise<PhoneResult<M>> {
    const route = PHONE_ROUTES[method];
    const named: Record<string, unknown> = {};
    route.params.forEach((spec, i) => {
      if (args[i] !== undefined) named[spec.name] = args[i];
    });
    const url = `${this.base}/${route.path}`;
    if (route.verb === 'POST') return await request<PhoneResult<M>>(url, controlInit('POST', this.access, named));
    const query = new URLSearchParams(Object.entries(named).map(([k, v]) => [k, String(v)])).toString();
    return await request<PhoneResult<M>>(query ? `${url}?${query}` : url, controlInit('GET', this.access));
  }

  deviceInfo(): Promise<DeviceInfo> {
    return this.call('deviceInfo');
  }
  uiTree(): Promise<UiNode> {
    return this.call('uiTree');
  }
  async tap(nodeId: string): Promise<void> {
    await this.call('tap', nodeId);
  }
  async setText(nodeId: string, text: string): Promise<void> {
    await this.call('setText', nodeId, text);
  }
  async pressKey(keycode: number): Promise<void> {
    await this.call('pressKey', keycode);
  }
  async openNotifications(): Promise<void> {
    await this.call('openNotifications');
  }
  async collapseNotifications(): Promise<void> {
    await this.call('collapseNotifications');
  }
  getNotifications(): Promise<{ statusBarNotifications: StatusBarNotification[] }> {
    return this.call('getNotifications');
  }
  queryAppState(packageName: string): Promise<AppState> {
    return this.call('queryAppState', packageName);
  }
  async activateApp(packageName: string): Promise<void> {
    await this.call('activateApp', packageName);
  }
  terminateApp(packageName: string): Promise<boolean> {
    return this.call('terminateApp', packageName);
  }
  async backgroundApp(seconds: number): Promise<void> {
    await this.call('backgroundApp', seconds);
  }
  startActivity(options: StartActivityOptions): Promise<string> {
    return this.call('startActivity', options);
  }
  currentActivity(): Promise<string | null> {
    return this.call('currentActivity');
  }
  currentPackage(): Promise<string | null> {
    return this.call('currentPackage');
  }
  isAppInstalled(packageName: string): Promise<boolean> {
    return this.call('isAppInstalled', packageName);
  }
  async installApp(app: AppSource): Promise<void> {
    await this.call('installApp', app);
  }
  removeApp(packageName: string): Promise<boolean> {
    return this.call('removeApp', packageName);
  }
  shell(command: string): Promise<ShellResult> {
    return this.call('shell', command);
  }
  logcat(sinceIndex?: number): Promise<LogcatEntry[]> {
    return this.call('logcat', sinceIndex);
  }
  screenshot(): Promise<string> {
    return this.call('screenshot');
  }
  screenSvg(): Promise<string> {
    return this.call('screenSvg');
  }
  windowSize(): Promise<{ width: number; height: number }> {
    return this.call('windowSize');
  }
  async touch(gesture: Gesture): Promise<void> {
    await this.call('touch', gesture);
  }
  orientation(): Promise<Orientation> {
    return this.call('orientation');
  }
  async setOrientation(orientation: Orientation): Promise<void> {
    await this.call('setOrientation', orientation);
  }
}
