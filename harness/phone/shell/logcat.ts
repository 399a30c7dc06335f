/**
 * `logcat`: dumps (`-d`, `-t N`) or streams the phone's ring buffer until the client goes away
 * (`adb logcat`, appium's `logcat -v threadtime`), with filterspecs `TAG[:P]`, `*:P` and `-s`;
 * `-c` clears. Text is always `threadtime` (the format every client here asks for); `-B` writes
 * binary entries instead (adbkit's `openLogcat()`: liblog's logger_entry v3 header — payload
 * length, header size 24, pid, tid, sec, nsec, log id — then priority, tag and message, NUL-ended).
 */
import type { LogcatEntry } from '../api.ts';
import { aborted, type StreamingCommand } from './session.ts';

const LEVELS = ['V', 'D', 'I', 'W', 'E', 'F', 'S'] as const;
const rank = (level: string): number => LEVELS.indexOf(level.toUpperCase() as (typeof LEVELS)[number]);
const OPTIONS_WITH_VALUE = new Set(['-v', '-t', '-T', '-b', '-f', '-r', '-n', '-e', '--regex', '--pid', '-m', '--max-count', '--format', '--buffer']);
const HEADER = '--------- beginning of main\n';
/** android_LogPriority: VERBOSE 2 … FATAL 7. */
const PRIORITY: Record<LogcatEntry['level'], number> = { V: 2, D: 3, I: 4, W: 5, E: 6, F: 7 };

function binaryEntry(e: LogcatEntry): Buffer {
  const payload = Buffer.concat([Buffer.from([PRIORITY[e.level]]), Buffer.from(`${e.tag}\0${e.message}\0`)]);
  const head = Buffer.alloc(24);
  head.writeUInt16LE(payload.length, 0);
  head.writeUInt16LE(24, 2);
  head.writeInt32LE(e.pid, 4);
  head.writeInt32LE(e.tid, 8);
  head.writeInt32LE(Math.floor(e.time / 1000), 12);
  head.writeInt32LE((((e.time % 1000) + 1000) % 1000) * 1_000_000, 16);
  head.writeUInt32LE(0, 20);
  return Buffer.concat([head, payload]);
}

export const logcat: StreamingCommand = async (phone, args, io) => {
  let dump = false;
  let silent = false;
  let binary = false;
  let tail: number | undefined;
  const specs = new Map<string, number>();
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '-c' || a === '--clear') {
      phone.logcatBuffer.clear();
      return 0;
    }
    if (a === '-d') dump = true;
    else if (a === '-B' || a === '--binary') binary = true;
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
  const render = (e: LogcatEntry): string | Buffer => (binary ? binaryEntry(e) : `${e.line}\n`);
  if (binary) for (const e of entries) io.out(binaryEntry(e));
  else io.out(HEADER + entries.map((e) => `${e.line}\n`).join(''));
  if (dump) return 0;
  const stop = phone.logcatBuffer.follow((e) => {
    if (shows(e)) io.out(render(e));
  });
  await aborted(io.signal);
  stop();
  return 0;
};
