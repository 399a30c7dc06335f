/**
 * `logcat`: dumps (`-d`, `-t N`) or streams the phone's ring buffer until the client goes away
 * (`adb logcat`, appium's `logcat -v threadtime`), with filterspecs `TAG[:P]`, `*:P` and `-s`;
 * `-c` clears. Lines are always `threadtime` (the format every client here asks for).
 */
import type { LogcatEntry } from '../api.ts';
import { aborted, type StreamingCommand } from './session.ts';

const LEVELS = ['V', 'D', 'I', 'W', 'E', 'F', 'S'] as const;
const rank = (level: string): number => LEVELS.indexOf(level.toUpperCase() as (typeof LEVELS)[number]);
const OPTIONS_WITH_VALUE = new Set(['-v', '-t', '-T', '-b', '-f', '-r', '-n', '-e', '--regex', '--pid', '-m', '--max-count', '--format', '--buffer']);
const HEADER = '--------- beginning of main\n';

export const logcat: StreamingCommand = async (phone, args, io) => {
  let dump = false;
  let silent = false;
  let tail: number | undefined;
  const specs = new Map<string, number>();
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '-c' || a === '--clear') {
      phone.logcatBuffer.clear();
      return 0;
    }
    if (a === '-d') dump = true;
    else if (a === '-s') silent = true;
    else if (a === '-t' || a === '-T') {
      tail = Number(args[++i]);
      if (!Number.isInteger(tail) || tail < 0) {
        io.err(`logcat: -${a[1]} "${args[i] ?? ''}" not a count\n`);
        return 1;
      }
      dump ||= a === '-t';
    } else if (OPTIONS_WITH_VALUE.has(a)) i++;
    else if (a.startsWith('-')) continue;
    else {
      const [tag, level = 'V'] = a.split(':') as [string, string?];
      if (rank(level) < 0) {
        io.err(`logcat: Invalid filter expression '${a}'\n`);
        return 1;
      }
      specs.set(tag, rank(level));
    }
  }
  const fallback = specs.get('*') ?? (silent ? rank('S') : 0);
  const shows = (e: LogcatEntry): boolean => rank(e.level) >= (specs.get(e.tag) ?? fallback);
  // Read the buffer and subscribe in the same tick, so no line falls between the dump and the stream.
  let entries = phone.logcatBuffer.read().filter(shows);
  if (tail !== undefined) entries = entries.slice(entries.length - Math.min(tail, entries.length));
  io.out(HEADER + entries.map((e) => `${e.line}\n`).join(''));
  if (dump) return 0;
  const stop = phone.logcatBuffer.follow((e) => {
    if (shows(e)) io.out(`${e.line}\n`);
  });
  await aborted(io.signal);
  stop();
  return 0;
};
