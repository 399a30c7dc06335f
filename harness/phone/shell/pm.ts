/** `pm list packages [-3|-s|-f|-U] [filter]`, `pm path`, and ColorOS's refusal of `pm clear`. */
import { SYSTEM_PACKAGES } from '../system.ts';
import { fail, out, type ShellCommand } from './output.ts';

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
  return fail(`Unknown command: ${sub ?? ''}\n`, 255);
};

