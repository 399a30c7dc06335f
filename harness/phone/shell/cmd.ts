/** `cmd notification post` (Android 10+) and `cmd statusbar`; other services are unknown. */
import { IntentError, parseIntentArgs, type Intent } from '../intent.ts';
import type { ShellCommand } from './commands.ts';
import { pm } from './pm.ts';

const POST_USAGE = `usage: cmd notification post [flags] <tag> <text>

flags:
  -h|--help
  -v|--verbose
  -t|--title <text>
  -i|--icon <iconspec>
  -I|--large-icon <iconspec>
  -S|--style <style> [styleargs]
  -c|--content-intent <intentspec>
`;

const VALUE_FLAGS = new Set(['-i', '--icon', '-I', '--large-icon', '-S', '--style', '--bigtext', '--bigText', '--big-text', '--picture', '--line', '--conversation', '--message', '--user']);

export const cmd: ShellCommand = async (phone, args) => {
  const [service, sub, ...rest] = args;
  if (service === 'statusbar') {
    if (sub === 'expand-notifications') await phone.openNotifications();
    else if (sub === 'collapse') await phone.collapseNotifications();
    else if (sub !== 'expand-settings') return { stdout: '', stderr: `Unknown command: ${sub ?? ''}\n`, exitCode: 255 };
    return { stdout: '', stderr: '', exitCode: 0 };
  }
  if (service === 'notification') {
    if (sub !== 'post' || phone.sdk < 29) return { stdout: '', stderr: `Unknown command: ${sub ?? ''}\n`, exitCode: 255 };
    return post(phone, rest, '');
  }
  if (service === 'package' && sub === 'list') return pm(phone, ['list', ...rest], '');
  return { stdout: '', stderr: `cmd: Can't find service: ${service ?? ''}\n`, exitCode: 20 };
};

const post: ShellCommand = (phone, args) => {
  let title = '';
  let intent: Intent | undefined;
  let positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '-h' || a === '--help') return { stdout: POST_USAGE, stderr: '', exitCode: 0 };
    if (a === '-v' || a === '--verbose') continue;
    if (a === '-t' || a === '--title' || a === 'title') title = args[++i] ?? '';
    else if (VALUE_FLAGS.has(a)) i++;
    else if (a === '-c' || a === '--content-intent' || a === '--intent') {
      let from = i + 1;
      if (['activity', 'broadcast', 'service'].includes(args[from] ?? '')) from++;
      try {
        const parsed = parseIntentArgs(args.slice(from), false);
        intent = parsed.intent;
        positional = parsed.rest;
      } catch (e) {
        if (e instanceof IntentError) return { stdout: '', stderr: `Error occurred. Check logcat for details. ${e.message}\n`, exitCode: 255 };
        throw e;
      }
      break;
    } else {
      positional = args.slice(i);
      break;
    }
  }
  const [tag, ...words] = positional;
  if (tag === undefined || words.length === 0) return { stdout: POST_USAGE, stderr: '', exitCode: 0 };
  phone.postShellNotification(tag, title, words.join(' '), intent);
  const flags = intent ? '0x10' : '0x0';
  return {
    stdout: `posting:\n  Notification(channel=shell_cmd shortcut=null contentView=null vibrate=null sound=null defaults=0x0 flags=${flags} color=0x00000000 vis=PRIVATE)\n`,
    stderr: '',
    exitCode: 0,
  };
};
