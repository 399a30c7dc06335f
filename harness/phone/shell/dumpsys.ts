/**
 * `dumpsys notification|activity|window|package` (and, from dumpsys-system.ts, power, deviceidle,
 * activity services, window policy) in the shapes tools parse (android-automation.md
 * §6.2–6.4). Hashes are derived from stable keys so the output is deterministic.
 */
import { shortComponent } from '../intent.ts';
import type { ShadeEntry } from '../notifications.ts';
import type { VirtualPhone } from '../phone.ts';
import { BROWSER, BROWSER_ACTIVITY, DEFAULT_NOTIFICATION_SOUND, LAUNCHER, LAUNCHER_ACTIVITY, PID, PUSH_SERVICE_PACKAGE, SYSTEMUI } from '../system.ts';
import { RUNTIME_PERMISSIONS } from '../packages.ts';
import { deviceIdle, power, services, windowPolicy } from './dumpsys-system.ts';
import { out, stableHash, type ShellCommand } from './output.ts';

const hash = stableHash;

export const dumpsys: ShellCommand = (phone, args) => {
  const [service, ...rest] = args;
  switch (service) {
    case 'notification':
      return out(notification(phone, rest));
    case 'activity':
      if (rest[0] === 'processes') return out(processes(phone));
      if (rest[0] === 'services') return out(services(phone, rest[1]));
      return out(activities(phone));
    case 'window':
      if (rest[0] === 'policy') return out(windowPolicy(phone));
      if (rest[0] === undefined) return out(windowPolicy(phone) + '\n' + windows(phone, phone.sdk < 29 ? 'windows' : 'displays'));
      return out(windows(phone, rest[0] === 'windows' || phone.sdk < 29 ? 'windows' : 'displays'));
    case 'power':
      return out(power(phone));
    case 'deviceidle':
      return deviceIdle(phone, rest);
    case 'package':
      return out(packageInfo(phone, rest[0]));
    default:
      return { stdout: '', stderr: `Can't find service: ${service ?? ''}\n`, exitCode: 0 };
  }
};

function notification(phone: VirtualPhone, args: string[]): string {
  const noredact = args.includes('--noredact');
  const p = args.findIndex((a) => a === 'p' || a === 'pkg' || a === '--package');
  const filter = p >= 0 ? args[p + 1]?.toLowerCase() : undefined;
  const entries = phone.notifications.entries.filter((e) => !filter || e.packageName === filter);
  const str = (v: string): string => (noredact ? `String (${v})` : 'String');
  const record = (e: ShadeEntry): string => {
    const channel = phone.notifications.channel(e.packageName, e.channelId);
    const importance = channel?.importance ?? 3;
    const flags = e.click ? '0x10' : '0x0';
    const extras = [
      `android.title=${str(e.title)}`,
      `android.text=${str(e.text)}`,
      ...(e.subText ? [`android.subText=${str(e.subText)}`] : []),
      ...(e.bigText !== undefined ? [`android.bigText=${noredact ? `SpannableString (${e.bigText})` : 'SpannableString'}`, 'android.template=String (android.app.Notification$BigTextStyle)'] : []),
      `android.showWhen=Boolean (true)`,
      ...Object.entries(e.extras).map(([k, v]) => `${k}=${str(v)}`),
    ];
    return [
      `    NotificationRecord(0x${hash(e.key, 8)}: pkg=${e.packageName} user=UserHandle{0} id=${e.id} tag=${e.tag ?? 'null'} importance=${importance} key=${e.key}: Notification(channel=${e.channelId} shortcut=null contentView=null vibrate=null sound=null defaults=0x0 flags=${flags} color=0x00000000 vis=PRIVATE))`,
      `      uid=${e.uid} userId=0`,
      `      opPkg=${e.packageName}`,
      `      icon=Icon(typ=RESOURCE pkg=${e.packageName} id=0x7f0800a1)`,
      `      flags=${flags}`,
      `      pri=0`,
      `      key=${e.key}`,
      `      seen=false`,
      `      groupKey=${e.key}`,
      `      contentIntent=${e.click ? `PendingIntent{${hash(e.key + 'pi')}: PendingIntentRecord{${hash(e.key + 'pr')} ${e.packageName} startActivity}}` : 'null'}`,
      `      extras={`,
      ...extras.map((x) => `          ${x}`),
      `      }`,
      `      stats=SingleNotificationStats{posttimeElapsedMs=${e.postTime}, posttimeToFirstClickMs=-1, airtimeCount=0}`,
      `      mImportance=${importance >= 4 ? 'HIGH' : importance === 3 ? 'DEFAULT' : 'LOW'}`,
      `      effectiveNotificationChannel=NotificationChannel{mId='${e.channelId}', mName=${channel?.name ?? e.channelId}, mImportance=${importance}, mBypassDnd=false, mLockscreenVisibility=-1000, mSound=${DEFAULT_NOTIFICATION_SOUND}, mLights=false, mVibration=null}`,
    ].join('\n');
  };
  return ['Current Notification Manager state:', '  Notification List:', ...entries.map(record), ...preferences(phone, filter), ''].join('\n');
}

/**
 * The PreferencesHelper section: per app its notification switch (importance NONE = blocked) and its
 * channels, where tools read whether an app may notify and which channels it created. [uncertain]
 * AOSP's `AppSettings:` line and channel dump vary across versions; this follows Android 11–14.
 */
function preferences(phone: VirtualPhone, filter: string | undefined): string[] {
  const lines = ['', '  mPreferencesHelper:', '    PreferencesHelper:'];
  for (const app of phone.apps()) {
    const pkg = app.profile.packageName;
    if (filter && pkg !== filter) continue;
    const enabled = phone.notifications.areNotificationsEnabled(pkg);
    lines.push(`    AppSettings: ${pkg} (${app.uid}) importance=${enabled ? 'UNSPECIFIED' : 'NONE'} userSet=${!enabled}`);
    for (const c of phone.notifications.channels(pkg)) {
      lines.push(`      NotificationChannel{mId='${c.id}', mName=${c.name}, mDescription=, mImportance=${c.importance}, mBypassDnd=false, mLockscreenVisibility=-1000, mSound=${DEFAULT_NOTIFICATION_SOUND}, mLights=false, mVibration=null}`);
    }
  }
  return lines;
}

function record(component: string, task: number): string {
  return `ActivityRecord{${hash(component)} u0 ${shortComponent(component)} t${task}}`;
}

interface Task {
  id: number;
  pkg: string;
  uid: number;
  activities: string[];
}

function tasks(phone: VirtualPhone): Task[] {
  const list: Task[] = [];
  for (const app of phone.apps()) {
    const proc = app.process;
    if (!proc || proc.stack.length === 0) continue;
    list.push({ id: app.uid - 10000 + 40, pkg: app.profile.packageName, uid: app.uid, activities: proc.stack.map((r) => `${app.profile.packageName}/${r.activity.name}`) });
  }
  const front = phone.front;
  list.sort((a, b) => Number(front.kind === 'app' && b.pkg === front.packageName) - Number(front.kind === 'app' && a.pkg === front.packageName));
  const home: Task = { id: 1, pkg: LAUNCHER, uid: 10050, activities: [LAUNCHER_ACTIVITY] };
  if (front.kind === 'browser') list.unshift({ id: 30, pkg: BROWSER, uid: 10080, activities: [BROWSER_ACTIVITY] });
  if (front.kind === 'launcher') list.unshift(home);
  else list.push(home);
  return list;
}

function activities(phone: VirtualPhone): string {
  const all = tasks(phone);
  const resumedTask = all[0]!;
  const resumed = record(resumedTask.activities.at(-1)!, resumedTask.id);
  const lines = ['ACTIVITY MANAGER ACTIVITIES (dumpsys activity activities)', 'Display #0 (activities from top to bottom):'];
  all.forEach((t, i) => {
    const top = record(t.activities.at(-1)!, t.id);
    const hist = [...t.activities].reverse().map((c, n) => `${t.activities.length - 1 - n}: ${record(c, t.id)}`);
    if (phone.sdk >= 31) {
      lines.push(`  * Task{${hash(String(t.id))} #${t.id} type=${t.id === 1 ? 'home' : 'standard'} A=${t.uid}:${t.pkg} U=0 visible=${i === 0} visibleRequested=${i === 0} mode=fullscreen translucent=false sz=${t.activities.length}}`);
      if (i === 0) lines.push(`    topResumedActivity=${top}`);
      lines.push(...hist.map((h) => `    * Hist  #${h}`));
    } else {
      lines.push(`  Stack #${t.id}: type=${t.id === 1 ? 'home' : 'standard'} mode=fullscreen`, `    Task id #${t.id}`);
      lines.push(`      * TaskRecord{${hash(String(t.id))} #${t.id} A=${t.pkg} U=0 StackId=${t.id} sz=${t.activities.length}}`);
      lines.push(...hist.map((h) => `        Hist #${h}`));
      if (i === 0) lines.push(`    mResumedActivity: ${top}`);
    }
  });
  if (phone.sdk >= 28) lines.push('', `  ResumedActivity: ${resumed}`);
  return lines.join('\n') + '\n';
}

function processes(phone: VirtualPhone): string {
  const lines = ['ACTIVITY MANAGER RUNNING PROCESSES (dumpsys activity processes)', '  All known processes:'];
  const proc = (pid: number, name: string, uid: number): void => {
    lines.push(`  *APP* UID ${uid} ProcessRecord{${hash(name)} ${pid}:${name}/${uid >= 10000 ? phone.uidName(uid) : uid}}`, `    user #0 uid=${uid}`);
  };
  proc(PID.systemui, SYSTEMUI, 10010);
  proc(PID.launcher, LAUNCHER, 10050);
  proc(PID.push, PUSH_SERVICE_PACKAGE, 10060);
  for (const app of phone.apps()) if (app.process) proc(app.process.pid, app.profile.packageName, app.uid);
  for (const p of phone.apkPackages.runningProcesses()) proc(p.pid, p.packageName, phone.apkPackages.get(p.packageName)!.uid);
  return lines.join('\n') + '\n';
}

function windows(phone: VirtualPhone, kind: 'displays' | 'windows'): string {
  const component = phone.focusedComponent();
  const { width, height, density } = phone.device.screen;
  const shade = phone.sdk >= 30 ? 'NotificationShade' : 'StatusBar';
  const front = tasks(phone)[0]!;
  return [
    `WINDOW MANAGER ${kind === 'displays' ? 'DISPLAY CONTENTS' : 'WINDOWS'} (dumpsys window ${kind})`,
    `  Display: mDisplayId=0`,
    `    init=${width}x${height} ${density}dpi cur=${width}x${height} app=${width}x${height}`,
    `  mCurrentFocus=Window{${hash(component ?? shade)} u0 ${phone.shadeOpen || !component ? shade : component}}`,
    `  mFocusedApp=${component ? record(component, front.id) : 'null'}`,
    '',
  ].join('\n');
}

function packageInfo(phone: VirtualPhone, pkg: string | undefined): string {
  const info = pkg ? phone.packageInfo(pkg) : undefined;
  if (!info) return pkg ? `Unable to find package: ${pkg}\n` : '';
  const when = (ms: number) => {
    const p = Object.fromEntries(new Intl.DateTimeFormat('en-CA', { timeZone: phone.timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }).formatToParts(ms).map((x) => [x.type, x.value]));
    return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`;
  };
  const granted = new Set(info.grantedPermissions);
  const install = info.requestedPermissions.filter((perm) => !RUNTIME_PERMISSIONS.has(perm));
  const runtime = info.requestedPermissions.filter((perm) => RUNTIME_PERMISSIONS.has(perm));
  return [
    'Packages:',
    `  Package [${info.packageName}] (${hash(info.packageName)}):`,
    `    userId=${info.uid}`,
    `    codePath=${info.codePath}`,
    `    versionCode=${info.versionCode} minSdk=${info.minSdk} targetSdk=${info.targetSdk}`,
    `    versionName=${info.versionName}`,
    `    firstInstallTime=${when(info.firstInstallTime)}`,
    `    lastUpdateTime=${when(info.lastUpdateTime)}`,
    ...(info.requestedPermissions.length > 0 ? ['    requested permissions:', ...info.requestedPermissions.map((perm) => `      ${perm}`)] : []),
    ...(install.length > 0 ? ['    install permissions:', ...install.map((perm) => `      ${perm}: granted=true`)] : []),
    `    User 0: ceDataInode=${parseInt(hash(info.packageName, 6), 16)} installed=true hidden=false suspended=false distractionFlags=0 stopped=${info.stopped} notLaunched=${info.notLaunched} enabled=0 instant=false virtual=false`,
    ...(runtime.length > 0 ? ['      runtime permissions:', ...runtime.map((perm) => `        ${perm}: granted=${granted.has(perm)}, flags=[ USER_SENSITIVE_WHEN_GRANTED|USER_SENSITIVE_WHEN_DENIED ]`)] : []),
    '',
  ].join('\n');
}
