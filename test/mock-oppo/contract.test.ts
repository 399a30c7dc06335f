/**
 * The contract check end to end: a backend's traffic goes through `contract record` to a stand-in
 * for the real OPPO host (a second mock with one setting changed); `verify` replays the
 * recording against a default mock and names exactly the planted difference.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { spawnListening } from '../listening-process.ts';
import { MockOppoControl } from '../../mock-oppo/index.ts';
import { oppoAdapter, readPairs, startRecorder, verifyOppo, formatReport } from '../../mock-oppo/contract/index.ts';
import { DEMO, T0, authForm, makeLab, postForm, unicastMessage } from './helpers.ts';

const CLI = new URL('../../mock-oppo/cli.ts', import.meta.url).pathname;

/** Records a backend session against a "real" service that treats target_type 3 as an alias. */
async function record(t: TestContext): Promise<{ dir: string; token: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'mock-oppo-contract-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const real = makeLab({ legacyTargetType3: 'alias' });
  const realServer = await real.mock.listen();
  t.after(() => realServer.close());
  const phone = await new MockOppoControl(realServer.url).register({ deviceId: 'real-phone' });
  const recorder = await startRecorder({ target: realServer.url, dir, adapter: oppoAdapter, secrets: [DEMO.masterSecret, DEMO.appSecret], now: () => real.clock.now() });
  t.after(() => recorder.close());
  const via = recorder.url;

  assert.equal((await postForm(via, '/server/v1/auth', { ...authForm(DEMO, T0), sign: 'f'.repeat(64) })).body.code, 16);
  const auth = await postForm(via, '/server/v1/auth', authForm(DEMO, T0));
  const token: string = auth.body.data.auth_token;
  assert.equal((await postForm(via, '/server/v1/message/notification/unicast', { auth_token: token, message: unicastMessage(phone.regId) })).body.code, 0);
  const alias = await fetch(`${via}/server/v1/device/set_alias`, {
    method: 'POST', headers: { 'content-type': 'application/json', auth_token: token }, body: JSON.stringify({ registration_id: phone.regId, alias: 'bob' }),
  });
  assert.equal(((await alias.json()) as { code: number }).code, 0);
  const legacy = await postForm(via, '/server/v1/message/notification/unicast', {
    auth_token: token, message: JSON.stringify({ target_type: 3, target_value: 'bob', notification: { title: 'Hi', content: 'by legacy alias' } }),
  });
  assert.equal(legacy.body.code, 0, 'the "real" service takes target_type 3');
  const saved = await postForm(via, '/server/v1/message/notification/save_message_content', { auth_token: token, title: 'News', content: 'for all' });
  const broadcast = await postForm(via, '/server/v1/message/notification/broadcast', { auth_token: token, message_id: saved.body.data.message_id, target_type: '2', target_value: phone.regId });
  assert.equal(broadcast.body.code, 0);
  assert.equal((await postForm(via, '/server/v1/message/notification/unicast', { auth_token: token, message: unicastMessage(`CN_${'0'.repeat(32)}`) })).body.code, 10000);
  const feedback = await fetch(`${via}/server/v1/feedback/fetch_invalid_regidList?auth_token=${token}`);
  assert.equal(((await feedback.json()) as { code: number }).code, 0);
  assert.equal(recorder.count(), 9);
  return { dir, token };
}

test('record stores every pair with its secrets replaced; verify names the planted difference and nothing else', async (t) => {
  const { dir, token } = await record(t);
  for (const name of await readdir(dir)) {
    const text = await readFile(join(dir, name), 'utf8');
    for (const secret of [token, DEMO.masterSecret, DEMO.appSecret]) assert.ok(!text.includes(secret), `${name} holds no secret`);
  }
  const pairs = await readPairs(dir);
  assert.equal(pairs[1]!.answer.body && (pairs[1]!.answer.body as any).data.auth_token, '{{auth_token:1}}');
  assert.equal(new URLSearchParams(pairs[2]!.request.body).get('auth_token'), '{{auth_token:1}}', 'the same token, the same placeholder');

  const report = await verifyOppo(pairs);
  assert.deepEqual(report.failed.map((f) => f.seq), [5], formatReport(report));
  assert.ok(report.failed[0]!.differences.includes('code: 0 in the recording, 41 from the mock'), formatReport(report));
  assert.ok(report.failed[0]!.differences.includes("data: field missing from the mock's answer"));

  const same = await verifyOppo(pairs, { settings: { legacyTargetType3: 'alias' } });
  assert.deepEqual(same.failed, [], formatReport(same));
});

test('mock-oppo contract verify <dir>: exit 1 with the report, 0 once the setting matches', async (t) => {
  const { dir } = await record(t);
  const run = promisify(execFile);
  const failing = await run(process.execPath, ['--import', 'tsx', CLI, 'contract', 'verify', dir]).then(
    () => assert.fail('verify should exit 1'),
    (err: { code: number; stdout: string }) => err,
  );
  assert.equal(failing.code, 1);
  assert.match(failing.stdout, /9 pairs, 1 with differences/);
  assert.match(failing.stdout, /#5 POST \/server\/v1\/message\/notification\/unicast\n  code: 0 in the recording, 41 from the mock/);
  const passing = await run(process.execPath, ['--import', 'tsx', CLI, 'contract', 'verify', dir, '--set', 'legacyTargetType3=alias']);
  assert.match(passing.stdout, /9 pairs, 0 with differences/);
});

test('mock-oppo contract record (the CLI): proxies, stores the pair, stops on SIGTERM', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'mock-oppo-contract-cli-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const real = makeLab();
  const realServer = await real.mock.listen();
  t.after(() => realServer.close());
  const { url, stop } = await spawnListening(t, ['--import', 'tsx', CLI, 'contract', 'record', '--out', dir, '--target', realServer.url], { ...process.env, OPPO_MASTER_SECRET: DEMO.masterSecret });
  assert.equal((await postForm(url, '/server/v1/auth', authForm(DEMO, T0))).body.code, 0);
  assert.equal(await stop(), 0);
  const [pair] = await readPairs(dir);
  assert.equal(pair!.request.path, '/server/v1/auth');
  assert.ok(!JSON.stringify(pair).includes(DEMO.masterSecret));
});
