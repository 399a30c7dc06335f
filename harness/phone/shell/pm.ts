/**
 * `pm` / `cmd package` without the install family (that streams: `package-install.ts`): list
 * packages (`-3 -s -f -U --show-versioncode`, a filter), path, list instrumentation, uninstall,
 * resolve-activity, grant/revoke, dump, and ColorOS's refusal of `pm clear`. Formats: AOSP
 * `PackageManagerShellCommand` (samples in fixtures/shell/).
 */
import { CATEGORY_LAUNCHER, parseIntentArgs, qualifyComponent } from '../intent.ts';
import { dumpsys } from './dumpsys.ts';
import type { VirtualPhone } from '../phone.ts';
import { fail, out, type Output, type ShellCommand } from './output.ts';

/** `--user N` and `--user current` can appear anywhere; they change nothing on a one-user phone. */
function withoutUser(args: string[]): string[] {
  return args.filter((a, i) => a !== '--user' && args[i - 1] !== '--user');
}

export const pm: ShellCommand = (phone, rawArgs, stdin) => {
  const [sub, ...rest] = withoutUser(rawArgs);
  if (sub === 'list' && (rest[0] === 'packages' || rest[0] === 'package')) {
    const flags = rest.slice(1).filter((a) => a.startsWith('-'));
    for (const f of flags) {
      if (f === '--show-versioncode' && phone.sdk < 28) return fail(`Error: Unknown option: ${f}\n`, 255);
      if (!/^-[3sfUiedu]+$/.test(f) && f !== '--show-versioncode' && f !== '--uid') return fail(`Error: Unknown option: ${f}\n`, 255);
    }
    const has = (letter: string) => flags.some((f) => /^-[a-zA-Z0-9]+$/.test(f) && f.includes(letter));
    const filter = rest.slice(1).find((a) => !a.startsWith('-')) ?? '';
    const { system, thirdParty } = phone.packageNames();
    const names = has('3') ? thirdParty : has('s') ? system : [...system, ...thirdParty];
    return out(
      names
        .filter((p) => p.includes(filter))
        .sort()
        .map((p) => {
          const info = phone.packageInfo(p)!;
          const path = has('f') ? `${info.codePath}/base.apk=` : '';
          const uid = has('U') ? ` uid:${info.uid}` : '';
          const version = flags.includes('--show-versioncode') ? ` versionCode:${info.versionCode}` : '';
          return `package:${path}${p}${version}${uid}\n`;
        })
        .join(''),
    );
  }
  if (sub === 'list' && rest[0] === 'instrumentation') {
    const target = rest.slice(1).find((a) => !a.startsWith('-'));
    const lines = phone.apkPackages
      .instrumentations()
      .filter((i) => !target || i.targetPackage === target)
      .map((i) => `instrumentation:${i.packageName}/${i.name} (target=${i.targetPackage})\n`)
      .sort();
    return out(lines.join(''));
  }
  if (sub === 'path') {
    const info = phone.packageInfo(rest[0] ?? '');
    if (!info) return fail('');
    return out(info.system ? `package:${info.codePath}/${info.packageName}.apk\n` : `package:${info.codePath}/base.apk\n`);
  }
  if (sub === 'uninstall') return uninstall(phone, rest, '');
  if (sub === 'resolve-activity') return resolveActivity(phone, rest, '');
  if (sub === 'grant' || sub === 'revoke') return grant(phone, sub, rest);
  if (sub === 'dump') return dumpsys(phone, ['package', ...rest], stdin);
  if (sub === 'clear') return fail('Security exception: adb clearing user data is forbidden.\n', 255);
  return fail(`Unknown command: ${sub ?? ''}\n`, 255);
};

const uninstall: ShellCommand = async (phone, args) => {
  const pkg = args.find((a) => !a.startsWith('-'));
  if (!pkg) return fail('Error: package name not specified\n', 1);
  const info = phone.packageInfo(pkg);
  // A system package cannot be removed by the shell user; an unknown one fails the same way (AOSP's message).
  if (!info || info.system || !(await phone.uninstall(pkg))) return out('Failure [DELETE_FAILED_INTERNAL_ERROR]\n', 1);
  return out('Success\n');
};

/**
 * `resolve-activity [--brief] [intent options] PKG|COMPONENT`: the activity a launcher intent for
 * the package resolves to; `--brief` prints the match line and `pkg/class` (appium-adb reads the last line).
 */
const resolveActivity: ShellCommand = (phone, args) => {
  const brief = args.includes('--brief');
  const words = args.filter((a) => a !== '--brief' && a !== '--components');
  let parsed;
  try {
    parsed = parseIntentArgs(words, false);
  } catch {
    return fail(`Error: invalid intent\n`, 255);
  }
  const { intent } = parsed;
  const target = intent.component ?? intent.package ?? parsed.rest[0];
  const pkg = target?.split('/')[0];
  const info = pkg ? phone.packageInfo(pkg) : undefined;
  let activity: string | undefined;
  if (info && target?.includes('/')) {
    const cls = qualifyComponent(target).split('/')[1]!;
    activity = info.activities.some((a) => a.name === cls) ? cls : undefined;
  } else if (info) {
    const wantsLauncher = intent.categories.length === 0 || intent.categories.includes(CATEGORY_LAUNCHER);
    activity = (wantsLauncher ? info.activities.find((a) => a.launcher) : undefined)?.name;
  }
  if (!info || !activity) return out('No activity found\n');
  const match = 'priority=0 preferredOrder=0 match=0x108000 specificIndex=-1 isDefault=false';
  if (brief) return out(`${match}\n${pkg}/${activity}\n`);
  return out(`Activity Resolver Table:\n  ${match}\n  ActivityInfo:\n    name=${activity}\n    packageName=${pkg}\n    enabled=true exported=true directBootAware=false\n`);
};

/** `pm grant|revoke PKG PERMISSION`: POST_NOTIFICATIONS of an app-profile app is its notification switch. */
function grant(phone: VirtualPhone, sub: 'grant' | 'revoke', args: string[]): Output {
  const [pkg, perm] = args;
  const error = (msg: string) => fail(`Exception occurred while executing '${sub}':\njava.lang.IllegalArgumentException: ${msg}\n`, 255);
  if (!pkg || !perm) return error('Error: no package or permission specified');
  const info = phone.packageInfo(pkg);
  if (!info) return error(`Unknown package: ${pkg}`);
  if (!info.requestedPermissions.includes(perm)) return error(`Package ${pkg} has not requested permission ${perm}`);
  if (perm === 'android.permission.POST_NOTIFICATIONS' && phone.app(pkg)) phone.setNotificationPermission(pkg, sub === 'grant');
  const apk = phone.apkPackages.get(pkg);
  if (apk) {
    if (sub === 'grant') apk.granted.add(perm);
    else apk.granted.delete(perm);
  }
  return out();
}
