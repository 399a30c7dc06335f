/** OPPO console apps: credentials, permission level, private-message approval, channels. */
import demoApps from '../../fixtures/oppo-apps.json' with { type: 'json' };
import { parseJsonQuietly } from '../access/secrets.ts';

export interface ChannelConfig {
  id: string;
  name?: string;
  /** Approved for private (Communication & Service) messages. */
  private?: boolean;
}

export interface AppConfig {
  appId: string;
  appKey: string;
  appSecret: string;
  masterSecret: string;
  name?: string;
  /** Package a phone must register with (any package when absent). */
  packageName?: string;
  /** Users with OPPO PUSH activated; drives the daily public quota and the QPS tier. */
  cumulativeUsers?: number;
  /** 'test' (not yet on the store): public 1000/day, no private messages. */
  permission?: 'released' | 'test';
  privateApproved?: boolean;
  /** 'news' apps get 5 public messages per device per day, others 2. */
  appCategory?: 'news' | 'other';
  channels?: ChannelConfig[];
}

export type App = Required<Omit<AppConfig, 'packageName'>> & { packageName?: string };

const STRING_FIELDS = ['appId', 'appKey', 'appSecret', 'masterSecret'] as const;

/** Checks an app from a file or the control API and fills the defaults; throws TypeError with the reason. */
export function normalizeApp(input: unknown): App {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new TypeError('an app must be a JSON object');
  const raw = input as Record<string, unknown>;
  for (const field of STRING_FIELDS) {
    const value = raw[field];
    if (typeof value !== 'string' || value.length === 0) throw new TypeError(`app.${field} must be a non-empty string`);
  }
  const optionalString = (field: string): string | undefined => {
    const value = raw[field];
    if (value === undefined) return undefined;
    if (typeof value !== 'string') throw new TypeError(`app.${field} must be a string`);
    return value;
  };
  const users = raw.cumulativeUsers ?? 1000;
  if (typeof users !== 'number' || !Number.isSafeInteger(users) || users < 0) throw new TypeError('app.cumulativeUsers must be a non-negative integer');
  const permission = raw.permission ?? 'released';
  if (permission !== 'released' && permission !== 'test') throw new TypeError("app.permission must be 'released' or 'test'");
  const appCategory = raw.appCategory ?? 'other';
  if (appCategory !== 'news' && appCategory !== 'other') throw new TypeError("app.appCategory must be 'news' or 'other'");
  const privateApproved = raw.privateApproved ?? false;
  if (typeof privateApproved !== 'boolean') throw new TypeError('app.privateApproved must be a boolean');
  const channelsRaw = raw.channels ?? [];
  if (!Array.isArray(channelsRaw)) throw new TypeError('app.channels must be an array');
  const channels = channelsRaw.map((c: unknown, i): ChannelConfig => {
    const ch = (typeof c === 'object' && c !== null ? c : {}) as Record<string, unknown>;
    if (typeof ch.id !== 'string' || ch.id.length === 0) throw new TypeError(`app.channels[${i}].id must be a non-empty string`);
    return { id: ch.id, name: typeof ch.name === 'string' ? ch.name : ch.id, private: ch.private === true };
  });
  return {
    appId: raw.appId as string,
    appKey: raw.appKey as string,
    appSecret: raw.appSecret as string,
    masterSecret: raw.masterSecret as string,
    name: optionalString('name') ?? (raw.appId as string),
    packageName: optionalString('packageName'),
    cumulativeUsers: users,
    permission,
    privateApproved,
    appCategory,
    channels,
  };
}

/** The apps of an `--apps` file's text: a non-empty JSON array, each app validated. */
export function parseAppsFile(text: string): App[] {
  const parsed = parseJsonQuietly(text);
  if (!Array.isArray(parsed) || parsed.length === 0) throw new TypeError('the file must hold a non-empty JSON array of apps');
  return parsed.map((a) => normalizeApp(a));
}

/** The demo app of fixtures/oppo-apps.json (the one the IM certificate uses). */
export function demoApp(): App {
  return normalizeApp(demoApps[0]);
}

/** An app as the control API shows it: secrets masked. */
export function publicView(app: App): App {
  return { ...app, appSecret: maskSecret(app.appSecret), masterSecret: maskSecret(app.masterSecret) };
}

/** Keeps a 4-character hint so a person can tell secrets apart without learning them. */
export function maskSecret(value: string): string {
  return value.length <= 8 ? '****' : `${value.slice(0, 4)}****`;
}
