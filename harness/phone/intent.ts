/**
 * Intents as the phone's activity manager sees them: built from `am`-style arguments, from an
 * `intent:` URI, or from an OPPO click action; resolved against the installed apps' activities.
 */
import type { DeliveredNotification } from '../../mock-oppo/device-link/protocol.ts';
import type { ActivityInfo, AppProfile, IntentFilter } from './profiles.ts';

export const ACTION_MAIN = 'android.intent.action.MAIN';
export const ACTION_VIEW = 'android.intent.action.VIEW';
export const CATEGORY_LAUNCHER = 'android.intent.category.LAUNCHER';
export const CATEGORY_DEFAULT = 'android.intent.category.DEFAULT';
export const CATEGORY_BROWSABLE = 'android.intent.category.BROWSABLE';
/** Intent.FLAG_ACTIVITY_NEW_TASK: every start from outside an activity (a notification, the launcher) carries it. */
export const FLAG_ACTIVITY_NEW_TASK = 0x10000000;
/** Intent.FLAG_ACTIVITY_RESET_TASK_IF_NEEDED: the launcher adds it to bring a task back as the user left it. */
export const FLAG_ACTIVITY_RESET_TASK_IF_NEEDED = 0x00200000;

export interface Intent {
  action?: string;
  categories: string[];
  data?: string;
  mimeType?: string;
  /** `pkg/cls` with cls fully qualified. */
  component?: string;
  package?: string;
  /** Every extra as a string: what the demo app logs and what OPPO delivers (`action_parameters`). */
  extras: Record<string, string>;
  flags: number;
}

export function emptyIntent(): Intent {
  return { categories: [], extras: {}, flags: 0 };
}

/** `com.pkg/.Act` → `com.pkg/com.pkg.Act`. */
export function qualifyComponent(component: string): string {
  const [pkg, cls] = component.split('/', 2);
  if (!pkg || !cls) throw new IntentError(`Bad component name: ${component}`);
  return `${pkg}/${cls.startsWith('.') ? pkg + cls : cls}`;
}

/** `com.pkg/com.pkg.Act` → `com.pkg/.Act`, the way ActivityManager prints it. */
export function shortComponent(component: string): string {
  const [pkg, cls] = component.split('/', 2) as [string, string];
  return cls.startsWith(pkg + '.') ? `${pkg}/${cls.slice(pkg.length)}` : component;
}

export class IntentError extends Error {
  override name = 'IntentError';
}

const EXTRA_FLAGS = new Set(['--es', '--ei', '--el', '--ef', '--ed', '--ez', '--eu', '--ecn']);
const AM_FLAGS_WITH_VALUE = new Set(['--user', '-R', '--windowingMode', '--activityType', '--display', '--start-profiler', '-P', '--attach-agent']);
const AM_FLAGS = new Set(['-W', '-S', '-D', '-N', '--streaming', '--track-allocation', '--task-overlay', '--lock-task', '--allow-background-activity-starts']);

export interface ParsedIntentArgs {
  intent: Intent;
  /** am's own options seen (-W, -S, ...), by name. */
  amOptions: Set<string>;
  /** Arguments after the target (e.g. tag and text of `cmd notification post`). */
  rest: string[];
}

/**
 * `Intent.parseCommandArgs`: options, then exactly one positional target — a URI if it has `:`,
 * a component if it has `/`, otherwise a package — and the parser stops there.
 */
export function parseIntentArgs(args: string[], acceptAmOptions: boolean): ParsedIntentArgs {
  const intent = emptyIntent();
  const amOptions = new Set<string>();
  let i = 0;
  const value = (flag: string): string => {
    const v = args[++i];
    if (v === undefined) throw new IntentError(`No argument expected after "${flag}"`);
    return v;
  };
  for (; i < args.length; i++) {
    const a = args[i]!;
    if (a === '-a') intent.action = value(a);
    else if (a === '-d') intent.data = value(a);
    else if (a === '-t') intent.mimeType = value(a);
    else if (a === '-c') intent.categories.push(value(a));
    else if (a === '-n') intent.component = qualifyComponent(value(a));
    else if (a === '-p') intent.package = value(a);
    else if (a === '-f') intent.flags = Number(value(a));
    else if (EXTRA_FLAGS.has(a)) {
      const key = value(a);
      intent.extras[key] = value(a);
    } else if (a === '--esn') intent.extras[value(a)] = '';
    else if (a.startsWith('--activity-') || a.startsWith('--receiver-') || a === '--grant-read-uri-permission') continue;
    else if (acceptAmOptions && AM_FLAGS.has(a)) amOptions.add(a);
    else if (acceptAmOptions && AM_FLAGS_WITH_VALUE.has(a)) amOptions.add(`${a}=${value(a)}`);
    else if (a.startsWith('-')) throw new IntentError(`Unknown option: ${a}`);
    else {
      if (a.includes(':')) Object.assign(intent, parseUri(a));
      else if (a.includes('/')) intent.component = qualifyComponent(a);
      else intent.package = a;
      i++;
      break;
    }
  }
  return { intent, amOptions, rest: args.slice(i) };
}

/** An `intent:` URI (Intent.parseUri with URI_INTENT_SCHEME) or a plain data URI. */
export function parseUri(uri: string): Partial<Intent> & { extras: Record<string, string>; categories: string[] } {
  const base = { categories: [] as string[], extras: {} as Record<string, string> };
  const hash = uri.indexOf('#Intent;');
  if (!uri.startsWith('intent:') || hash < 0) return { ...base, action: ACTION_VIEW, data: uri };
  const out: Partial<Intent> & { extras: Record<string, string>; categories: string[] } = { ...base, action: ACTION_VIEW };
  const head = uri.slice('intent:'.length, hash);
  let scheme: string | undefined;
  for (const part of uri.slice(hash + '#Intent;'.length).split(';')) {
    if (part === 'end' || part === '') continue;
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const k = part.slice(0, eq);
    const v = decodeURIComponent(part.slice(eq + 1));
    if (k === 'action') out.action = v;
    else if (k === 'category') out.categories.push(v);
    else if (k === 'scheme') scheme = v;
    else if (k === 'package') out.package = v;
    else if (k === 'component') out.component = qualifyComponent(v);
    else if (k === 'launchFlags') out.flags = Number(v);
    else if (/^[SBbsilfdc]\./.test(k)) out.extras[k.slice(2)] = v;
  }
  if (head) out.data = scheme ? `${scheme}:${head}` : head;
  return out;
}

/**
 * The am-style arguments of an intent (what `parseIntentArgs` reads back): options, string extras
 * (`--es`), then the one positional target — the component, else the package, else the data URI.
 */
export function intentArgs(intent: Intent): string[] {
  const args: string[] = [];
  if (intent.action) args.push('-a', intent.action);
  for (const c of intent.categories) args.push('-c', c);
  const target = intent.component ?? intent.package ?? intent.data;
  if (target === undefined) throw new IntentError('an intent needs a component, a package or a data URI');
  if (intent.data !== undefined && target !== intent.data) args.push('-d', intent.data);
  if (intent.mimeType) args.push('-t', intent.mimeType);
  if (intent.flags) args.push('-f', `0x${intent.flags.toString(16)}`);
  for (const [k, v] of Object.entries(intent.extras)) args.push('--es', k, v);
  args.push(target);
  return args;
}

/** Appends query parameters before any fragment, as the push service does for URL click types. */
export function appendQuery(url: string, params: Record<string, string>): string {
  const pairs = Object.entries(params).map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`);
  if (pairs.length === 0) return url;
  const hash = url.indexOf('#');
  const [body, fragment] = hash < 0 ? [url, ''] : [url.slice(0, hash), url.slice(hash)];
  return `${body}${body.includes('?') ? '&' : '?'}${pairs.join('&')}${fragment}`;
}

export type ClickTarget = { kind: 'activity'; intent: Intent } | { kind: 'browser'; url: string };

/**
 * What tapping an OPPO notification starts (oppo-push.md §7.5): the phone's push service and the
 * adb delivery agent build the same intent. `launcher` is the app's launcher activity class, if known.
 */
export function clickTarget(packageName: string, n: DeliveredNotification, launcher: string | undefined, launcherExtras: boolean): ClickTarget {
  const extras = { ...n.actionParameters };
  switch (n.clickActionType) {
    case 0: {
      return {
        kind: 'activity',
        intent: {
          action: ACTION_MAIN,
          categories: [CATEGORY_LAUNCHER],
          package: packageName,
          ...(launcher ? { component: qualifyComponent(`${packageName}/${launcher}`) } : {}),
          extras: launcherExtras ? extras : {},
          flags: FLAG_ACTIVITY_NEW_TASK,
        },
      };
    }
    case 4:
      return { kind: 'activity', intent: { categories: [], component: qualifyComponent(`${packageName}/${n.clickActionActivity ?? ''}`), extras, flags: FLAG_ACTIVITY_NEW_TASK } };
    case 1:
      return {
        kind: 'activity',
        intent: { ...(n.clickActionActivity ? { action: n.clickActionActivity } : {}), categories: [CATEGORY_DEFAULT], package: packageName, extras, flags: FLAG_ACTIVITY_NEW_TASK },
      };
    case 2:
      return { kind: 'browser', url: appendQuery(n.clickActionUrl ?? '', extras) };
    case 5: {
      const parsed = parseUri(appendQuery(n.clickActionUrl ?? '', extras));
      const intent: Intent = { ...emptyIntent(), ...parsed, flags: FLAG_ACTIVITY_NEW_TASK };
      if (!intent.component && !intent.package) intent.package = packageName;
      if (!intent.component && !intent.categories.includes(CATEGORY_BROWSABLE)) intent.categories.push(CATEGORY_BROWSABLE);
      return { kind: 'activity', intent };
    }
  }
}

export interface Resolved {
  app: AppProfile;
  activity: ActivityInfo;
}

/**
 * Explicit intents by component; implicit ones by intent filter (action, every category — with
 * DEFAULT implied, as startActivity does — and scheme/host), first match wins.
 */
export function resolveActivity(apps: AppProfile[], intent: Intent): Resolved | undefined {
  if (intent.component) {
    const [pkg, cls] = qualifyComponent(intent.component).split('/') as [string, string];
    const app = apps.find((a) => a.packageName === pkg);
    const activity = app?.activities.find((a) => a.name === cls);
    return app && activity ? { app, activity } : undefined;
  }
  const categories = intent.categories.includes(CATEGORY_LAUNCHER) ? intent.categories : [...new Set([...intent.categories, CATEGORY_DEFAULT])];
  for (const app of apps) {
    if (intent.package && app.packageName !== intent.package) continue;
    for (const activity of app.activities) {
      if (activity.intentFilters.some((f) => filterMatches(f, intent, categories))) return { app, activity };
    }
  }
  return undefined;
}

function filterMatches(f: IntentFilter, intent: Intent, categories: string[]): boolean {
  if (intent.action && !f.actions.includes(intent.action)) return false;
  if (!intent.action && f.actions.length === 0) return false;
  if (!categories.every((c) => f.categories.includes(c))) return false;
  if (!intent.data) return f.data.length === 0;
  const m = /^([a-zA-Z][\w+.-]*):(?:\/\/([^/?#:]*))?/.exec(intent.data);
  if (!m) return false;
  return f.data.some((d) => d.scheme === m[1] && (d.host === undefined || d.host === m[2]));
}

/** Query parameters of a data URI (what the demo reads when opened by scheme, bundle empty). */
export function queryParams(uri: string | undefined): Record<string, string> {
  if (!uri) return {};
  const q = uri.split('#')[0]!.split('?')[1];
  if (!q) return {};
  return Object.fromEntries(new URLSearchParams(q));
}

/** The `Intent { ... }` text am prints. */
export function describeIntent(intent: Intent): string {
  const parts: string[] = [];
  if (intent.action) parts.push(`act=${intent.action}`);
  if (intent.categories.length) parts.push(`cat=[${intent.categories.join(',')}]`);
  if (intent.data) parts.push(`dat=${intent.data.replace(/\?.*$/, '')}`);
  if (intent.flags) parts.push(`flg=0x${intent.flags.toString(16)}`);
  if (intent.package && !intent.component) parts.push(`pkg=${intent.package}`);
  if (intent.component) parts.push(`cmp=${shortComponent(intent.component)}`);
  if (Object.keys(intent.extras).length) parts.push('(has extras)');
  return `Intent { ${parts.join(' ')} }`;
}
