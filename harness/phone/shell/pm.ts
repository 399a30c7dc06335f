/**
 * `pm list packages [-3|-s|-f|-U] [filter]`, `pm path`, `pm install` of an app the lab knows,
 * `pm uninstall`, and ColorOS's refusal of `pm clear`.
 */
import { SYSTEM_PACKAGES } from '../system.ts';
import { fail, out, type Output, type ShellCommand } from './output.ts';
import type { VirtualPhone } from '../phone.ts';

/** Flags of `pm install` / `pm uninstall` that take a value. */
const VALUED_FLAGS = new Set(['--user', '-i', '-S', '--install-location', '--versionCode', '-p', '--pkg']);

/** The operands after the flags (and the flags' values). */
function operands(args: string[]): string[] {
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (VALUED_FLAGS.has(args[i]!)) i++;
    else if (!args[i]!.startsWith('-')) rest.push(args[i]!);
  }
  return rest;
}

/** `pm uninstall [-k] [--user N] <package>` (also `cmd package uninstall`). */
export async function uninstallPackage(phone: VirtualPhone, args: string[]): Promise<Output> {
  const [pkg] = operands(args);
  if (pkg === undefined) return fail('Error: package name not specified\n', 1);
  if (!(await phone.removeApp(pkg))) return out('Failure [DELETE_FAILED_INTERNAL_ERROR]\n', 1);
  return out('Success\n');
}

/**
 * `pm install [-r] [-t] [-g] <path>` (also `cmd package install`). The lab knows apps by profile: the
 * file's base name names it (`/data/local/tmp/tim-demo.apk`); APK contents are not read.
 */
export async function installPackage(phone: VirtualPhone, args: string[]): Promise<Output> {
  const path = operands(args).at(-1);
  if (path === undefined) return fail('Error: must either specify a package size or an APK file\n', 1);
  try {
    await phone.installApp(path);
  } catch (e) {
    return out(`Failure [INSTALL_FAILED_INVALID_APK: ${(e as Error).message}]\n`, 1);
  }
  return out('Success\n');
}

export const pm: ShellCommand = (phone, args) => {
  const [sub, ...rest] = args;
  if (sub === 'list' && rest[0] === 'packages') {
    const flags = rest.slice(1).filter((a) => a.startsWith('-'));
    const filter = rest.slice(1).find((a) => !a.startsWith('-') && !/^\d+$/.test(a)) ?? '';
    const third = phone.apps().map((a) => a.profile.packageName);
    const pkgs = flags.includes('-3') ? third : flags.includes('-s') ? SYSTEM_PACKAGES : [...SYSTEM_PACKAGES, ...third];
    return out(
      pkgs
        .filter((p) => p.includes(filter))
        .sort()
        .map((p) => {
          const path = flags.includes('-f') ? `${third.includes(p) ? phone.apkDir(p) : `/system/priv-app/${p}`}/base.apk=` : '';
          const uid = flags.includes('-U') ? ` uid:${phone.app(p)?.uid ?? 1000}` : '';
          return `package:${path}${p}${uid}\n`;
        })
        .join(''),
    );
  }
  if (sub === 'path') {
    const pkg = rest[0] ?? '';
    if (phone.app(pkg)) return out(`package:${phone.apkDir(pkg)}/base.apk\n`);
    if (SYSTEM_PACKAGES.includes(pkg)) return out(`package:/system/priv-app/${pkg}/${pkg}.apk\n`);
    return fail('');
  }
  if (sub === 'clear') return fail('Security exception: adb clearing user data is forbidden.\n', 255);
  if (sub === 'uninstall') return uninstallPackage(phone, rest);
  if (sub === 'install') return installPackage(phone, rest);
  return fail(`Unknown command: ${sub ?? ''}\n`, 255);
};

