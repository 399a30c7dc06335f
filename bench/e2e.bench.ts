/**
 * `npm run bench:e2e` — the end-to-end numbers, side by side with their baseline in the same run:
 *
 * 1. Push latency as a spec sees it: `sendmsg` → the notification visible through WebDriver
 *    (`mobile: getNotifications`) on a virtual phone, over `--messages` messages (default 500):
 *    median, p90, p99, max. Target: p99 < 50 ms.
 * 2. Harness overhead: the suite's wall time (`npm run e2e`, `--runs` times in a row, default 10)
 *    next to an empty WDIO run (same config, lab, Appium, driver and sessions; one empty test), the
 *    suite on one worker and on two (E2E_WORKERS) in each round. Targets: suite on one worker < 3 ×
 *    empty; two workers pass the same tests as one. Every suite run must pass, and leave no process
 *    behind.
 *
 * `--skip-latency` / `--skip-suite` run one half only.
 */
import { spawn, execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { AddressInfo } from 'node:net';
import type { StatusBarNotification } from '../harness/phone/api.ts';
import { readCliArgs } from '../mock-oppo/transport/cli-args.ts';

const HELP = `Usage: npm run bench:e2e -- [options]

The end-to-end numbers, each next to its baseline in the same run: push latency (sendmsg → the
notification visible through WebDriver) and the suite's wall time on one and on two workers next to
an empty WDIO run. Exits 1 when a target is missed (p99 < 50 ms, one-worker suite < 3 × empty, both
worker counts pass the same number of tests, no failed run, no leftover process).

Options:
  --messages <n>   latency samples (default 500)
  --warmup <n>     messages sent before measuring (default 20)
  --runs <n>       rounds of empty run, suite on 1 worker, suite on 2 (default 10)
  --skip-latency   only the suite half
  --skip-suite     only the latency half
  --help           show this help`;

const parsed = readCliArgs(
  {
    messages: { type: 'string', default: '500' },
    warmup: { type: 'string', default: '20' },
    runs: { type: 'string', default: '10' },
    'skip-latency': { type: 'boolean', default: false },
    'skip-suite': { type: 'boolean', default: false },
    help: { type: 'boolean' },
  } as const,
  HELP,
);
if ('exit' in parsed) process.exit(parsed.exit);
const args = parsed.values;
for (const name of ['messages', 'warmup', 'runs'] as const) {
  const n = Number(args[name]);
  if (!Number.isInteger(n) || n < (name === 'warmup' ? 0 : 1)) {
    console.error(`--${name} takes a whole number${name === 'warmup' ? '' : ' of at least 1'}, got '${args[name]}'\n\n${HELP}`);
    process.exit(2);
  }
}

// Loaded after the flags are read, so --help and a usage error answer without loading the lab.
const { remote } = await import('webdriverio');
const { default: imApp } = await import('../fixtures/im-app.json', { with: { type: 'json' } });
const { genUserSig } = await import('../harness/im/usersig.ts');
const { RemotePhone } = await import('../harness/phone/http/index.ts');
const { timDemoApp } = await import('../harness/scenario/apps/tim-demo.ts');
const { ImConsoleClient } = await import('../harness/scenario/im-console.ts');
const { ImRestClient } = await import('../harness/scenario/im-rest.ts');
const { startLabForRun } = await import('../harness/scenario/lab-starter.ts');
const { Phone } = await import('../harness/scenario/phone.ts');
const { resolveProfile } = await import('../harness/scenario/profiles.ts');

const ROOT = new URL('..', import.meta.url).pathname;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

const ms = (n: number) => `${n.toFixed(1)} ms`;
/** Polls of the shade per message before the benchmark gives up (a push normally shows in 1–3). */
const MAX_POLLS = 1000;

// ---- 1. push latency ---------------------------------------------------------------------------

// Imported by name so tsc does not load appium's raw .ts typings (see test/driver/appium-server.ts).
const APPIUM: string = 'appium';

async function latency(messages: number, warmup: number): Promise<number[]> {
  const lab = await startLabForRun({ kind: 'lab', clock: 'virtual', host: '127.0.0.1', portBase: 0 });
  let appium: { address(): AddressInfo | string | null; close(): Promise<void> } | undefined;
  let driver: WebdriverIO.Browser | undefined;
  try {
    const { main } = (await import(APPIUM)) as { main: (a: Record<string, unknown>) => Promise<typeof appium> };
    appium = await main({ port: 0, address: '127.0.0.1', useDrivers: ['virtualoppo'], loglevel: 'error' });
    if (!appium) throw new Error('Appium did not start');
    const booted = await RemotePhone.boot(lab.urls.lab, { appProfiles: [timDemoApp.profile] });
    driver = await remote({
      hostname: '127.0.0.1',
      port: (appium.address() as AddressInfo).port,
      path: '/',
      logLevel: 'error',
      capabilities: { ...resolveProfile({}).phones.phoneA, 'appium:udid': booted.serial, 'appium:labUrl': lab.urls.lab },
    });
    const phone = new Phone('bench', driver, timDemoApp, booted.serial);
    const now = await new ImConsoleClient(lab.urls.im).now();
    const sig = genUserSig({ sdkAppId: imApp.sdkAppId, secretKey: imApp.secretKey, userId: imApp.admin, now });
    const im = new ImRestClient({ baseUrl: lab.urls.im, sdkAppId: imApp.sdkAppId, admin: imApp.admin, userSig: () => sig });
    await im.importAccount('bench_sender', 'Bench');
    await im.importAccount('bench_receiver');
    await phone.login('bench_receiver');
    await phone.kill();

    const samples: number[] = [];
    for (let i = 0; i < warmup + messages; i++) {
      const text = `bench ${i}`;
      const started = performance.now();
      await im.sendText('bench_sender', 'bench_receiver', text);
      // Bounded: a push that never shows must fail the benchmark, not hang it.
      for (let polls = 0; ; polls++) {
        if (polls === MAX_POLLS) throw new Error(`message ${i} ('${text}') never showed in the shade after ${MAX_POLLS} polls`);
        const { statusBarNotifications } = (await driver.execute('mobile: getNotifications')) as { statusBarNotifications: StatusBarNotification[] };
        if (statusBarNotifications.some((n) => n.notification.text === text)) break;
      }
      if (i >= warmup) samples.push(performance.now() - started);
      // Outside the timed window: a force-stop clears the app's notifications, so the shade does not grow.
      await driver.terminateApp(timDemoApp.packageName);
    }
    return samples.sort((a, b) => a - b);
  } finally {
    // Whatever failed, stop what did start: a lab or an Appium left listening would hold the process open.
    await driver?.deleteSession().catch(() => undefined);
    await appium?.close();
    await lab.stop();
  }
}

// ---- 2. suite wall time vs an empty run --------------------------------------------------------

interface Run {
  ms: number;
  exitCode: number;
  leftovers: string[];
  /** Tests passed, summed over the workers' "N passing" lines. */
  passing: number;
}

/**
 * Live processes still in the run's process group after it exited (Appium, workers, anything it
 * spawned). Zombies are not counted: they hold no ports, and a container's init may reap them late.
 */
function leftoversOf(pgid: number): string[] {
  const out = execFileSync('ps', ['-eo', 'pid=,pgid=,stat=,args='], { encoding: 'utf8' });
  return out
    .split('\n')
    .map((l) => l.trim().match(/^(\d+)\s+(\d+)\s+(\S+)\s+(.*)$/))
    .filter((m): m is RegExpMatchArray => m !== null && Number(m[2]) === pgid && !m[3]!.startsWith('Z'))
    .map((m) => `${m[1]} ${m[4]!.slice(0, 120)}`);
}

/** One `wdio run` in its own process group; ports die with processes, so no leftover process means no leftover port. */
function wdioRun(extra: string[], workers = 1): Promise<Run> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const env = { ...process.env, E2E_WORKERS: String(workers) };
    const child = spawn(join(ROOT, 'node_modules/.bin/wdio'), ['run', 'wdio.conf.ts', ...extra], { cwd: ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const passing = [...output.matchAll(/^(\d+) passing \(/gm)].reduce((sum, m) => sum + Number(m[1]), 0);
      const run = { ms: performance.now() - started, exitCode: code ?? 1, leftovers: leftoversOf(child.pid!), passing };
      if (run.exitCode !== 0) {
        // The whole output to a file (with several workers the failing block need not be the last).
        const log = join(ROOT, '.tmp', 'bench', `failed-run-${Date.now()}.log`);
        writeFileSync(log, output);
        const failures = output.split('\n').filter((l) => /✖|failing|Error/.test(l));
        console.error(`${failures.slice(0, 40).join('\n')}\n(the whole output: ${log})`);
      }
      for (const line of run.leftovers) process.kill(Number(line.split(' ')[0]), 'SIGKILL');
      resolve(run);
    });
  });
}

function emptySpec(): string {
  const dir = join(ROOT, '.tmp', 'bench');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'empty.e2e.ts');
  writeFileSync(file, "describe('empty', () => {\n  it('opens the sessions and does nothing', () => {});\n});\n");
  return file;
}

const seconds = (n: number) => `${(n / 1000).toFixed(1)} s`;

const median = (values: number[]) => percentile([...values].sort((a, b) => a - b), 50);

/**
 * Whether the suite half met its targets. Empty run, suite on one worker and suite on two alternate
 * in every round, so all three see the same machine load (it is shared).
 */
async function suite(runs: number): Promise<boolean> {
  const spec = emptySpec();
  const empties: number[] = [];
  const byWorkers: Record<1 | 2, Run[]> = { 1: [], 2: [] };
  const describe = (r: Run) => `${seconds(r.ms)} (${r.passing} passing, exit ${r.exitCode}${r.leftovers.length ? `, LEFTOVERS: ${r.leftovers.join('; ')}` : ''})`;
  for (let i = 0; i < runs; i++) {
    const empty = await wdioRun(['--spec', spec]);
    if (empty.exitCode !== 0) throw new Error('the empty WDIO run failed');
    empties.push(empty.ms);
    const one = await wdioRun([], 1);
    const two = await wdioRun([], 2);
    byWorkers[1].push(one);
    byWorkers[2].push(two);
    console.log(`  run ${i + 1}/${runs}: empty ${seconds(empty.ms)}, suite on 1 worker ${describe(one)}, on 2 workers ${describe(two)}`);
  }
  const emptyMedian = median(empties);
  const all = [...byWorkers[1], ...byWorkers[2]];
  const failed = all.filter((r) => r.exitCode !== 0).length;
  const leaked = all.filter((r) => r.leftovers.length > 0).length;
  const passingCounts = new Set(all.map((r) => r.passing));
  const [one, two] = [median(byWorkers[1].map((r) => r.ms)), median(byWorkers[2].map((r) => r.ms))];
  console.log(`\nSuite wall time (virtual profile), medians of ${runs}`);
  console.log(`  empty WDIO run         ${seconds(emptyMedian)}`);
  for (const w of [1, 2] as const) {
    const times = byWorkers[w].map((r) => r.ms).sort((a, b) => a - b);
    console.log(`  suite on ${w} worker${w > 1 ? 's' : ' '}     ${seconds(median(times))} (min ${seconds(times[0]!)}, max ${seconds(times.at(-1)!)})`);
  }
  console.log(`  ratio 1 worker / empty ${(one / emptyMedian).toFixed(2)} × (target < 3 ×)`);
  console.log(`  2 workers vs 1         ${(one / two).toFixed(2)} × as fast`);
  console.log(`  tests passing          ${[...passingCounts].join(', ')} (target: one number for every run)`);
  console.log(`  failed suite runs      ${failed} of ${all.length}`);
  console.log(`  runs leaving processes ${leaked} of ${all.length}`);
  return failed === 0 && leaked === 0 && passingCounts.size === 1 && one / emptyMedian < 3;
}

async function mainBench(): Promise<void> {
  let met = true;
  if (!args['skip-latency']) {
    const messages = Number(args.messages);
    console.log(`Push latency: sendmsg → notification visible to the spec, ${messages} messages (after ${args.warmup} warm-up)`);
    const samples = await latency(messages, Number(args.warmup));
    console.log(`  median ${ms(percentile(samples, 50))}  p90 ${ms(percentile(samples, 90))}  p99 ${ms(percentile(samples, 99))}  max ${ms(samples.at(-1)!)}  (target p99 < 50 ms)\n`);
    met &&= percentile(samples, 99) < 50;
  }
  if (!args['skip-suite']) met = (await suite(Number(args.runs))) && met;
  console.log(met ? 'targets met' : 'targets NOT met');
  if (!met) process.exitCode = 1;
}

await mainBench();
