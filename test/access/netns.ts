/**
 * A private network namespace for one test process: a veth pair with test addresses from 10.0.0.0/8
 * (a /30 derived from the pid, so concurrent test runs on one machine never share one). A server
 * started with `exec()` runs inside the namespace and binds its address there; the test process
 * reaches it from outside over the veth — a client that is not on the server's loopback. Everything
 * is removed by `remove()` (call it in an after hook), at process exit, and, for namespaces left by a
 * test process that died, by the next run.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';

export interface Netns {
  name: string;
  /** The namespace's address (servers bind it). */
  inside: string;
  /** The host side's address (the test process's source address). */
  outside: string;
  /** Runs a command inside the namespace (stdout/stderr piped). */
  exec(argv: string[], env?: Record<string, string>): ChildProcess;
  remove(): void;
}

const PREFIX = 'pushlabsec';

function ip(args: string[]): { ok: boolean; out: string } {
  const r = spawnSync('ip', args, { encoding: 'utf8' });
  return { ok: r.status === 0, out: `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? r.error.message : ''}` };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Deletes namespaces of this helper whose test process is gone (a crash skipped its cleanup). */
function sweepStale(): void {
  for (const line of ip(['netns', 'list']).out.split('\n')) {
    const m = new RegExp(`^${PREFIX}(\\d+)\\b`).exec(line.trim());
    if (m && Number(m[1]) !== process.pid && !alive(Number(m[1]))) ip(['netns', 'del', `${PREFIX}${m[1]}`]);
  }
}

function address(n: number): string {
  return `10.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

/** The namespace, or the reason it cannot be made here (printed by the caller as its skip). */
export function createNetns(): Netns | { skip: string } {
  if (process.platform !== 'linux') return { skip: 'network namespaces need Linux' };
  if (process.getuid?.() !== 0) return { skip: 'network namespaces need root (run the tests as root, as CI does)' };
  if (!ip(['-V']).ok) return { skip: "no 'ip' command: apt-get install -y iproute2" };
  sweepStale();
  const name = `${PREFIX}${process.pid}`;
  const base = (process.pid * 4) % 2 ** 24;
  const outside = address(base + 1);
  const inside = address(base + 2);
  if (ip(['-o', 'addr', 'show', 'to', `${outside}/30`]).out.trim() !== '') return { skip: `${outside}/30 is already in use on this machine` };
  const hostEnd = `vps${process.pid}h`;
  const remove = () => {
    ip(['netns', 'del', name]);
    ip(['link', 'del', hostEnd]);
  };
  const steps: string[][] = [
    ['netns', 'add', name],
    ['link', 'add', hostEnd, 'type', 'veth', 'peer', 'name', 'eth1', 'netns', name],
    ['addr', 'add', `${outside}/30`, 'dev', hostEnd],
    ['link', 'set', hostEnd, 'up'],
    ['-n', name, 'addr', 'add', `${inside}/30`, 'dev', 'eth1'],
    ['-n', name, 'link', 'set', 'eth1', 'up'],
    ['-n', name, 'link', 'set', 'lo', 'up'],
  ];
  for (const step of steps) {
    const r = ip(step);
    if (!r.ok) {
      remove();
      return { skip: `cannot set up a network namespace (ip ${step.join(' ')}: ${r.out.trim()})` };
    }
  }
  // A test process ended by a signal (the runner cancelling it, Ctrl-C) skips 'exit' handlers.
  const onSignal = (signal: NodeJS.Signals) => {
    remove();
    process.kill(process.pid, signal);
  };
  process.once('exit', remove);
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  return {
    name,
    inside,
    outside,
    exec: (argv, env = {}) => spawn('ip', ['netns', 'exec', name, ...argv], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } }),
    remove() {
      process.off('exit', remove);
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
      remove();
    },
  };
}
