/**
 * Device and app profiles: JSON files under `fixtures/devices/` and `fixtures/apps/`, validated on
 * load so a typo in a profile fails with the file and field named instead of a confusing phone.
 * An app profile may `extends` another and override only `behaviour` (and description/label), which
 * keeps the mistake variants of the demo app one line each.
 */
import { readFileSync, readdirSync } from 'node:fs';

const FIXTURES = new URL('../../fixtures/', import.meta.url);

export const DEFAULT_DEVICE_PROFILE = 'find-x5';
export const DEFAULT_APP_PROFILE = 'tim-demo';

export class ProfileError extends Error {
  override name = 'ProfileError';
}

export interface DeviceProfile {
  id: string;
  marketName: string;
  /** Build properties as `getprop` prints them; the identity below is read from them. */
  props: Record<string, string>;
  screen: { width: number; height: number; density: number };
}

export interface IntentFilter {
  actions: string[];
  categories: string[];
  data: Array<{ scheme: string; host?: string }>;
}

/** What the demo app does with an activity (the app's code, which the profile cannot change). */
export type ActivityRole = 'splash' | 'login' | 'main' | 'push';

export interface ActivityInfo {
  name: string;
  role: ActivityRole;
  intentFilters: IntentFilter[];
}

export interface ChannelSpec {
  id: string;
  name: string;
  importance: number;
}

export interface AppBehaviour {
  /** false: the app never calls createNotificationChannel (pushes on its channel find none). */
  createsChannels: boolean;
  /** false: the app never calls HeytapPushManager.register. */
  registersPush: boolean;
  /** `before_login`: reports the regId from onRegister right away and never after login. */
  tokenReport: 'after_login' | 'before_login';
  /** The certificate id the app passes to setOfflinePushConfig when it differs from the console's. */
  reportedCertificateId?: number;
  /** false: the app never prompts, and ColorOS leaves the notification permission off. */
  requestsNotificationPermission: boolean;
  /**
   * false: an old IM SDK without `doBackground`/`doForeground`: in the background the app stays
   * Online to the server, so messages go over the link only and nothing is pushed (app_in_foreground).
   */
  callsDoBackground: boolean;
}

export interface AppProfile {
  id: string;
  label: string;
  description?: string;
  packageName: string;
  versionName: string;
  versionCode: number;
  targetSdk: number;
  activities: ActivityInfo[];
  channels: ChannelSpec[];
  push: { appKey: string; appSecret: string };
  im: { sdkAppId: number; certificateId: number; sdkVersion: string };
  behaviour: AppBehaviour;
}

export function deviceSdk(profile: DeviceProfile): number {
  return Number(profile.props['ro.build.version.sdk']);
}

/** The ColorOS version string: OPlus-era builds carry `oplusrom`, older ones `opporom`. */
export function colorOsVersion(profile: DeviceProfile): string {
  return profile.props['ro.build.version.oplusrom'] ?? profile.props['ro.build.version.opporom'] ?? '';
}

export function launcherActivity(app: AppProfile): ActivityInfo | undefined {
  return app.activities.find((a) =>
    a.intentFilters.some(
      (f) => f.actions.includes('android.intent.action.MAIN') && f.categories.includes('android.intent.category.LAUNCHER'),
    ),
  );
}

export function listProfiles(kind: 'devices' | 'apps'): string[] {
  return readdirSync(new URL(`${kind}/`, FIXTURES))
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -'.json'.length))
    .sort();
}

/** A profile id from `fixtures/devices/`, or an already parsed object (validated either way). */
export function loadDeviceProfile(source: string | unknown = DEFAULT_DEVICE_PROFILE): DeviceProfile {
  if (typeof source !== 'string') return validateDeviceProfile(source, 'device profile');
  return cached(`devices/${source}`, () => validateDeviceProfile(...readFixture('devices', source)));
}

/** A profile id from `fixtures/apps/`, or an already parsed object (validated either way). */
export function loadAppProfile(source: string | unknown = DEFAULT_APP_PROFILE): AppProfile {
  if (typeof source !== 'string') return validateAppProfile(source, 'app profile', new Set());
  return cached(`apps/${source}`, () => validateAppProfile(...readFixture('apps', source), new Set()));
}

/**
 * Fixture profiles, read and validated once and shared by every phone that boots with them (a lab of
 * 100,000 phones holds one copy, not 100,000). Frozen, so a phone that tried to change one would throw.
 */
const profileCache = new Map<string, unknown>();

function cached<T>(key: string, load: () => T): T {
  let profile = profileCache.get(key) as T | undefined;
  if (profile === undefined) profileCache.set(key, (profile = deepFreeze(load())));
  return profile;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/**
 * The app an install names: a profile object, or a profile id — also as a file name or path
 * (`/data/local/tmp/tim-demo.apk`, `fixtures/apps/tim-demo.json`), since the lab knows apps by their
 * profile, not by APK contents.
 */
export function appProfileForInstall(source: string | object): AppProfile {
  if (typeof source !== 'string') return loadAppProfile(source);
  const name = source.split('/').pop()!.replace(/\.(apk|json)$/i, '');
  return loadAppProfile(name);
}

function readFixture(kind: 'devices' | 'apps', id: string): [unknown, string] {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(id)) throw new ProfileError(`bad ${kind} profile id '${id}' (lowercase letters, digits, dashes)`);
  const where = `fixtures/${kind}/${id}.json`;
  let text: string;
  try {
    text = readFileSync(new URL(`${kind}/${id}.json`, FIXTURES), 'utf8');
  } catch {
    throw new ProfileError(`no ${kind} profile '${id}' (known: ${listProfiles(kind).join(', ')})`);
  }
  try {
    return [JSON.parse(text), where];
  } catch (e) {
    throw new ProfileError(`${where}: not valid JSON (${(e as Error).message})`);
  }
}

/** Field readers that name the file and field in their error. */
class Reader {
  constructor(
    readonly where: string,
    readonly obj: Record<string, unknown>,
    readonly path = '',
  ) {}
  static of(value: unknown, where: string, path = ''): Reader {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new ProfileError(`${where}: ${path || 'profile'} must be an object`);
    }
    return new Reader(where, value as Record<string, unknown>, path);
  }
  fail(field: string, what: string): never {
    throw new ProfileError(`${this.where}: ${this.path}${field} ${what}`);
  }
  has(field: string): boolean {
    return this.obj[field] !== undefined && this.obj[field] !== null;
  }
  string(field: string, fallback?: string): string {
    const v = this.obj[field] ?? fallback;
    if (typeof v !== 'string' || v === '') this.fail(field, 'must be a non-empty string');
    return v;
  }
  int(field: string, fallback?: number): number {
    const v = this.obj[field] ?? fallback;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) this.fail(field, 'must be a non-negative integer');
    return v;
  }
  bool(field: string, fallback?: boolean): boolean {
    const v = this.obj[field] ?? fallback;
    if (typeof v !== 'boolean') this.fail(field, 'must be true or false');
    return v;
  }
  oneOf<T extends string>(field: string, values: readonly T[], fallback?: T): T {
    const v = this.obj[field] ?? fallback;
    if (!values.includes(v as T)) this.fail(field, `must be one of ${values.map((x) => `'${x}'`).join(', ')}`);
    return v as T;
  }
  strings(field: string, fallback: string[] = []): string[] {
    const v = this.obj[field] ?? fallback;
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) this.fail(field, 'must be an array of strings');
    return v as string[];
  }
  objects(field: string): Reader[] {
    const v = this.obj[field] ?? [];
    if (!Array.isArray(v)) this.fail(field, 'must be an array');
    return v.map((item, i) => Reader.of(item, this.where, `${this.path}${field}[${i}].`));
  }
  child(field: string): Reader {
    return Reader.of(this.obj[field], this.where, `${this.path}${field}.`);
  }
}

const REQUIRED_PROPS = [
  'ro.product.brand',
  'ro.product.manufacturer',
  'ro.product.model',
  'ro.build.version.release',
  'ro.build.version.sdk',
];

export function validateDeviceProfile(raw: unknown, where = 'device profile'): DeviceProfile {
  const r = Reader.of(raw, where);
  const propsReader = r.child('props');
  const props: Record<string, string> = {};
  for (const [k, v] of Object.entries(propsReader.obj)) {
    if (typeof v === 'string') props[k] = v;
    else propsReader.fail(k, 'must be a string (getprop values are strings)');
  }
  for (const key of REQUIRED_PROPS) if (!(key in props)) propsReader.fail(key, 'is required');
  const sdk = Number(props['ro.build.version.sdk']);
  if (!Number.isInteger(sdk) || sdk < 21 || sdk > 36) propsReader.fail('ro.build.version.sdk', 'must be an API level 21..36');
  if (!props['ro.build.version.oplusrom'] && !props['ro.build.version.opporom']) {
    propsReader.fail('ro.build.version.opporom', 'or ro.build.version.oplusrom is required (a ColorOS phone)');
  }
  const s = r.child('screen');
  const screen = { width: s.int('width'), height: s.int('height'), density: s.int('density') };
  if (screen.width < 320 || screen.height < 480) s.fail('width', 'and height must be at least 320x480');
  return { id: r.string('id'), marketName: r.string('marketName', props['ro.product.model']), props, screen };
}

const ROLES: readonly ActivityRole[] = ['splash', 'login', 'main', 'push'];

function validateAppProfile(raw: unknown, where: string, seen: Set<string>): AppProfile {
  const r = Reader.of(raw, where);
  if (r.has('extends')) {
    const parentId = r.string('extends');
    if (seen.has(parentId)) r.fail('extends', `forms a cycle through '${parentId}'`);
    const [parentRaw, parentWhere] = readFixture('apps', parentId);
    const parent = validateAppProfile(parentRaw, parentWhere, new Set([...seen, parentId]));
    const allowed = new Set(['id', 'extends', 'label', 'description', 'behaviour']);
    for (const key of Object.keys(r.obj)) if (!allowed.has(key)) r.fail(key, `cannot be overridden by an extending profile (only ${[...allowed].join(', ')})`);
    const behaviour = r.has('behaviour') ? readBehaviour(r.child('behaviour'), parent.behaviour) : parent.behaviour;
    return {
      ...parent,
      id: r.string('id'),
      label: r.string('label', parent.label),
      ...(r.has('description') ? { description: r.string('description') } : {}),
      behaviour,
    };
  }
  const packageName = r.string('packageName');
  if (!/^[a-zA-Z]\w*(\.[a-zA-Z]\w*)+$/.test(packageName)) r.fail('packageName', `'${packageName}' is not a Java package name`);
  const activities = r.objects('activities').map((a): ActivityInfo => ({
    name: a.string('name'),
    role: a.oneOf('role', ROLES),
    intentFilters: a.objects('intentFilters').map((f) => ({
      actions: f.strings('actions'),
      categories: f.strings('categories'),
      data: f.objects('data').map((d) => ({ scheme: d.string('scheme'), ...(d.has('host') ? { host: d.string('host') } : {}) })),
    })),
  }));
  for (const role of ROLES) if (!activities.some((a) => a.role === role)) r.fail('activities', `need an activity with role '${role}'`);
  const profile: AppProfile = {
    id: r.string('id'),
    label: r.string('label'),
    ...(r.has('description') ? { description: r.string('description') } : {}),
    packageName,
    versionName: r.string('versionName', '1.0'),
    versionCode: r.int('versionCode', 1),
    targetSdk: r.int('targetSdk', 33),
    activities,
    channels: r.objects('channels').map((c) => ({ id: c.string('id'), name: c.string('name'), importance: c.int('importance', 3) })),
    push: readPush(r.child('push')),
    im: (() => {
      const im = r.child('im');
      return { sdkAppId: im.int('sdkAppId'), certificateId: im.int('certificateId'), sdkVersion: im.string('sdkVersion', '7.9.5680') };
    })(),
    behaviour: readBehaviour(r.child('behaviour'), undefined),
  };
  if (!launcherActivity(profile)) r.fail('activities', 'need one activity with a MAIN/LAUNCHER intent filter');
  return profile;
}

/** OPPO credentials come from fixtures/oppo-apps.json by appId (one source of truth), or inline. */
function readPush(p: Reader): { appKey: string; appSecret: string } {
  if (!p.has('oppoAppId')) return { appKey: p.string('appKey'), appSecret: p.string('appSecret') };
  const appId = p.string('oppoAppId');
  const apps = JSON.parse(readFileSync(new URL('oppo-apps.json', FIXTURES), 'utf8')) as Array<{ appId: string; appKey: string; appSecret: string }>;
  const app = apps.find((a) => a.appId === appId);
  if (!app) p.fail('oppoAppId', `'${appId}' is not in fixtures/oppo-apps.json`);
  return { appKey: app.appKey, appSecret: app.appSecret };
}

function readBehaviour(b: Reader, base: AppBehaviour | undefined): AppBehaviour {
  const known = new Set(['createsChannels', 'registersPush', 'tokenReport', 'reportedCertificateId', 'requestsNotificationPermission', 'callsDoBackground']);
  for (const key of Object.keys(b.obj)) if (!known.has(key)) b.fail(key, `is not a known behaviour switch (${[...known].join(', ')})`);
  const reported = b.has('reportedCertificateId') ? b.int('reportedCertificateId') : base?.reportedCertificateId;
  return {
    createsChannels: b.bool('createsChannels', base?.createsChannels ?? true),
    registersPush: b.bool('registersPush', base?.registersPush ?? true),
    tokenReport: b.oneOf('tokenReport', ['after_login', 'before_login'] as const, base?.tokenReport ?? 'after_login'),
    ...(reported !== undefined ? { reportedCertificateId: reported } : {}),
    requestsNotificationPermission: b.bool('requestsNotificationPermission', base?.requestsNotificationPermission ?? true),
    callsDoBackground: b.bool('callsDoBackground', base?.callsDoBackground ?? true),
  };
}
