/**
 * Named settings from the CLI (--settings file, --set) and the control API; target_type 3 as a
 * setting; a control call that expires an app's tokens now; masked answers in the journal.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CODES, MockOppoControl, MockOppoControlError } from '../../mock-oppo/index.ts';
import { DEMO, T0, authForm, makeLab, postForm, unicastMessage } from './helpers.ts';

const CLI = new URL('../../mock-oppo/cli.ts', import.meta.url).pathname;

/** Runs the CLI until it prints its URL (or exits); resolves the URL or the exit code and output. */
async function runCli(args: string[]): Promise<{ url?: string; code?: number | null; out: string; stop(): Promise<void> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stderr!.on('data', (c) => (out += c));
  const exited = once(child, 'exit');
  const url = await new Promise<string | undefined>((resolve) => {
    child.stdout!.on('data', (c) => {
      out += c;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
    child.once('exit', () => resolve(undefined));
  });
  const stop = async () => {
    if (child.exitCode === null) child.kill('SIGTERM');
    await exited;
  };
  if (url === undefined) {
    await exited;
    return { code: child.exitCode, out, stop };
  }
  return { url, out, stop };
}

test('the CLI takes --settings <file> and --set name=value; bad ones exit 2 naming the setting', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'mock-oppo-settings-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, 'settings.json');
  await writeFile(file, JSON.stringify({ tokenTtlMs: 60_000, flowControlCode: 13 }));
  const cli = await runCli(['--settings', file, '--set', 'legacyTargetType3=alias', '--set', 'flowControlCode=55', '--set', 'flowControlWindow=real', '--set', 'messageRetention=500']);
  t.after(() => cli.stop());
  const settings = await new MockOppoControl(cli.url!).settings();
  assert.deepEqual([settings.tokenTtlMs, settings.flowControlCode, settings.legacyTargetType3, settings.flowControlWindow, settings.messageRetention], [60_000, 55, 'alias', 'real', 500]);

  for (const [set, says] of [['flowControlWindow=wall', /flowControlWindow must be one of "clock", "real"/], ['messageRetention=1.5', /messageRetention must be a whole number from 1 to/], ['messageRetention=1e308', /messageRetention must be a whole number/]] as const) {
    const refused = await runCli(['--set', set]);
    assert.equal(refused.code, 2, set);
    assert.match(refused.out, says);
  }

  const bad = await runCli(['--set', 'flowControlCode=7']);
  assert.equal(bad.code, 2);
  assert.match(bad.out, /flowControlCode must be one of -2, 13, 55/);
  const unknown = await runCli(['--set', 'tokenTTL=5']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.out, /unknown setting tokenTTL/);
});

test('PATCH /_mock/v1/settings changes a setting now; bad values change nothing; start-only ones answer 409', async (t) => {
  const { mock } = makeLab();
  const server = await mock.listen();
  t.after(() => server.close());
  const control = new MockOppoControl(server.url);
  const reg = await control.register({ deviceId: 'phone' });
  const token = (await postForm(server.url, '/server/v1/auth', authForm(DEMO, T0))).body.data.auth_token;
  const aliasRes = await fetch(`${server.url}/server/v1/device/set_alias`, { method: 'POST', headers: { auth_token: token, 'content-type': 'application/json' }, body: JSON.stringify({ registration_id: reg.regId, alias: 'al' }) });
  assert.equal(((await aliasRes.json()) as any).code, 0);
  const legacy = () => postForm(server.url, '/server/v1/message/notification/unicast', { auth_token: token, message: JSON.stringify({ target_type: 3, target_value: 'al', notification: { title: 'a', content: 'b' } }) });
  assert.equal((await legacy()).body.code, CODES.INVALID_ARGUMENTS, 'target_type 3 is refused by default');
  assert.equal((await control.updateSettings({ legacyTargetType3: 'alias' })).legacyTargetType3, 'alias');
  const sent = await legacy();
  assert.equal(sent.body.code, 0, 'target_type 3 is an alias once the setting says so');
  assert.equal((await control.message(sent.body.data.messageId)).targets[0]!.registrationId, reg.regId);

  await assert.rejects(control.updateSettings({ flowControlCode: 7 as never }), (e: MockOppoControlError) => e.status === 400);
  await assert.rejects(control.updateSettings({ journalCapacity: 5 }), (e: MockOppoControlError) => e.status === 409);
  assert.equal((await control.settings()).journalCapacity, 1000, 'unchanged');
  await control.updateSettings({ flowControlCode: 55, qpsFactor: 0.0002 });
  const flow = await postForm(server.url, '/server/v1/message/notification/unicast', { auth_token: token, message: unicastMessage(reg.regId) });
  assert.equal(flow.body.code, 55, 'the QPS factor and the flow-control code apply to the next call');
});

test('PATCH /_mock/v1/settings: messageRetention shrinks the list at once (the totals still count all), flowControlWindow switches', async (t) => {
  const { mock } = makeLab();
  const server = await mock.listen();
  t.after(() => server.close());
  const control = new MockOppoControl(server.url);
  const reg = await control.register({ deviceId: 'phone' });
  const token = (await postForm(server.url, '/server/v1/auth', authForm(DEMO, T0))).body.data.auth_token;
  const ids: string[] = [];
  for (let i = 0; i < 5; i++) ids.push((await postForm(server.url, '/server/v1/message/notification/unicast', { auth_token: token, message: unicastMessage(reg.regId, { channel_id: 'tuikit' }) })).body.data.messageId);
  await assert.rejects(control.updateSettings({ messageRetention: 0 }), (e: MockOppoControlError) => e.status === 400);
  assert.equal((await control.messages()).length, 5, 'a refused retention changes nothing');
  assert.equal((await control.updateSettings({ messageRetention: 2 })).messageRetention, 2);
  assert.deepEqual((await control.messages()).map((m) => m.messageId), ids.slice(3), 'the newest two stay');
  const totals = await control.totals();
  assert.equal(totals.accepted, 5);
  assert.deepEqual(totals.byStateAndReason.dropped, { evicted: 3 }, 'the forgotten ones were still queued (the phone is offline)');
  assert.deepEqual(totals.messages, { stored: 5, forgotten: 3 });

  await assert.rejects(control.updateSettings({ flowControlWindow: 'wall' as never }), (e: MockOppoControlError) => e.status === 400);
  assert.equal((await control.updateSettings({ flowControlWindow: 'real' })).flowControlWindow, 'real');
  await control.reset('traffic');
  assert.deepEqual([(await control.settings()).messageRetention, (await control.settings()).flowControlWindow], [10_000, 'clock'], 'a reset undoes both');
});

test('POST /_mock/v1/apps/:appId/expire-tokens: the next call answers 11 and a fresh auth works', async (t) => {
  const { mock } = makeLab();
  const server = await mock.listen();
  t.after(() => server.close());
  const control = new MockOppoControl(server.url);
  const reg = await control.register({ deviceId: 'phone' });
  const auth = async () => (await postForm(server.url, '/server/v1/auth', authForm(DEMO, T0))).body.data.auth_token as string;
  const push = (token: string) => postForm(server.url, '/server/v1/message/notification/unicast', { auth_token: token, message: unicastMessage(reg.regId) });
  const old = await auth();
  assert.equal((await push(old)).body.code, 0);
  assert.deepEqual(await control.expireTokens(DEMO.appId), { appId: DEMO.appId, expired: 1 });
  assert.equal((await push(old)).body.code, CODES.INVALID_AUTH_TOKEN);
  assert.equal((await push(await auth())).body.code, 0, 'a client that re-authenticates goes on');
  await assert.rejects(control.expireTokens('nope'), (e: MockOppoControlError) => e.status === 404);
});

test('the journal keeps each answer, masked like the requests', async (t) => {
  const { mock } = makeLab();
  const server = await mock.listen();
  t.after(() => server.close());
  const res = await postForm(server.url, '/server/v1/auth', authForm(DEMO, T0));
  const token: string = res.body.data.auth_token;
  const [entry] = await new MockOppoControl(server.url).journal({ endpoint: 'auth' });
  const answer = entry!.response as { code: number; data: { auth_token: string; create_time: number } };
  assert.equal(answer.code, 0);
  assert.equal(answer.data.create_time, T0);
  assert.notEqual(answer.data.auth_token, token);
  assert.ok(token.startsWith(answer.data.auth_token.replace(/\*+$/, '')), 'masked, not dropped');
  assert.ok(!JSON.stringify(entry).includes(token), 'the token appears nowhere in the entry');
  await new MockOppoControl(server.url).updateSettings({ journalResponses: false });
  await postForm(server.url, '/server/v1/auth', authForm(DEMO, T0));
  assert.equal((await new MockOppoControl(server.url).journal({ endpoint: 'auth' })).at(-1)!.response, undefined);
});

test('a reset (all or traffic) undoes settings changed over the control API; start settings stay', async (t) => {
  const { mock } = makeLab({ flowControlCode: 13 });
  const server = await mock.listen();
  t.after(() => server.close());
  const control = new MockOppoControl(server.url);
  for (const scope of ['all', 'traffic'] as const) {
    await control.updateSettings({ legacyTargetType3: 'alias', flowControlCode: 55 });
    await control.reset(scope);
    const after = await control.settings();
    assert.deepEqual([after.legacyTargetType3, after.flowControlCode], ['reject', 13], scope);
  }
});
