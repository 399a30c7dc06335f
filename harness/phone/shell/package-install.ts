/**
 * `pm` / `cmd package` (the same PackageManagerShellCommand since Android 7): the install family
 * streams — `install [-r -g -t -d -R] -S N` reads N bytes of APK from stdin (`adb install` over
 * `exec:cmd package 'install' -S N` on 8/9 and `abb_exec:package\0install\0-S\0N` on 10+), or reads
 * a file (`pm install /data/local/tmp/x.apk`, adbkit's path); `install-create` / `install-write` /
 * `install-commit` / `install-abandon` are `adb install-multiple`'s sessions. Every other
 * subcommand is the buffered `pm` (`pm.ts`). Output and failure codes: AOSP
 * `PackageManagerShellCommand` (`Success`, `Failure [CODE: detail]`, exit 1 on failure).
 */
import type { Readable } from 'node:stream';
import { FileError } from '../files.ts';
import { InstallError, type InstallOptions } from '../packages.ts';
import type { VirtualPhone } from '../phone.ts';
import { pm } from './pm.ts';
import { listProfiles } from '../profiles.ts';
import type { ShellIo, StreamingCommand } from './session.ts';

interface InstallArgs {
  options: InstallOptions;
  /** -S: the number of bytes that follow on stdin. */
  size?: number;
  rest: string[];
}

function parseInstallArgs(args: string[]): InstallArgs | string {
  const options: InstallOptions = {};
  let size: number | undefined;
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    switch (a) {
      case '-r': // replacing is the default since Android 7; -r is accepted and ignored
      case '-i':
      case '--user':
      case '--install-reason':
      case '--originating-uri':
      case '--referrer':
      case '--abi':
      case '-p':
      case '--pkg':
      case '--install-location':
      case '--force-uuid':
        if (a !== '-r') i++;
        break;
      case '-g':
        options.grantAll = true;
        break;
      case '-d':
        options.allowDowngrade = true;
        break;
      case '-R':
        options.noReplace = true;
        break;
      case '-t':
        options.allowTest = true;
        break;
      case '-S': {
        size = Number(args[++i]);
        if (!Number.isSafeInteger(size) || size < 0) return `Error: APK content size must be a positive number: ${args[i] ?? ''}`;
        break;
      }
      default:
        if (a.startsWith('--') || /^-[lfksDFP]$/.test(a)) break;
        rest.push(a);
    }
  }
  return { options, ...(size !== undefined ? { size } : {}), rest };
}

/** Exactly `size` bytes from stdin, kept as the chunks they came in; fewer when the client closed early. */
async function readBytes(stdin: Readable, size: number): Promise<Buffer[]> {
  const chunks: Buffer[] = [];
  let have = 0;
  if (size === 0) return chunks;
  for await (const chunk of stdin) {
    const b = chunk as Buffer;
    const take = Math.min(b.length, size - have);
    chunks.push(take === b.length ? b : b.subarray(0, take));
    have += take;
    if (have >= size) break;
  }
  return chunks;
}

interface InstallSession {
  options: InstallOptions;
  apks: Map<string, Buffer>;
}

const sessions = new WeakMap<VirtualPhone, Map<number, InstallSession>>();
const sessionsOf = (phone: VirtualPhone) => {
  let map = sessions.get(phone);
  if (!map) {
    map = new Map();
    sessions.set(phone, map);
  }
  return map;
};
/** Session ids PackageInstaller hands out look random; these are deterministic per phone. */
const nextSessionId = new WeakMap<VirtualPhone, number>();

async function commit(phone: VirtualPhone, apks: Buffer[], options: InstallOptions, io: ShellIo): Promise<number> {
  try {
    await phone.installApk(apks, options);
    io.out('Success\n');
    return 0;
  } catch (e) {
    if (!(e instanceof InstallError)) throw e;
    io.out(`${e.line}\n`);
    return 1;
  }
}

async function install(phone: VirtualPhone, args: string[], io: ShellIo): Promise<number> {
  const parsed = parseInstallArgs(args);
  if (typeof parsed === 'string') {
    io.err(`${parsed}\n`);
    return 1;
  }
  const path = parsed.rest.find((a) => a !== '-');
  if (parsed.size === undefined && path) {
    let apk: Buffer;
    try {
      apk = phone.files.read(path);
    } catch (e) {
      if (!(e instanceof FileError)) throw e;
      // No such file, but the name is an app the lab knows (`tim-demo.apk`): install its profile.
      if (await installKnownApp(phone, path)) {
        io.out('Success\n');
        return 0;
      }
      io.err(`Error: Can't open file: ${path}\nException occurred while executing 'install':\njava.lang.IllegalArgumentException: Error: Can't open file: ${path}\n`);
      return 1;
    }
    return commit(phone, [apk], parsed.options, io);
  }
  if (parsed.size === undefined) {
    io.err('Error: APK content must be streamed\n');
    return 1;
  }
  const chunks = await readBytes(io.stdin, parsed.size);
  return commit(phone, [Buffer.concat(chunks)], parsed.options, io);
}

async function installSession(phone: VirtualPhone, sub: string, args: string[], io: ShellIo): Promise<number> {
  const table = sessionsOf(phone);
  if (sub === 'install-create') {
    const parsed = parseInstallArgs(args);
    if (typeof parsed === 'string') {
      io.err(`${parsed}\n`);
      return 1;
    }
    const id = nextSessionId.get(phone) ?? 1234;
    nextSessionId.set(phone, id + 1);
    table.set(id, { options: parsed.options, apks: new Map() });
    io.out(`Success: created install session [${id}]\n`);
    return 0;
  }
  const parsed = parseInstallArgs(args);
  if (typeof parsed === 'string') {
    io.err(`${parsed}\n`);
    return 1;
  }
  const id = Number(parsed.rest[0]);
  const session = table.get(id);
  if (!session) {
    io.err(`Exception occurred while executing '${sub}':\njava.lang.SecurityException: Caller has no access to session ${parsed.rest[0] ?? ''}\n`);
    return 1;
  }
  if (sub === 'install-write') {
    const name = parsed.rest[1] ?? 'base.apk';
    const path = parsed.rest[2];
    let apk: Buffer;
    if (path && path !== '-') {
      try {
        apk = phone.files.read(path);
      } catch (e) {
        if (!(e instanceof FileError)) throw e;
        io.err(`Error: Can't open file: ${path}\n`);
        return 1;
      }
    } else {
      if (parsed.size === undefined) {
        io.err("Error: must specify a APK size\n");
        return 1;
      }
      apk = Buffer.concat(await readBytes(io.stdin, parsed.size));
    }
    session.apks.set(name, apk);
    io.out(`Success: streamed ${apk.length} bytes\n`);
    return 0;
  }
  table.delete(id);
  if (sub === 'install-abandon') {
    io.out('Success\n');
    return 0;
  }
  return commit(phone, [...session.apks.values()], session.options, io);
}

/**
 * The lab's own apps (fixtures/apps/) have no APK files: `pm install <dir>/<profile id>.apk` installs
 * that profile — the app under test with its screens, push service registration and IM SDK.
 */
async function installKnownApp(phone: VirtualPhone, path: string): Promise<boolean> {
  const name = path.split('/').pop()!.replace(/\.apk$/i, '');
  if (!listProfiles('apps').includes(name)) return false;
  await phone.installApp(name);
  return true;
}

/** `pm …` and `cmd package …`. */
export const packageCommand: StreamingCommand = async (phone, args, io) => {
  const [sub, ...rest] = args;
  if (sub === 'install') return install(phone, rest, io);
  if (sub === 'install-create' || sub === 'install-write' || sub === 'install-commit' || sub === 'install-abandon') return installSession(phone, sub, rest, io);
  const result = await pm(phone, args, '');
  if (result.stdout) io.out(result.stdout);
  if (result.stderr) io.err(result.stderr);
  return result.exitCode;
};
