/**
 * The contract check for the IM REST API: a backend's calls go through the recorder to a
 * stand-in for Tencent (a fake IM server whose blocklist choice differs); verify against a
 * default fake names exactly that difference, and none once the setting matches.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { spawnListening } from '../listening-process.ts';
import { readPairs, startRecorder, formatReport } from '../../mock-oppo/contract/index.ts';
import { imAdapter, verifyIm } from '../../harness/im/contract.ts';
import { IM_APP, startIm, text } from './helpers.ts';

test('im-contract: record through the proxy, verify names the planted difference; the same settings verify clean', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'im-contract-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const real = await startIm(t, { accounts: [{ userId: 'alice' }, { userId: 'bob' }], settings: { oppoRetryDelays: ['1ms'], restBlocklist: 'ignore' } });
  const recorder = await startRecorder({ target: real.url, dir, adapter: imAdapter, secrets: [IM_APP.secretKey], now: () => real.clock.now() });
  t.after(() => recorder.close());
  const adminSig = real.sig(IM_APP.admin);
  const call = async (command: string, body: unknown) => {
    const q = new URLSearchParams({ sdkappid: String(IM_APP.sdkAppId), identifier: IM_APP.admin, usersig: adminSig, random: '7', contenttype: 'json' });
    return (await (await fetch(`${recorder.url}/v4/${command}?${q}`, { method: 'POST', body: JSON.stringify(body) })).json()) as Record<string, any>;
  };

  assert.equal((await call('im_open_login_svc/account_import', { UserID: 'carol', Nick: 'Carol' })).ErrorCode, 0);
  assert.equal((await call('openim/sendmsg', { From_Account: 'alice', To_Account: 'bob', MsgRandom: 1, MsgBody: text('hi') })).ErrorCode, 0);
  assert.equal((await call('openim/sendmsg', { From_Account: 'alice', To_Account: 'nobody', MsgRandom: 2, MsgBody: text('hi') })).ErrorCode, 90012);
  assert.equal((await call('sns/black_list_add', { From_Account: 'bob', To_Account: ['alice'] })).ErrorCode, 0);
  assert.equal((await call('openim/sendmsg', { From_Account: 'alice', To_Account: 'bob', MsgRandom: 3, MsgBody: text('blocked?') })).ErrorCode, 0, 'the stand-in ignores blocklists');
  const group = await call('group_open_http_svc/create_group', { Type: 'Work', Name: 'T', MemberList: [{ Member_Account: 'bob' }] });
  assert.equal((await call('group_open_http_svc/send_group_msg', { GroupId: group.GroupId, Random: 4, MsgBody: text('group') })).MsgSeq, 1);
  assert.equal(recorder.count(), 7);

  for (const name of await readdir(dir)) assert.ok(!(await readFile(join(dir, name), 'utf8')).includes(adminSig), `${name} holds no UserSig`);
  const pairs = await readPairs(dir);
  assert.equal(new URLSearchParams(pairs[0]!.request.query).get('usersig'), '{{usersig:1}}');

  const report = await verifyIm(pairs);
  assert.deepEqual(report.failed.map((f) => f.seq), [5], formatReport(report));
  assert.ok(report.failed[0]!.differences.includes('ErrorCode: 0 in the recording, 20007 from the mock'), formatReport(report));
  const clean = await verifyIm(pairs, { settings: { restBlocklist: 'ignore' } });
  assert.deepEqual(clean.failed, [], formatReport(clean));

  const cli = new URL('../../bin/push-lab.js', import.meta.url).pathname;
  const failing = await promisify(execFile)(process.execPath, [cli, 'im-contract', 'verify', dir]).then(
    () => assert.fail('verify should exit 1'),
    (err: { code: number; stdout: string }) => err,
  );
  assert.equal(failing.code, 1);
  assert.match(failing.stdout, /contract verify \(im\): 7 pairs, 1 with differences\n#5 POST \/v4\/openim\/sendmsg\n/);
  assert.match(failing.stdout, /\n  ErrorCode: 0 in the recording, 20007 from the mock\n/);
});

test('push-lab im-contract record (the CLI): proxies, stores the pair without the UserSig, stops on SIGTERM', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'im-contract-cli-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const real = await startIm(t);
  const cli = new URL('../../bin/push-lab.js', import.meta.url).pathname;
  const { url, stop } = await spawnListening(t, [cli, 'im-contract', 'record', '--out', dir, '--target', real.url]);
  const sig = real.sig(IM_APP.admin);
  const q = new URLSearchParams({ sdkappid: String(IM_APP.sdkAppId), identifier: IM_APP.admin, usersig: sig, contenttype: 'json' });
  const res = await fetch(`${url}/v4/im_open_login_svc/account_check?${q}`, { method: 'POST', body: '{"CheckItem":[{"UserID":"bob"}]}' });
  assert.equal(((await res.json()) as { ErrorCode: number }).ErrorCode, 0);
  assert.equal(await stop(), 0);
  const [pair] = await readPairs(dir);
  assert.equal(new URLSearchParams(pair!.request.query).get('usersig'), '{{usersig:1}}');
  assert.ok(!JSON.stringify(pair).includes(sig));
});
