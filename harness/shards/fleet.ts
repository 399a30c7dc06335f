/**
 * A fleet of virtual phones sharded over child processes, all linked to one lab's mock-oppo and IM:
 * the way past one process's single core (boot, login and delivery are CPU-bound in the phones'
 * half as much as in the servers'). Each shard (shard.ts) holds its phones; a phone's device link
 * and client link travel over its shard's one channel (channel.ts) and end, on the lab's side, in
 * the same `acceptDeviceLink` / `acceptClientLink` an in-process phone's do — the servers cannot
 * tell a sharded phone from a local one, so whatever reaches them (OPPO broadcast, IM batch sends)
 * reaches every shard's phones unchanged.
 *
 * Why child processes, not worker_threads: a shard that runs out of memory or crashes takes only
 * itself down (reported as a ShardCrashedError, the rest stopped), each has its own heap and GC,
 * and the channel is a plain byte stream — an anonymous pipe here (no port anyone else can reach,
 * nothing for the access guard to cover), the same framing a socket to another machine could carry.
 *
 * Every shard ends when the fleet stops, when one shard crashes (the others are stopped), and when
 * the lab's process dies (a shard exits once its channel closes).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Duplex } from 'node:stream';
import type { Lab } from '../lab/lab.ts';
import type { KillMode } from '../phone/phone.ts';
import type { PhoneSettings } from '../phone/settings.ts';
import { ChannelPeer } from './channel.ts';

const SHARD_MAIN = fileURLToPath(new URL('./shard.ts', import.meta.url));
const TSX = import.meta.resolve('tsx');
/** Bytes of a shard's stderr kept for its crash report. */
const STDERR_TAIL = 4096;

/** What a shard is told first, over its channel. */
export interface ShardInit {
  now: number;
  oppoUrl: string;
  imUrl: string;
  im: { sdkAppId: number; secretKey: string };
  settings?: Partial<PhoneSettings>;
}

export interface ProcessUsage {
  rss: number;
  /** V8 heap in use; after a full garbage collection when one was asked for. */
  heapUsed: number;
  cpuSeconds: number;
}

let collect: (() => void) | undefined;

/** This process's memory and CPU so far; `gc`: after a full collection (made available at run time, no flag needed). */
export function processUsage(gc = false): ProcessUsage {
  if (gc) {
    if (!collect) {
      v8.setFlagsFromString('--expose-gc');
      collect = runInNewContext('gc') as () => void;
    }
    collect();
  }
  const cpu = process.cpuUsage();
  const mem = process.memoryUsage();
  return { rss: mem.rss, heapUsed: mem.heapUsed, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
}

export interface ShardedFleetOptions {
  /** Child processes (≥ 1). */
  shards: number;
  /** Settings every phone starts with. */
  settings?: Partial<PhoneSettings>;
}

export class ShardCrashedError extends Error {
  constructor(
    readonly shard: number,
    readonly pid: number | undefined,
    readonly exit: { code: number | null; signal: NodeJS.Signals | null },
    stderrTail: string,
  ) {
    const how = exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;
    super(
      `shard ${shard} (pid ${pid}) ${how}; its phones are gone and the fleet stopped the other shards` +
        (stderrTail.trim() ? `. Its last stderr:\n${stderrTail.trim()}` : ' (nothing on its stderr)'),
    );
    this.name = 'ShardCrashedError';
  }
}

interface Shard {
  index: number;
  child: ChildProcess;
  peer: ChannelPeer;
  exited: Promise<void>;
  exit?: { code: number | null; signal: NodeJS.Signals | null };
  stderr: string;
  /** Fleet-wide index of each of its phones, in the shard's order. */
  members: number[];
}

export interface ShardedFleet {
  /** Shard processes (for reports and tests). */
  readonly shards: ReadonlyArray<{ index: number; pid: number | undefined; phones: number }>;
  /** Phones in the fleet. */
  readonly size: number;
  /** Boots `count` phones spread evenly over the shards; resolves with their serials, in fleet order. */
  boot(count: number): Promise<string[]>;
  /** Opens a deep link on every phone (`dataOf(i)` for the fleet's i-th phone), e.g. the demo app's login link. */
  openDeepLinks(dataOf: (i: number) => string): Promise<void>;
  kill(packageName: string, mode: KillMode): Promise<void>;
  /** Every shard's links settled, and the lab's — round after round until no frame moved. */
  syncAll(): Promise<void>;
  /** Each phone's regId for the package, in fleet order (null: not registered). */
  registrationIds(packageName: string): Promise<Array<string | null>>;
  /** Phones by the number of notifications in their shade. */
  shown(): Promise<Map<number, number>>;
  /** The shards' RSS and heap (bytes) and CPU seconds so far, summed; `gc`: each collects first. */
  usage(gc?: boolean): Promise<ProcessUsage>;
  /** Ends every shard process; safe to call twice and after a crash. */
  stop(): Promise<void>;
}

export async function startShardedFleet(lab: Lab, options: ShardedFleetOptions): Promise<ShardedFleet> {
  const k = options.shards;
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`shards must be a whole number ≥ 1, got ${k}`);
  const shards: Shard[] = [];
  let failed: Error | undefined;
  let stopping = false;
  let size = 0;

  let removeBarrier: (() => void) | undefined;
  const stop = async () => {
    stopping = true;
    lab.clock.off('tick', forwardClock);
    removeBarrier?.();
    for (const s of shards) if (!s.exit) s.peer.close();
    await Promise.all(shards.map((s) => s.exited));
  };
  const crash = (s: Shard) => {
    if (stopping || failed) return;
    failed = new ShardCrashedError(s.index, s.child.pid, s.exit!, s.stderr);
    // Said at once too: the fleet may be idle, with no call in flight to reject.
    console.error(failed.message);
    void stop();
  };
  const forwardClock = (now: number) => {
    for (const s of shards) if (!s.exit) void s.peer.call({ op: 'clock', now }).catch(() => {});
  };

  const spawnShard = (index: number): Shard => {
    const child = spawn(process.execPath, ['--import', TSX, SHARD_MAIN], { stdio: ['ignore', 'inherit', 'pipe', 'pipe'] });
    const shard = { index, child, stderr: '', members: [] } as unknown as Shard;
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (text: string) => {
      process.stderr.write(`[shard ${index}] ${text}`);
      shard.stderr = (shard.stderr + text).slice(-STDERR_TAIL);
    });
    shard.exited = new Promise<void>((resolve) => {
      child.once('exit', (code, signal) => {
        shard.exit = { code, signal };
        if (code !== 0) crash(shard);
        resolve();
      });
      // Could not even start: reported like a crash.
      child.once('error', (err) => {
        shard.stderr += String(err);
        if (!shard.exit) {
          shard.exit = { code: -1, signal: null };
          crash(shard);
          resolve();
        }
      });
    });
    shard.peer = new ChannelPeer(child.stdio[3] as Duplex, {
      onOpen: (kind, end) => (kind === 'push' ? lab.oppo.mock.acceptDeviceLink(end) : lab.im.server.acceptClientLink(end)),
      // The shard's barrier: everything the lab sent before this reply is ahead of it on the stream.
      onCall: (body) => {
        if (body.op === 'ping') return null;
        throw new Error(`lab: unknown shard call '${body.op}'`);
      },
      onEnd: () => {},
    });
    return shard;
  };

  /** One call to one shard; a shard that died meanwhile answers with the crash, not a bare channel error. */
  const call = async <T>(s: Shard, body: { op: string; [key: string]: unknown }): Promise<T> => {
    if (failed) throw failed;
    try {
      return await s.peer.call<T>(body);
    } catch (err) {
      await s.exited.then(() => undefined, () => undefined);
      throw failed ?? err;
    }
  };
  const everyShard = <T>(body: (s: Shard) => { op: string; [key: string]: unknown }): Promise<T[]> => Promise.all(shards.map((s) => call<T>(s, body(s))));

  try {
    for (let i = 0; i < k; i++) shards.push(spawnShard(i));
    lab.clock.on('tick', forwardClock);
    const { imApp } = lab.im.server;
    const init: ShardInit = {
      now: lab.clock.now(),
      oppoUrl: lab.oppo.url,
      imUrl: lab.im.url,
      im: { sdkAppId: imApp.sdkAppId, secretKey: imApp.secretKey },
      ...(options.settings ? { settings: options.settings } : {}),
    };
    await everyShard(() => ({ op: 'init', ...init }));
  } catch (err) {
    await stop();
    throw failed ?? err;
  }

  const inFleetOrder = <T>(perShard: T[][]): T[] => {
    const all = new Array<T>(size);
    shards.forEach((s, i) => s.members.forEach((g, at) => (all[g] = perShard[i]![at]!)));
    return all;
  };

  const syncAll = async () => {
    for (;;) {
      const moved = () => shards.reduce((n, s) => n + s.peer.channel.framesIn + s.peer.channel.framesOut, 0);
      const before = moved();
      await everyShard(() => ({ op: 'sync' }));
      await lab.farm.syncAll();
      if (moved() === before) return;
    }
  };

  // lab.advance settles the shards' links between clock steps too (their own timers fire when the
  // forwarded jump arrives, so within a step a shard's timer lands at the step's end, not its instant).
  removeBarrier = lab.addBarrier(() => (failed || stopping ? Promise.resolve() : syncAll()));

  return {
    get shards() {
      return shards.map((s) => ({ index: s.index, pid: s.child.pid, phones: s.members.length }));
    },
    get size() {
      return size;
    },
    async boot(count) {
      if (!Number.isInteger(count) || count < 0) throw new RangeError(`boot: count must be a whole number ≥ 0, got ${count}`);
      const serials = shards.map(() => [] as string[]);
      for (let i = 0; i < count; i++) {
        const g = size + i;
        const s = shards[g % k]!;
        s.members.push(g);
        serials[s.index]!.push(`virtual-oppo-s${s.index}-${g}`);
      }
      size += count;
      await everyShard((s) => ({ op: 'boot', serials: serials[s.index] }));
      return inFleetOrder(shards.map((s) => s.members.map((g) => `virtual-oppo-s${s.index}-${g}`)));
    },
    async openDeepLinks(dataOf) {
      await everyShard((s) => ({ op: 'openDeepLinks', data: s.members.map(dataOf) }));
    },
    async kill(packageName, mode) {
      await everyShard(() => ({ op: 'kill', packageName, mode }));
    },
    syncAll,
    async registrationIds(packageName) {
      return inFleetOrder(await everyShard<Array<string | null>>(() => ({ op: 'registrationIds', packageName })));
    },
    async shown() {
      const total = new Map<number, number>();
      for (const byCount of await everyShard<Record<string, number>>(() => ({ op: 'shown' }))) {
        for (const [count, phones] of Object.entries(byCount)) total.set(Number(count), (total.get(Number(count)) ?? 0) + phones);
      }
      return total;
    },
    async usage(gc = false) {
      const each = await everyShard<ProcessUsage>(() => ({ op: 'usage', gc }));
      const sum = (key: keyof ProcessUsage) => each.reduce((total, u) => total + u[key], 0);
      return { rss: sum('rss'), heapUsed: sum('heapUsed'), cpuSeconds: sum('cpuSeconds') };
    },
    stop,
  };
}
