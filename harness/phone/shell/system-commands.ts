/**
 * `settings`, `appops` and `ps`, with the output of Android's SettingsService, AppOpsService's
 * shell command and toybox ps (samples in fixtures/shell/, sources noted there).
 */
import type { VirtualPhone } from '../phone.ts';
import type { SettingsNamespace } from '../system-settings.ts';
import { PID, LAUNCHER, PUSH_SERVICE_PACKAGE, SYSTEMUI } from '../system.ts';
import { fail, out, type ShellCommand } from './output.ts';

const NAMESPACES = ['global', 'system', 'secure'];
const SETTINGS_USAGE = `Settings provider (settings) commands:
  help
      Print this help text.
  get [--user <USER_ID> | current] NAMESPACE KEY
      Retrieve the current value of KEY.
  put [--user <USER_ID> | current] NAMESPACE KEY VALUE [TAG] [default]
      Change the contents of KEY to VALUE.
  delete [--user <USER_ID> | current] NAMESPACE KEY
      Delete the entry for KEY.
  list [--user <USER_ID> | current] NAMESPACE
      Print all defined keys.
      NAMESPACE is one of {system, secure, global}, case-insensitive
`;

export const settings: ShellCommand = (phone, args) => {
  const words = args.filter((a, i) => a !== '--user' && args[i - 1] !== '--user');
  const [verb, rawNs, key, ...rest] = words;
  const ns = rawNs?.toLowerCase();
  if (!verb || verb === 'help' || !ns || !NAMESPACES.includes(ns)) return verb === 'help' ? out(SETTINGS_USAGE) : fail(`Invalid command: ${words.join(' ')}\n${SETTINGS_USAGE}`, 255);
  const store = phone.systemSettings;
  const space = ns as SettingsNamespace;
  switch (verb) {
    case 'get':
      if (!key) break;
      return out(`${store.get(space, key) ?? 'null'}\n`);
    case 'put':
      if (!key || rest[0] === undefined) break;
      store.put(space, key, rest[0]);
      return out();
    case 'delete':
      if (!key) break;
      return out(`Deleted ${store.delete(space, key)} rows\n`);
    case 'list':
      return out(store.list(space).map(([k, v]) => `${k}=${v}\n`).join(''));
  }
  return fail(`Invalid command: ${words.join(' ')}\n${SETTINGS_USAGE}`, 255);
};

const APPOPS_MODES = ['allow', 'ignore', 'deny', 'default', 'foreground'];

export const appops: ShellCommand = (phone, args) => {
  const words = args.filter((a, i) => a !== '--user' && args[i - 1] !== '--user' && a !== '--uid');
  const [verb, pkg, op, mode] = words;
  const known = (p: string) => phone.packageInfo(p) !== undefined;
  if (verb === 'set') {
    if (!pkg || !op || !mode) return fail('Error: Mode not specified.\n', 255);
    if (!APPOPS_MODES.includes(mode) && !/^\d+$/.test(mode)) return fail(`Error: Mode ${mode} is not valid\n`, 255);
    if (!known(pkg)) return fail(`Error: Unknown package: ${pkg}\n`, 255);
    phone.systemSettings.setOp(pkg, op.replace(/^android:/, '').toUpperCase(), mode);
    return out();
  }
  if (verb === 'get') {
    if (!pkg) return fail('Error: No UID or package specified.\n', 255);
    if (!known(pkg)) return fail(`Error: Unknown package: ${pkg}\n`, 255);
    const ops = phone.systemSettings.opsOf(pkg).filter(([name]) => !op || name === op.toUpperCase());
    if (ops.length === 0) return out('No operations.\n');
    return out(ops.map(([name, m]) => `${name}: ${m}\n`).join(''));
  }
  return fail(`Error: Unknown command: ${verb ?? ''}\n`, 255);
};

/** toybox `ps --help` (Android 8+), trimmed to the selection and output options. */
const PS_HELP = `usage: ps [-AadefLlnwZ] [-gG GROUP,] [-k FIELD,] [-o FIELD,] [-p PID,] [-t TTY,] [-uU USER,]

List processes.

Which processes to show (-gGuUpPt selections may be comma separated lists):

-A  All					-a  Has terminal not session leader
-d  All but session leaders		-e  Synonym for -A
-g  In GROUPs				-G  In real GROUPs (before sgid)
-p  PIDs (--pid)			-P  Parent PIDs (--ppid)
-s  In session IDs			-t  Attached to selected TTYs
-T  Show threads also			-u  Owned by selected USERs
-U  Real USERs (before suid)

Output modifiers:

-k  Sort FIELDs (-FIELD to reverse)	-M  Measure/pad future field widths
-n  Show numeric USER and GROUP		-w  Wide output (don't truncate fields)

Which FIELDs to show. (-o HELP for list, default = -o PID,TTY,TIME,CMD)

-f  Full listing (-o USER:12=UID,PID,PPID,C,STIME,TTY,TIME,ARGS=CMD)
-l  Long listing (-o F,S,UID,PID,PPID,C,PRI,NI,ADDR,SZ,WCHAN,TTY,TIME,CMD)
-o  Output FIELDs instead of defaults, each with optional :size and =title
-O  Add FIELDS to defaults
-Z  Include LABEL
`;

interface Proc {
  user: string;
  pid: number;
  ppid: number;
  name: string;
}

/** Every process: kernel and native daemons, the system server, system apps, running apps and APK packages. */
function processes(phone: VirtualPhone): Proc[] {
  const zygote = 712;
  const procs: Proc[] = [
    { user: 'root', pid: 1, ppid: 0, name: 'init' },
    { user: 'root', pid: 2, ppid: 0, name: '[kthreadd]' },
    { user: 'logd', pid: 402, ppid: 1, name: 'logd' },
    { user: 'shell', pid: 610, ppid: 1, name: 'adbd' },
    { user: 'root', pid: zygote, ppid: 1, name: 'zygote64' },
    { user: 'system', pid: PID.system, ppid: zygote, name: 'system_server' },
    { user: 'u0_a10', pid: PID.systemui, ppid: zygote, name: SYSTEMUI },
    { user: 'u0_a50', pid: PID.launcher, ppid: zygote, name: LAUNCHER },
    { user: 'u0_a60', pid: PID.push, ppid: zygote, name: PUSH_SERVICE_PACKAGE },
  ];
  for (const app of phone.apps()) if (app.process) procs.push({ user: phone.uidName(app.uid).replace('u0a', 'u0_a'), pid: app.process.pid, ppid: zygote, name: app.profile.packageName });
  for (const proc of phone.apkPackages.runningProcesses()) {
    const uid = phone.apkPackages.get(proc.packageName)!.uid;
    procs.push({ user: `u0_a${uid - 10000}`, pid: proc.pid, ppid: zygote, name: proc.packageName });
  }
  return procs.sort((a, b) => a.pid - b.pid);
}

export const ps: ShellCommand = (phone, args) => {
  if (args.includes('--help') || args.includes('-h')) return out(PS_HELP);
  const all = args.some((a) => /^-[a-zA-Z]*[Ae]/.test(a));
  // Without -A toybox shows only this session's processes: the shell and ps itself.
  const procs = all ? processes(phone) : [];
  const shellPid = 9100;
  procs.push({ user: 'shell', pid: shellPid, ppid: 610, name: 'sh' }, { user: 'shell', pid: shellPid + 1, ppid: shellPid, name: 'ps' });
  const nameFilter = args.filter((a) => !a.startsWith('-'));
  const shown = nameFilter.length > 0 ? procs.filter((p) => nameFilter.includes(p.name) || nameFilter.includes(String(p.pid))) : procs;
  const header = 'USER           PID  PPID     VSZ    RSS WCHAN            ADDR S NAME                       \n';
  const rows = shown.map((p) => `${p.user.padEnd(12)} ${String(p.pid).padStart(5)} ${String(p.ppid).padStart(5)} ${String(p.name.startsWith('[') ? 0 : 14_000_000 + p.pid).padStart(7)} ${String(p.name.startsWith('[') ? 0 : 90_000 + p.pid).padStart(6)} 0                   0 S ${p.name}\n`);
  return out(header + rows.join(''));
};
