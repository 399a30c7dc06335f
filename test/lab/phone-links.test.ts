import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VirtualClock } from '../../mock-oppo/core/clock.ts';
import { startLab, type PhoneLinks } from '../../harness/lab/lab.ts';
import { genUserSig } from '../../harness/im/index.ts';
import { loginByDeepLink } from './helpers.ts';

const START = Date.UTC(2026, 0, 5, 8, 0, 30);
const PKG = 'com.tencent.qcloud.tim.demo';

async function labWithTwoPhones(t: import('node:test').TestContext, phoneLinks: PhoneLinks) {
  const lab = await startLab({ clock: new VirtualClock({ start: START }), phoneLinks });
  t.after(() => lab.stop());
  const alive = await lab.farm.boot();
  const lost = await lab.farm.boot();
  await loginByDeepLink(alive, 'bob');
  await loginByDeepLink(lost, 'carol');
  await lab.farm.syncAll();
  return { lab, alive, lost };
}

for (const phoneLinks of ['in-process', 'websocket'] as const) {
  test(`${phoneLinks} links: a beating phone stays Online, one whose network went away is PushOnline 400 s after its last heartbeat`, async (t) => {
    const { lab, lost } = await labWithTwoPhones(t, phoneLinks);
    const { sessions } = lab.im.server;
    assert.equal(sessions.onlineState('bob').state, 'Online');
    await lab.advance('5m'); // heartbeats at 08:02 and 08:04 (the 2-minute grid)
    await lost.setNetwork(false); // at 08:05:30; its last heartbeat went out at 08:04:00
    await lab.advance('30m');
    assert.equal(sessions.onlineState('bob').state, 'Online');
    assert.equal(sessions.onlineState('carol').state, 'PushOnline');
    const down = sessions.journal({ userId: 'carol' }).at(-1)!;
    assert.deepEqual([down.to, down.cause, new Date(down.at).toISOString()], ['push_online', 'heartbeat_timeout', '2026-01-05T08:10:40.000Z']);
  });
}

test('in-process links: ten virtual years with phones logged in take steps for what happens (UserSig renewals), not for every heartbeat', async (t) => {
  const { lab, lost } = await labWithTwoPhones(t, 'in-process');
  await lost.kill(PKG, 'force-stop');
  await lab.farm.syncAll();
  const steps = await lab.advance('3650d');
  assert.ok(steps < 200, `${steps} clock steps for ten years (a heartbeat a phone every 2 min would be 2.6 million)`);
  const { sessions } = lab.im.server;
  assert.equal(sessions.onlineState('bob').state, 'Online', 'renewed its UserSig and stayed logged in');
  assert.equal(sessions.onlineState('carol').state, 'Offline', 'the killed app lapsed from PushOnline after 7 days');
  assert.ok(lab.clock.pendingTimers() < 20, `${lab.clock.pendingTimers()} timers pending after ten years`);
});

test('in-process links: a lease is refused over a socket and must be below the heartbeat timeout', async (t) => {
  const lab = await startLab({ clock: new VirtualClock({ start: START }), phoneLinks: 'in-process' });
  t.after(() => lab.stop());
  const { ImClientLink } = await import('../../harness/im/index.ts');
  const link = await ImClientLink.connect(lab.im.url);
  t.after(() => link.close());
  await link.login({ userId: 'bob', userSig: genUserSig({ ...lab.im.server.imApp, userId: 'bob', now: lab.clock.now() }), deviceId: 'bob-ws' });
  assert.equal(link.keepAlive(120_000), false, 'over a WebSocket the client has to beat');
});
