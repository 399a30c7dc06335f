/**
 * A farm of virtual phones (in-memory push and IM links) behind the lab's ADB endpoint on an
 * ephemeral loopback port, plus the two real clients: Debian's `adb` CLI (always `-P <port>`, so it
 * never looks for or starts a server on 5037) and adbkit (its `bin` is `false`, so it cannot start one).
 */
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import adbkit from '@devicefarmer/adbkit';
import { VirtualClock } from '../../mock-oppo/core/clock.ts';
import { AdbServer } from '../../harness/adb/server.ts';
import { PhoneFarm, type FarmBootOptions } from '../../harness/phone/farm.ts';
import type { VirtualPhone } from '../../harness/phone/phone.ts';
import { FakeImLink, FakePushLink } from '../phone/fakes.ts';
import { ADB_NO_AUTOSTART } from '../../harness/device/adb-client.ts';

const { Adb } = adbkit;
export type AdbClient = ReturnType<typeof Adb.createClient>;

export interface AdbRig {
  farm: PhoneFarm;
  server: AdbServer;
  phones: VirtualPhone[];
  client: AdbClient;
  close(): Promise<void>;
}

export async function startAdbRig(boots: FarmBootOptions[] = [{}]): Promise<AdbRig> {
  const clock = new VirtualClock({ start: Date.UTC(2026, 10, 21, 16, 0, 0) });
  const farm = new PhoneFarm({
    clock,
    oppoUrl: 'http://127.0.0.1:1',
    imUrl: 'http://127.0.0.1:1',
    im: { sdkAppId: 1400000001, secretKey: 'test-key' },
    pushTransport: async () => new FakePushLink(),
    imTransport: async () => new FakeImLink(),
  });
  const phones: VirtualPhone[] = [];
  for (const boot of boots) phones.push(await farm.boot(boot));
  const server = await AdbServer.start({ farm });
  const client = Adb.createClient({ host: '127.0.0.1', port: server.port, bin: 'false' });
  return {
    farm,
    server,
    phones,
    client,
    async close() {
      await server.close();
      await farm.shutdownAll();
      clock.dispose();
    },
  };
}

/** Why a test of Debian's adb CLI cannot run here, or undefined when `adb` is installed. */
export const adbCliMissing: string | undefined = spawnSync('adb', ['version'], { stdio: 'ignore' }).status === 0 ? undefined : 'install Debian package adb (apt-get install -y adb) to run the adb CLI tests';
if (adbCliMissing) console.log(`# skipped: adb CLI tests: ${adbCliMissing}`);

/** A HOME of its own, so the CLI reads and writes no key or config of the person running the tests. */
const home = mkdtempSync(join(tmpdir(), 'adb-home-'));
process.once('exit', () => rmSync(home, { recursive: true, force: true }));

function env(port: number): NodeJS.ProcessEnv {
  const { ANDROID_SERIAL: _s, ADB_SERVER_SOCKET: _a, ...rest } = process.env;
  return { ...rest, HOME: home, ANDROID_ADB_SERVER_PORT: String(port), TERM: 'xterm' };
}

export interface AdbRun {
  stdout: string;
  stderr: string;
  code: number;
}

/** Runs `adb -P <port> ARGS…` to its end (stdin from `input`, closed when absent). */
export function adb(rig: AdbRig, args: string[], input?: string | Buffer): Promise<AdbRun> {
  return new Promise((resolve, reject) => {
    const child = execFile('adb', [...ADB_NO_AUTOSTART, '-P', String(rig.server.port), ...args], { env: env(rig.server.port), encoding: 'buffer', maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
      const code = error && typeof (error as { code?: unknown }).code === 'number' ? ((error as { code: number }).code) : error ? -1 : 0;
      if (error && code === -1) return reject(error);
      resolve({ stdout: stdout.toString('utf8'), stderr: stderr.toString('utf8'), code });
    });
    if (input !== undefined) child.stdin!.end(input);
    else child.stdin!.end();
  });
}

/** Starts `adb -P <port> ARGS…` and leaves it running (a streaming shell); the test kills it. */
export function adbSpawn(rig: AdbRig, args: string[]): ChildProcess {
  return spawn('adb', [...ADB_NO_AUTOSTART, '-P', String(rig.server.port), ...args], { env: env(rig.server.port), stdio: ['pipe', 'pipe', 'pipe'] });
}

/** Resolves once `text` has appeared on the stream. */
export function waitForOutput(stream: NodeJS.ReadableStream, text: string | RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const onData = (chunk: Buffer) => {
      seen += chunk.toString('utf8');
      if (typeof text === 'string' ? seen.includes(text) : text.test(seen)) {
        stream.off('data', onData);
        resolve(seen);
      }
    };
    stream.on('data', onData);
    stream.once('end', () => reject(new Error(`stream ended before ${text}; saw ${JSON.stringify(seen)}`)));
  });
}
