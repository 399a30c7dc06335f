/** `cmd notification post` (Android 10+), `allow_listener`, and `cmd statusbar`; `cmd package` streams (package-install.ts); other services are unknown. */
import { IntentError, parseIntentArgs, qualifyComponent, type Intent } from '../intent.ts';
import { SHELL_CHANNEL } from '../system.ts';
import { fail, out, type ShellCommand } from './output.ts';

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
    else if (sub !== 'expand-settings') return fail(`Unknown command: ${sub ?? ''}\n`, 255);
    return out();
  }
  if (service === 'notification') {
    // allow_listener lives in NotificationManagerService's shell command since Android 8.1 [uncertain: 8.0 may have it too].
    if ((sub === 'allow_listener' || sub === 'disallow_listener') && phone.sdk >= 27) {
      if (!rest[0]?.includes('/')) return fail(`Invalid listener - must be a ComponentName\n`, 255);
      phone.systemSettings.setNotificationListener(qualifyComponent(rest[0]), sub === 'allow_listener');
      return out();
    }
    if (sub !== 'post' || phone.sdk < 29) return fail(`Unknown command: ${sub ?? ''}\n`, 255);
    return post(phone, rest, '');
  }
  return fail(`cmd: Can't find service: ${service ?? ''}\n`, 20);
};

const post: ShellCommand = (phone, args) => {
  let title = '';
  let intent: Intent | undefined;
  let positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '-h' || a === '--help') return out(POST_USAGE);
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
        if (e instanceof IntentError) return fail(`Error occurred. Check logcat for details. ${e.message}\n`, 255);
        throw e;
      }
      break;
    } else {
      positional = args.slice(i);
      break;
    }
  }
  const [tag, ...words] = positional;
  if (tag === undefined || words.length === 0) return out(POST_USAGE);
  phone.postShellNotification(tag, title, words.join(' '), intent);
  const flags = intent ? '0x10' : '0x0';
  return out(`posting:\n  Notification(channel=${SHELL_CHANNEL.id} shortcut=null contentView=null vibrate=null sound=null defaults=0x0 flags=${flags} color=0x00000000 vis=PRIVATE)\n`);
};
