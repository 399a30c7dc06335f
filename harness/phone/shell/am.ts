/** `am force-stop`, `am start[-activity] [-W] [-S] ...`, `am broadcast` with ActivityManager's output. */
import { describeIntent, IntentError, parseIntentArgs, type ParsedIntentArgs } from '../intent.ts';
import { fail, out, type Output, type ShellCommand } from './output.ts';

/** am's intent options, or the exception text am prints for bad ones. */
function intentArgs(args: string[], verb: string): ParsedIntentArgs | Output {
  try {
    return parseIntentArgs(args, true);
  } catch (e) {
    if (e instanceof IntentError) return fail(`Exception occurred while executing '${verb}':\njava.lang.IllegalArgumentException: ${e.message}\n`, 255);
    throw e;
  }
}

export const am: ShellCommand = async (phone, args) => {
  const [sub, ...rest] = args;
  if (sub === 'force-stop' || sub === 'kill') {
    const pkg = rest.filter((a) => !a.startsWith('--user') && !/^\d+$/.test(a)).at(-1);
    if (pkg && phone.app(pkg)) await phone.kill(pkg, sub === 'kill' ? 'process-death' : 'force-stop');
    else if (pkg && sub === 'kill') phone.apkPackages.kill(pkg);
    else if (pkg) phone.apkPackages.forceStop(pkg);
    return out();
  }
  if (sub === 'broadcast') return broadcast(phone, rest, '');
  if (sub === 'start' || sub === 'start-activity') {
    const parsed = intentArgs(rest, 'start');
    if ('exitCode' in parsed) return parsed;
    const { intent, amOptions } = parsed;
    const wait = amOptions.has('-W');
    const head = `Starting: ${describeIntent(intent)}\n`;
    if (amOptions.has('-S')) {
      const pkg = intent.component?.split('/')[0] ?? intent.package;
      if (pkg && phone.app(pkg)) await phone.kill(pkg, 'force-stop');
      else if (pkg) phone.apkPackages.forceStop(pkg);
    }
    const outcome = await phone.startIntent(intent);
    const notes = outcome.messages.map((m) => `${m}\n`).join('');
    // Non-zero on failure, so `mobile: shell` callers see it [uncertain: the exit status varies by release].
    if (!outcome.ok) return { stdout: head, stderr: notes, exitCode: 1 };
    if (!wait) return { stdout: head, stderr: notes, exitCode: 0 };
    const lines = [`Status: ok`];
    if (phone.sdk >= 29) lines.push(`LaunchState: ${outcome.launchState}`);
    lines.push(`Activity: ${outcome.component}`);
    if (phone.sdk < 29) lines.push(`ThisTime: ${outcome.totalTime}`);
    lines.push(`TotalTime: ${outcome.totalTime}`, `WaitTime: ${(outcome.totalTime ?? 0) + 6}`, 'Complete');
    return out(head + notes + lines.map((l) => `${l}\n`).join(''));
  }
  return fail(`Error: Unknown command: ${sub ?? ''}\n`, 255);
};

/** Intent.FLAG_RECEIVER_FROM_SHELL, which `am broadcast` adds (AOSP ActivityManagerShellCommand.runSendBroadcast). */
const FLAG_RECEIVER_FROM_SHELL = 0x400000;

/**
 * `am broadcast -a ACTION [extras] [-n CMP|-p PKG]`: an ordered broadcast to the receivers
 * registered for the action (`phone.apkPackages.registerReceiver`); `result=0` when none answers.
 */
const broadcast: ShellCommand = async (phone, args) => {
  const parsed = intentArgs(args, 'broadcast');
  if ('exitCode' in parsed) return parsed;
  const intent = { ...parsed.intent, flags: parsed.intent.flags | FLAG_RECEIVER_FROM_SHELL };
  const result = await phone.apkPackages.broadcast({ action: intent.action ?? '', extras: intent.extras });
  const data = result.data === undefined ? '' : `, data="${result.data}"`;
  return out(`Broadcasting: ${describeIntent(intent)}\nBroadcast completed: result=${result.code}${data}\n`);
};
