/**
 * `npm run bench:fleet` — a lab full of virtual phones, in one process: each phone boots (its push
 * service registers the app at OPPO), logs into IM as its own user, and has its app force-stopped
 * (IM: PushOnline). Then one push to every phone, shown on all of them, two ways:
 *   - OPPO broadcast: save_message_content + broadcast (target_type 2, 1,000 regIds a call);
 *   - IM batchsendmsg (500 recipients a call): IM decides per device and pushes through OPPO.
 * Printed per run: phones, boot, login+kill, the heap a logged-in phone keeps (after a full GC),
 * RSS at the end (and its growth from the empty lab per phone), broadcast and batch deliveries/s
 * (sent until shown on every phone, wall time), and CPU seconds per phase.
 *
 * The baseline in the same run is the same lab with `phoneLinks: 'websocket'` (two real sockets a
 * phone, the design before in-process wires) at `--baseline-phones`. The OPPO app sits in the top
 * QPS tier (≥ 100 M users: 30,000 targets/s); `--qps-factor` (default 10) raises its limit so the
 * lab's own speed is what is measured — flow control itself stays on (a call over the limit is
 * refused with -2) and is tested in test/mock-oppo/platform.test.ts.
 *
 * `--shards K` adds two rows: the same fleet's phones in child processes (harness/shards), 1 shard and
 * K shards, linked to the one lab's mock-oppo and IM over a pipe each; their CPU seconds count the
 * shards' too, and RSS is the lab's plus the shards'.
 *
 * Bounded: `--time-limit` (default 10m of real time) stops the run wherever it is and prints what it
 * reached; a phase that cannot finish (a resource limit) is reported with the error it hit.
 *   npm run bench:fleet -- --phones 100000 --baseline-phones 5000
 */
import { performance } from 'node:perf_hooks';
import { demoApp } from '../mock-oppo/core/apps.ts';
import { VirtualClock } from '../mock-oppo/core/clock.ts';
import { authSign } from '../mock-oppo/core/sign.ts';
import { startLab, type Lab, type PhoneLinks } from '../harness/lab/lab.ts';
import { genUserSig } from '../harness/im/usersig.ts';
import { ACTION_VIEW, emptyIntent } from '../harness/phone/intent.ts';
import { parseDuration } from '../mock-oppo/core/clock.ts';
import { readCliArgs } from '../mock-oppo/transport/cli-args.ts';
import { pool as poolOf } from '../harness/shards/pool.ts';
import { processUsage, startShardedFleet, type ProcessUsage, type ShardedFleet } from '../harness/shards/fleet.ts';

const HELP = `Usage: npm run bench:fleet [-- --phones N] [--baseline-phones N] [--time-limit 10m]
                           [--qps-factor 10] [--concurrency 256] [--shards K] [--skip-baseline] [--help]

A lab full of virtual phones in one process: boot, login + kill, RSS, then one push to every phone
by OPPO broadcast and by IM batchsendmsg (deliveries/s, until shown on every phone). The baseline in
the same run is the same lab with websocket phone links at --baseline-phones.

  --phones N           phones of the measured lab (default 20000)
  --baseline-phones N  phones of the websocket baseline (default 2000)
  --time-limit D       stop wherever the run is after this much real time (default 10m)
  --qps-factor F       raise the app's OPPO QPS limit F times (default 10)
  --concurrency N      logins and kills in flight (default 256)
  --shards K           also run the fleet's phones in child processes: 1 shard, then K shards
                       (each linked to the one lab over a pipe); rows side by side with in-process
  --skip-baseline      no websocket baseline row`;

const parsed = readCliArgs(
  {
    phones: { type: 'string', default: '20000' },
    'baseline-phones': { type: 'string', default: '2000' },
    'time-limit': { type: 'string', default: '10m' },
    'qps-factor': { type: 'string', default: '10' },
    concurrency: { type: 'string', default: '256' },
    shards: { type: 'string' },
    'skip-baseline': { type: 'boolean', default: false },
    help: { type: 'boolean' },
  } as const,
  HELP,
);
if ('exit' in parsed) process.exit(parsed.exit);
const args = parsed.values;

const PKG = 'com.tencent.qcloud.tim.demo';
const START = Date.UTC(2026, 0, 5, 8, 0, 0);
const deadline = performance.now() + parseDuration(args['time-limit']!);
const CONCURRENCY = Number(args.concurrency);

const SHARDS = args.shards === undefined ? undefined : Number(args.shards);
if (SHARDS !== undefined && !(Number.isInteger(SHARDS) && SHARDS >= 1)) {
  console.error(`--shards must be a whole number ≥ 1, got '${args.shards}'`);
  process.exit(2);
}

class OutOfTime extends Error {}

function checkTime(): void {
  if (performance.now() > deadline) throw new OutOfTime(`--time-limit ${args['time-limit']} reached`);
}

const pool = (n: number, fn: (i: number) => Promise<void>) => poolOf(n, CONCURRENCY, fn, checkTime);

/** CPU seconds of this process per phase, so a loaded machine's numbers can be read too. */
const cpu: Record<string, string> = {};

async function timed<T>(fn: () => Promise<T>, phase?: string, phones?: Phones): Promise<[number, T]> {
  const t0 = performance.now();
  const c0 = phones ? (await phones.usage()).cpuSeconds : 0;
  const own0 = ownUsage().cpuSeconds;
  const value = await fn();
  if (phase && phones) {
    const all = (await phones.usage()).cpuSeconds - c0;
    const own = ownUsage().cpuSeconds - own0;
    // With shards, how the work splits: the lab process (servers) vs the shards (phones).
    cpu[phase] = all - own > 0.05 ? `${all.toFixed(1)} s (lab ${own.toFixed(1)})` : `${all.toFixed(1)} s`;
  }
  return [(performance.now() - t0) / 1000, value];
}

/** Where the measured phones live: the lab's own farm, or shard processes linked to the lab. */
interface Phones {
  boot(n: number): Promise<void>;
  /** Each phone logs into IM as u<i> (the demo app's deep link), then its app is force-stopped. */
  loginKill(): Promise<void>;
  registrationIds(): Promise<string[]>;
  /** Settles the links; whether every phone shows `count` notifications. */
  shownOnAll(count: number): Promise<boolean>;
  /** RSS (bytes) and CPU seconds of every process holding phones or the lab. */
  usage(gc?: boolean): Promise<ProcessUsage>;
  stop(): Promise<void>;
}

const ownUsage = processUsage;
const loginLink = (i: number) => `timdemo://login?userId=u${i}`;

function farmPhones(lab: Lab): Phones {
  return {
    boot: (n) => pool(n, async () => void (await lab.farm.boot())),
    async loginKill() {
      const phones = lab.farm.list();
      await pool(phones.length, async (i) => {
        const phone = phones[i]!;
        await phone.startIntent({ ...emptyIntent(), action: ACTION_VIEW, data: loginLink(i) });
        await phone.kill(PKG, 'force-stop');
      });
      await lab.farm.syncAll();
    },
    registrationIds: async () => lab.farm.list().map((p) => p.registrationId(PKG)!),
    async shownOnAll(count) {
      await lab.farm.syncAll();
      return lab.farm.list().every((p) => p.notifications.count >= count);
    },
    usage: async (gc) => ownUsage(gc),
    stop: async () => {},
  };
}

function shardPhones(lab: Lab, fleet: ShardedFleet): Phones {
  return {
    boot: async (n) => void (await fleet.boot(n)),
    async loginKill() {
      await fleet.openDeepLinks(loginLink);
      await fleet.kill(PKG, 'force-stop');
      await fleet.syncAll();
    },
    registrationIds: async () => (await fleet.registrationIds(PKG)).map((r) => r!),
    async shownOnAll(count) {
      await fleet.syncAll();
      let short = 0;
      for (const [shown, phones] of await fleet.shown()) if (shown < count) short += phones;
      return short === 0;
    },
    async usage(gc) {
      const own = ownUsage(gc);
      const shards = await fleet.usage(gc);
      return { rss: own.rss + shards.rss, heapUsed: own.heapUsed + shards.heapUsed, cpuSeconds: own.cpuSeconds + shards.cpuSeconds };
    },
    stop: () => fleet.stop(),
  };
}

/** Settles the lab until every phone shows `count` notifications (bounded by the time limit). */
async function untilShown(phones: Phones, count: number): Promise<void> {
  while (!(await phones.shownOnAll(count))) {
    checkTime();
    await new Promise((r) => setImmediate(r));
  }
}

async function post(url: string, form: Record<string, string>): Promise<any> {
  const res = await fetch(url, { method: 'POST', body: new URLSearchParams(form) });
  return res.json();
}

interface Row {
  /** What holds the phones: websocket / in-process links in the lab process, or `K shards`. */
  kind: string;
  phones: number;
  boot?: number;
  loginKill?: number;
  rssMiB?: number;
  /** RSS growth (every process) from the empty lab to the end, per phone. */
  kibPerPhone?: number;
  /** Heap a logged-in, killed phone keeps (every process, after a full GC, before any push), per phone. */
  heapKibPerPhone?: number;
  broadcast?: number;
  batch?: number;
  stopped?: string;
}

async function run(links: PhoneLinks, n: number, shards?: number): Promise<Row> {
  const kind = shards === undefined ? links : `${shards} shard${shards === 1 ? '' : 's'}`;
  const row: Row = { kind, phones: n };
  const app = { ...demoApp(), cumulativeUsers: 100_000_000 };
  const lab = await startLab({
    clock: new VirtualClock({ start: START }),
    phoneLinks: links,
    oppoApps: [app],
    oppoSettings: { qpsFactor: Number(args['qps-factor']) },
  });
  let phones: Phones = farmPhones(lab);
  let emptyRss = 0;
  try {
    if (shards !== undefined) phones = shardPhones(lab, await startShardedFleet(lab, { shards }));
    const empty = await phones.usage(true);
    emptyRss = empty.rss;
    [row.boot] = await timed(() => phones.boot(n), `${kind} boot`, phones);
    [row.loginKill] = await timed(() => phones.loginKill(), `${kind} login+kill`, phones);
    row.heapKibPerPhone = ((await phones.usage(true)).heapUsed - empty.heapUsed) / 1024 / n;
    const pushOnline = lab.im.server.sessions.all().filter((s) => s.state === 'push_online' && s.token).length;
    if (pushOnline !== n) throw new Error(`${pushOnline} of ${n} sessions are PushOnline with a token after login+kill`);

    // OPPO broadcast, 1,000 regIds a call.
    const regIds = await phones.registrationIds();
    const base = lab.oppo.url;
    const timestamp = String(lab.clock.now());
    const auth = await post(`${base}/server/v1/auth`, { app_key: app.appKey, timestamp, sign: authSign(app.appKey, timestamp, app.masterSecret) });
    const token: string = auth.data.auth_token;
    [row.broadcast] = await timed(async () => {
      const saved = await post(`${base}/server/v1/message/notification/save_message_content`, { auth_token: token, title: 'fleet', content: 'to every phone', channel_id: 'tuikit' });
      if (saved.code !== 0) throw new Error(`save_message_content: ${JSON.stringify(saved)}`);
      const calls = Math.ceil(n / 1000);
      await pool(calls, async (c) => {
        const answer = await post(`${base}/server/v1/message/notification/broadcast`, {
          auth_token: token,
          message_id: saved.data.message_id,
          target_type: '2',
          target_value: regIds.slice(c * 1000, (c + 1) * 1000).join(';'),
        });
        if (answer.code !== 0) throw new Error(`broadcast: ${JSON.stringify(answer)}`);
      });
      await untilShown(phones, 1);
    }, `${kind} broadcast`, phones);
    row.broadcast = n / row.broadcast;

    // IM batchsendmsg, 500 recipients a call.
    const im = lab.im.server.imApp;
    const q = new URLSearchParams({ sdkappid: String(im.sdkAppId), identifier: im.admin, usersig: genUserSig({ sdkAppId: im.sdkAppId, secretKey: im.secretKey, userId: im.admin, now: lab.clock.now() }), random: '1', contenttype: 'json' });
    const users = Array.from({ length: n }, (_, i) => `u${i}`);
    [row.batch] = await timed(async () => {
      await pool(Math.ceil(n / 500), async (c) => {
        const res = await fetch(`${lab.im.url}/v4/openim/batchsendmsg?${q}`, {
          method: 'POST',
          body: JSON.stringify({ To_Account: users.slice(c * 500, (c + 1) * 500), MsgRandom: c, MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: 'batch' } }] }),
        });
        const answer = (await res.json()) as { ActionStatus: string };
        if (answer.ActionStatus !== 'OK') throw new Error(`batchsendmsg: ${JSON.stringify(answer)}`);
      });
      await untilShown(phones, 2);
    }, `${kind} batch`, phones);
    row.batch = n / row.batch;
  } catch (err) {
    row.stopped = (err as Error).message;
  } finally {
    const rss = await phones.usage().then((u) => u.rss, () => process.memoryUsage().rss);
    row.rssMiB = rss / 2 ** 20;
    row.kibPerPhone = (rss - emptyRss) / 1024 / n;
    const [stopS] = await timed(async () => {
      await phones.stop();
      await lab.stop();
    });
    console.error(`  (${kind}, ${n} phones: stop ${stopS.toFixed(1)} s)`);
  }
  return row;
}

const fmt = (v: number | undefined, unit: string, digits = 1) => (v === undefined ? '—' : `${v.toFixed(digits)}${unit}`);
const rate = (v: number | undefined) => (v === undefined ? '—' : `${(v / 1000).toFixed(1)}k/s`);
// Let the previous run's memory go before the next one reads its RSS.
const gc = () => void processUsage(true);

const rows: Row[] = [];
if (!args['skip-baseline']) rows.push(await run('websocket', Number(args['baseline-phones'])));
gc();
rows.push(await run('in-process', Number(args.phones)));
if (SHARDS !== undefined) {
  for (const k of SHARDS === 1 ? [1] : [1, SHARDS]) {
    gc();
    rows.push(await run('in-process', Number(args.phones), k));
  }
}

console.log('');
console.log('| phones held by | phones | boot | login+kill | heap a logged-in phone keeps | RSS at end (growth per phone) | OPPO broadcast, all shown | IM batchsendmsg, all shown |');
console.log('|---|---|---|---|---|---|---|---|');
for (const r of rows) {
  console.log(`| ${r.kind} | ${r.phones.toLocaleString('en')} | ${fmt(r.boot, ' s')} | ${fmt(r.loginKill, ' s')} | ${fmt(r.heapKibPerPhone, ' KiB')} | ${fmt(r.rssMiB, ' MiB', 0)} (${fmt(r.kibPerPhone, ' KiB', 1)}) | ${rate(r.broadcast)} | ${rate(r.batch)} |`);
}
console.log('\nCPU seconds per phase, every process holding the lab or phones (wall time above includes waiting for a loaded machine):');
console.log(Object.entries(cpu).map(([phase, s]) => `${phase} ${s}`).join(' · '));
for (const r of rows) if (r.stopped) console.log(`\n${r.kind} run stopped: ${r.stopped}`);
console.log('\nGoals: 100,000 phones, boot + login under 60 s, RSS under 2 GiB, ≥ 30k deliveries/s.');
process.exit(rows.some((r) => r.stopped) ? 1 : 0);
