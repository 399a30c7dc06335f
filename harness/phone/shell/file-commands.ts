/**
 * The toybox file commands clients send: `ls [-l] [-a]`, `rm [-f] [-r]`, `mkdir [-p]`, `cat`
 * (files, or stdin when none: it streams), `touch`, with toybox's messages.
 */
import { FileError, S_IFDIR, S_IFLNK, type FileStat } from '../files.ts';
import type { VirtualPhone } from '../phone.ts';
import { fail, out, type ShellCommand } from './output.ts';
import type { StreamingCommand } from './session.ts';

const NAMES: Record<number, string> = { 0: 'root', 1000: 'system', 2000: 'shell', 9997: 'everybody' };

function flagsAndPaths(args: string[]): [Set<string>, string[]] {
  const flags = new Set<string>();
  const paths: string[] = [];
  let options = true;
  for (const a of args) {
    // `--` ends the options, as toybox reads it (appium-adb sends `mkdir -p -- DIR`).
    if (options && a === '--') options = false;
    else if (options && /^-[a-zA-Z]+$/.test(a)) for (const f of a.slice(1)) flags.add(f);
    else paths.push(a);
  }
  return [flags, paths];
}

function modeString(mode: number): string {
  const type = (mode & 0o170000) === S_IFDIR ? 'd' : (mode & 0o170000) === S_IFLNK ? 'l' : '-';
  const rwx = (bits: number) => `${bits & 4 ? 'r' : '-'}${bits & 2 ? 'w' : '-'}${bits & 1 ? 'x' : '-'}`;
  return type + rwx((mode >> 6) & 7) + rwx((mode >> 3) & 7) + rwx(mode & 7);
}

function longLine(phone: VirtualPhone, name: string, stat: FileStat): string {
  const when = new Date(stat.mtime * 1000);
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone: phone.timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(when);
  const p = Object.fromEntries(parts.map((x) => [x.type, x.value]));
  const owner = (id: number) => (NAMES[id] ?? String(id)).padEnd(8);
  return `${modeString(stat.mode)} ${String(stat.nlink).padStart(2)} ${owner(stat.uid)} ${owner(stat.gid)} ${String(stat.size).padStart(8)} ${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute} ${name}`;
}

const toyError = (cmd: string, e: unknown): string => {
  if (e instanceof FileError) return `${cmd}: ${e.path}: ${e.reason}\n`;
  throw e;
};

export const ls: ShellCommand = (phone, args) => {
  const [flags, paths] = flagsAndPaths(args);
  const targets = paths.length > 0 ? paths : ['/'];
  let stdout = '';
  let stderr = '';
  let code = 0;
  for (const path of targets) {
    const stat = phone.files.stat(path);
    if (!stat) {
      stderr += `ls: ${path}: No such file or directory\n`;
      code = 1;
      continue;
    }
    if ((stat.mode & 0o170000) !== S_IFDIR || flags.has('d')) {
      stdout += flags.has('l') ? `${longLine(phone, path, stat)}\n` : `${path}\n`;
      continue;
    }
    if (targets.length > 1) stdout += `${path}:\n`;
    let entries = phone.files.list(path);
    if (!flags.has('a')) entries = entries.filter((e) => !e.name.startsWith('.'));
    if (flags.has('l')) stdout += `total ${entries.length}\n` + entries.map((e) => `${longLine(phone, e.name, e.stat)}\n`).join('');
    else stdout += entries.map((e) => `${e.name}\n`).join('');
  }
  return { stdout, stderr, exitCode: code };
};

export const rm: ShellCommand = (phone, args) => {
  const [flags, paths] = flagsAndPaths(args);
  let stderr = '';
  for (const path of paths) {
    try {
      phone.files.remove(path, flags.has('r') || flags.has('R'));
    } catch (e) {
      if (e instanceof FileError && e.errno === 2 && flags.has('f')) continue;
      stderr += toyError('rm', e);
    }
  }
  return stderr ? fail(stderr) : out();
};

export const mkdir: ShellCommand = (phone, args) => {
  const [flags, paths] = flagsAndPaths(args);
  let stderr = '';
  for (const path of paths) {
    try {
      phone.files.mkdir(path, flags.has('p'));
    } catch (e) {
      stderr += toyError('mkdir', e);
    }
  }
  return stderr ? fail(stderr) : out();
};

export const touch: ShellCommand = (phone, args) => {
  const [, paths] = flagsAndPaths(args);
  let stderr = '';
  for (const path of paths) {
    try {
      if (!phone.files.stat(path)) phone.files.write(path, []);
    } catch (e) {
      stderr += toyError('touch', e);
    }
  }
  return stderr ? fail(stderr) : out();
};

/** `cat FILE…` prints files; `cat` alone copies stdin to stdout as it arrives (until the client closes it). */
export const cat: StreamingCommand = async (phone, args, io) => {
  const [, paths] = flagsAndPaths(args);
  if (paths.length === 0 || (paths.length === 1 && paths[0] === '-')) {
    for await (const chunk of io.stdin) io.out(chunk as Buffer);
    return 0;
  }
  let code = 0;
  for (const path of paths) {
    try {
      for (const chunk of phone.files.readChunks(path)) io.out(chunk);
    } catch (e) {
      io.err(toyError('cat', e));
      code = 1;
    }
  }
  return code;
};
