/**
 * `push-lab doctor` against a real lab on loopback: a healthy user passes every check; each seeded
 * integration mistake of the app profiles (fixtures/apps/*) and a wrong MasterSecret on the
 * certificate fail the check that names it, with the right fix, and the command exits 1.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VirtualClock } from '../../mock-oppo/core/clock.ts';
import { startLab, type Lab } from '../../harness/lab/lab.ts';
import type { CheckResult } from '../../harness/doctor/checks.ts';
import { PKG, loginThroughUi } from '../phone/fakes.ts';
import { doctor } from './run.ts';

async function json(lab: Lab, user: string, extra: string[] = []): Promise<{ code: number; ok: boolean; phone: string | null; checks: CheckResult[] }> {
  const run = await doctor(['--lab', lab.url, '--user', user, '--json', ...extra]);
  assert.equal(run.stderr, '');
  return { code: run.code, ...JSON.parse(run.stdout) };
}

const byId = (checks: CheckResult[]) => Object.fromEntries(checks.map((c) => [c.id, c]));

/** A lab with one phone per app profile, the user `userOf(profile)` logged in on it; the app left running. */
async function labWith(t: { after(fn: () => Promise<unknown>): void }, profiles: string[], certificates?: NonNullable<Parameters<typeof startLab>[0]>['certificates']) {
  const lab = await startLab({ clock: new VirtualClock({ start: Date.UTC(2026, 2, 1, 9, 0, 0) }), ...(certificates ? { certificates } : {}) });
  t.after(() => lab.stop());
  for (const profile of profiles) {
    const phone = await lab.farm.boot({ appProfiles: [profile] });
    await loginThroughUi(phone, userOf(profile));
    await lab.farm.syncAll();
  }
  return lab;
}

/** IM user ids are short: one per app profile. */
const userOf = (profile: string) => profile.replace(/^tim-demo-?/, 'u_').replace(/-/g, '_').slice(0, 24) || 'u_';

const CHECK_ORDER = ['certificate', 'oppo_auth', 'regid', 'token', 'user_state', 'oppo_recent', 'channel', 'permission', 'test_push'];

test('a healthy user: every check passes, in the FAQ order, and the test push shows in the shade', async (t) => {
  const lab = await labWith(t, ['tim-demo']);
  const result = await json(lab, userOf('tim-demo'));
  assert.equal(result.code, 0, JSON.stringify(result.checks, null, 2));
  assert.equal(result.ok, true);
  assert.deepEqual(result.checks.map((c) => c.id), CHECK_ORDER);
  assert.deepEqual(result.checks.map((c) => c.status), CHECK_ORDER.map(() => 'pass'));
  assert.match(byId(result.checks).test_push!.detail, /showed in the shade of virtual-oppo-\d+/);
  const [phone] = lab.farm.list();
  assert.ok(phone!.notifications.entries.some((e) => e.text.startsWith('push-lab doctor test')), 'the test push is in the shade');

  // The human form: one line per check, the totals, exit code 0.
  const text = await doctor(['--lab', lab.url, '--user', userOf('tim-demo')]);
  assert.equal(text.code, 0);
  assert.match(text.stdout, /^push-lab doctor: u_ \(certificate 7005\) — lab http:\/\/127\.0\.0\.1:\d+, phone virtual-oppo-\d+$/m);
  assert.match(text.stdout, /^PASS {2}a test push to the killed app reaches the shade$/m);
  assert.match(text.stdout, /^9 passed, 0 failed, 0 skipped$/m);
});

interface Mistake {
  profile: string;
  check: string;
  detail: RegExp;
  fix: RegExp;
}

const MISTAKES: Mistake[] = [
  { profile: 'tim-demo-no-channel', check: 'channel', detail: /never created channel tuikit/, fix: /Create the channel \(NotificationChannel/ },
  { profile: 'tim-demo-no-push-register', check: 'regid', detail: /never registered for OPPO push/, fix: /HeytapPushManager\.register/ },
  { profile: 'tim-demo-token-before-login', check: 'token', detail: /before IM login \(refused, 21005\)/, fix: /login success callback/ },
  { profile: 'tim-demo-wrong-certificate', check: 'token', detail: /certificate ID 7006 is not in the IM console \(code 22001\)/, fix: /certificate ID 7005, not 7006/ },
  { profile: 'tim-demo-no-notification-permission', check: 'permission', detail: /notifications of com\.tencent\.qcloud\.tim\.demo are off/, fix: /notification permission/ },
];

test('each seeded integration mistake fails its check with the right fix; the test push then fails too; exit 1', async (t) => {
  const lab = await labWith(t, MISTAKES.map((m) => m.profile));
  for (const mistake of MISTAKES) {
    const result = await json(lab, userOf(mistake.profile));
    const checks = byId(result.checks);
    const found = checks[mistake.check]!;
    assert.equal(result.code, 1, mistake.profile);
    assert.equal(found.status, 'fail', `${mistake.profile}: ${JSON.stringify(result.checks, null, 2)}`);
    assert.match(found.detail, mistake.detail, mistake.profile);
    assert.match(found.fix ?? '', mistake.fix, mistake.profile);
    assert.equal(checks.certificate!.status, 'pass', mistake.profile);
    assert.equal(checks.oppo_auth!.status, 'pass', mistake.profile);
    assert.equal(checks.test_push!.status, 'fail', `${mistake.profile}: the test push does not show`);
    assert.match(checks.test_push!.detail, /stopped at (im|phone):/, mistake.profile);
  }
});

test('a wrong MasterSecret on the certificate: OPPO refuses it (code 16), and the fix says which secret to copy', async (t) => {
  const lab = await labWith(t, ['tim-demo'], [{ id: 7005, vendor: 'oppo', appId: '30123456', appKey: 'b5d1e7f0a2c84c6e9f3a1d2e4c6b8a01', masterSecret: 'not-the-master-secret-0000000000', channelId: 'tuikit', clickAction: { type: 'open_app' } }]);
  const result = await json(lab, userOf('tim-demo'));
  const checks = byId(result.checks);
  assert.equal(result.code, 1);
  assert.equal(checks.oppo_auth!.status, 'fail');
  assert.match(checks.oppo_auth!.detail, /code 16 Invalid Signature/);
  assert.match(checks.oppo_auth!.fix!, /copy the MasterSecret \(not the AppSecret\)/);
  assert.equal(checks.test_push!.status, 'fail');
  assert.match(checks.test_push!.detail, /stopped at oppo: oppo_rejected \(code 16/);
  assert.ok(!JSON.stringify(result).includes('not-the-master-secret'), 'the doctor prints no secret');
});

test('a logged-out user fails user_state; usage errors exit 2 with the usage', async (t) => {
  const lab = await labWith(t, ['tim-demo']);
  const [phone] = lab.farm.list();
  await phone!.activateApp(PKG);
  const logout = (await import('../phone/fakes.ts')).findNode;
  const button = await logout(phone!, (n) => n.contentDesc === 'logout');
  await phone!.tap(button!.id);
  await lab.farm.syncAll();
  const result = await json(lab, userOf('tim-demo'));
  assert.equal(byId(result.checks).user_state!.status, 'fail');
  assert.match(byId(result.checks).user_state!.detail, /u_ is Offline/);

  const nobody = await json(lab, 'nobody');
  assert.equal(nobody.phone, null);
  assert.equal(byId(nobody.checks).regid!.status, 'skip');
  assert.match(byId(nobody.checks).regid!.detail, /--serial/);

  const missing = await doctor(['--lab', lab.url]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /give --user <id>/);
  const live = await doctor(['--live', '--user', 'x']);
  assert.equal(live.code, 2);
  assert.match(live.stderr, /TIM_SDKAPPID|E2E_UDID|OPPO_APP_KEY/);
});
