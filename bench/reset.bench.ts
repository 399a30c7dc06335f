/**
 * `npm run bench:reset`: what isolation costs. The reset a Scenario does before a spec file (or,
 * with `isolation: 'test'`, before every test) — `POST /_lab/v1/reset` and re-importing its users
 * over IM REST — on a lab of two virtual phones that each have a logged-in app and a notification in
 * the shade, against the alternative it replaces: starting a fresh lab with two phones. Prints
 * medians and p95; no target is asserted.
 */
import { readCliArgs } from '../mock-oppo/transport/cli-args.ts';
import type { Lab } from '../harness/lab/lab.ts';

const HELP = `Usage: npm run bench:reset [-- --help]

The lab reset a Scenario does (POST /_lab/v1/reset, then its two users imported again), on two
virtual phones each with a logged-in app and a notification in the shade, against starting a fresh
lab with two phones (the baseline; a run would also open its Appium sessions again). Medians and
p95; no target.

Environment:
  BENCH_ROUNDS        resets measured (default 50)
  BENCH_FRESH_ROUNDS  fresh labs started and stopped (default 5)`;

const parsed = readCliArgs({ help: { type: 'boolean' } } as const, HELP);
if ('exit' in parsed) process.exit(parsed.exit);
// Loaded after the flags are read, so --help and a usage error answer without loading the lab.
const { VirtualClock } = await import('../mock-oppo/core/clock.ts');
const { default: imApp } = await import('../fixtures/im-app.json', { with: { type: 'json' } });
const { genUserSig } = await import('../harness/im/usersig.ts');
const { startLab } = await import('../harness/lab/lab.ts');
const { ImRestClient } = await import('../harness/scenario/im-rest.ts');
const { LabClient } = await import('../harness/scenario/lab-client.ts');

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 50);
const FRESH_ROUNDS = Number(process.env.BENCH_FRESH_ROUNDS ?? 5);
const PKG = 'com.tencent.qcloud.tim.demo';
const START = Date.UTC(2026, 0, 5, 8, 0, 0);

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
const row = (name: string, sorted: number[]) => console.log(`${name.padEnd(52)} median ${pct(sorted, 0.5).toFixed(1).padStart(8)} ms   p95 ${pct(sorted, 0.95).toFixed(1).padStart(8)} ms   (n=${sorted.length})`);

/** Each phone: its user logged in through the app, the app killed, one push shown (the state a test leaves). */
async function dirty(lab: Lab, users: string[], round: number): Promise<void> {
  const phones = lab.farm.list();
  for (const [i, phone] of phones.entries()) {
    await phone.shell(`am start -a android.intent.action.VIEW -d timdemo://login?userId=${users[i]}`);
    await phone.sync();
    await phone.kill(PKG, 'force-stop');
  }
  await lab.im.server.send({ from: users[0]!, to: users, msgRandom: round, body: [{ MsgType: 'TIMTextElem', MsgContent: { Text: `round ${round}` } }], onlineOnly: false, syncToSender: false });
  for (const phone of phones) {
    await phone.sync();
    if (phone.notifications.entries.length === 0) throw new Error(`${phone.serial}: the push did not show, so the reset would have nothing to undo`);
  }
}

async function time(run: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await run();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

const lab = await startLab({ clock: new VirtualClock({ start: START }), phones: 2 });
const resets: number[] = [];
try {
  const sig = genUserSig({ sdkAppId: imApp.sdkAppId, secretKey: imApp.secretKey, userId: imApp.admin, now: lab.clock.now() });
  const im = new ImRestClient({ baseUrl: lab.im.url, sdkAppId: imApp.sdkAppId, admin: imApp.admin, userSig: () => sig });
  const control = new LabClient(lab.url);
  const users = ['bench_a', 'bench_b'];
  for (const user of users) await im.importAccount(user);
  for (let round = 1; round <= ROUNDS; round++) {
    await dirty(lab, users, round);
    resets.push(
      await time(async () => {
        await control.reset();
        for (const user of users) await im.importAccount(user);
      }),
    );
    if (lab.farm.list().some((p) => p.notifications.entries.length > 0) || lab.im.server.sessions.sessionsOf(users[0]!).length > 0) {
      throw new Error('the reset left a notification or a session behind');
    }
  }
} finally {
  await lab.stop();
}

const fresh: number[] = [];
for (let round = 0; round < FRESH_ROUNDS; round++) {
  fresh.push(await time(async () => (await startLab({ clock: new VirtualClock({ start: START }), phones: 2 })).stop()));
}

console.log('isolation: a clean lab for the next spec file (or test), two virtual phones');
row('  a fresh lab, started and stopped (baseline)', fresh.sort((a, b) => a - b));
row('  POST /_lab/v1/reset + 2 users imported again', resets.sort((a, b) => a - b));
console.log(`  reset ÷ fresh lab: ${((pct(resets, 0.5) / pct(fresh, 0.5)) * 100).toFixed(1)} % (medians)`);
