import { test } from 'node:test';
import assert from 'node:assert/strict';
import { demoApp } from '../../mock-oppo/core/apps.ts';
import { VirtualClock } from '../../mock-oppo/core/clock.ts';
import { authSign } from '../../mock-oppo/core/sign.ts';
import { startLab } from '../../harness/lab/lab.ts';
import { genUserSig } from '../../harness/im/usersig.ts';
import { ShardCrashedError, startShardedFleet } from '../../harness/shards/fleet.ts';

const PKG = 'com.tencent.qcloud.tim.demo';
const START = Date.UTC(2026, 0, 5, 8, 0, 0);

async function post(url: string, form: Record<string, string>): Promise<any> {
  return (await fetch(url, { method: 'POST', body: new URLSearchParams(form) })).json();
}

/** Is the process gone? (signal 0 only asks) */
function gone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

test('a fleet sharded over 2 processes: logged in and killed, an OPPO broadcast and an IM batch send are shown on every phone, once each', async (t) => {
  const app = demoApp();
  const lab = await startLab({ clock: new VirtualClock({ start: START }), oppoApps: [app] });
  t.after(() => lab.stop());
  const fleet = await startShardedFleet(lab, { shards: 2 });
  t.after(() => fleet.stop());
  const n = 10;
  const serials = await fleet.boot(n);
  assert.equal(new Set(serials).size, n);
  assert.deepEqual(fleet.shards.map((s) => s.phones), [5, 5]);
  assert.equal(lab.farm.list().length, 0, 'no phone lives in the lab process');

  await fleet.openDeepLinks((i) => `timdemo://login?userId=fleet${i}`);
  await fleet.kill(PKG, 'force-stop');
  await fleet.syncAll();
  const sessions = lab.im.server.sessions.all().filter((s) => s.state === 'push_online' && s.token);
  assert.equal(sessions.length, n, 'every phone PushOnline with its OPPO token');
  assert.deepEqual(new Set(sessions.map((s) => s.userId)), new Set(Array.from({ length: n }, (_, i) => `fleet${i}`)));

  const regIds = await fleet.registrationIds(PKG);
  assert.equal(regIds.filter((r) => r).length, n);
  const timestamp = String(lab.clock.now());
  const auth = await post(`${lab.oppo.url}/server/v1/auth`, { app_key: app.appKey, timestamp, sign: authSign(app.appKey, timestamp, app.masterSecret) });
  const saved = await post(`${lab.oppo.url}/server/v1/message/notification/save_message_content`, { auth_token: auth.data.auth_token, title: 'fleet', content: 'to all', channel_id: 'tuikit' });
  const broadcast = await post(`${lab.oppo.url}/server/v1/message/notification/broadcast`, {
    auth_token: auth.data.auth_token,
    message_id: saved.data.message_id,
    target_type: '2',
    target_value: regIds.join(';'),
  });
  assert.equal(broadcast.code, 0, JSON.stringify(broadcast));
  await fleet.syncAll();
  assert.deepEqual([...(await fleet.shown())], [[1, n]], 'every phone shows the broadcast, none twice');

  const im = lab.im.server.imApp;
  const q = new URLSearchParams({ sdkappid: String(im.sdkAppId), identifier: im.admin, usersig: genUserSig({ sdkAppId: im.sdkAppId, secretKey: im.secretKey, userId: im.admin, now: lab.clock.now() }), random: '1', contenttype: 'json' });
  const res = await fetch(`${lab.im.url}/v4/openim/batchsendmsg?${q}`, {
    method: 'POST',
    body: JSON.stringify({ To_Account: Array.from({ length: n }, (_, i) => `fleet${i}`), MsgRandom: 1, MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: 'batch' } }] }),
  });
  assert.equal(((await res.json()) as { ActionStatus: string }).ActionStatus, 'OK');
  await lab.advance('1s'); // the fleet is one of the lab's barriers: advancing settles the shards' links
  assert.deepEqual([...(await fleet.shown())], [[2, n]], 'and the IM batch send on top, on every phone');
  const totals = lab.oppo.mock.platform.totals();
  assert.equal(totals.accepted, 2 * n, 'mock-oppo accepted a target per phone, twice');
  assert.deepEqual(totals.byState, { acked: 2 * n }, 'and heard every phone ack it (push_arrive)');

  const pids = fleet.shards.map((s) => s.pid!);
  await fleet.stop();
  assert.ok(pids.every(gone), 'both shard processes ended');
});

test('a shard that crashes fails the fleet with a ShardCrashedError naming it, and the other shards are stopped', async (t) => {
  const lab = await startLab({ clock: new VirtualClock({ start: START }) });
  t.after(() => lab.stop());
  const fleet = await startShardedFleet(lab, { shards: 2 });
  t.after(() => fleet.stop());
  await fleet.boot(4);
  const [victim, other] = fleet.shards.map((s) => s.pid!);
  const booting = fleet.boot(200);
  process.kill(victim!, 'SIGKILL');
  await assert.rejects(booting, (err: Error) => {
    assert.ok(err instanceof ShardCrashedError, String(err));
    assert.match(err.message, new RegExp(`shard 0 \\(pid ${victim}\\) was killed by SIGKILL`));
    return true;
  });
  await fleet.stop();
  assert.ok(gone(victim!) && gone(other!), 'no shard process left');
  await assert.rejects(fleet.shown(), ShardCrashedError, 'the fleet stays failed');
  await lab.farm.syncAll();
  assert.equal(lab.im.server.sessions.all().length, 0, 'no IM session is left from the dead shards');
});
