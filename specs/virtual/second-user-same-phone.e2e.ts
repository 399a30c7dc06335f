/**
 * A second user on the same phone. User A logs out while the phone is offline and the logout is lost
 * (phone setting `offlineLogout: 'lost'`), so the server still holds A's login with the phone's
 * regId; user B logs in on the same phone and reports that regId. The token moves to B (IM setting
 * `tokenReportedByAnotherUser: 'move_to_reporter'`): A's messages are not pushed (reason
 * `token_moved`), so they never show on the phone B now uses; B's are.
 */
import assert from 'node:assert/strict';
import { multiremotebrowser } from '@wdio/globals';
import { openScenario, expectNotification, expectNotPushed, type Scenario } from '../../harness/scenario/index.ts';

describe('a second user on the same phone', () => {
  let s: Scenario;

  before(async () => {
    s = await openScenario('second-user', multiremotebrowser);
  });

  after(async () => {
    await s?.close();
  });

  it("the regId moves to the user who reported it last: A's message is not shown on the phone B uses, B's is", async () => {
    const alice = await s.user('alice', 'Alice');
    const userA = await s.user('usera', 'A');
    const userB = await s.user('userb', 'B');
    const phone = s.phone();
    await phone.updateSettings({ offlineLogout: 'lost' });
    await phone.login(userA);
    await phone.setNetwork(false);
    await phone.logout();
    await phone.setNetwork(true);
    await phone.login(userB);
    await phone.kill();
    await s.advance('10m'); // A's dropped link times out: A is PushOnline, still logged in at the server
    assert.equal(await s.im.onlineState(userA), 'PushOnline');
    const sessions = await s.console!.sessions();
    const regIdOf = (user: string) => sessions.find((x) => x.userId === user)?.token?.token;
    assert.equal(regIdOf(userA), undefined, "A's login lost the token");
    assert.match(regIdOf(userB) ?? '', /^CN_/);

    const toA = await s.im.sendText(alice, userA, 'for A only');
    const funnel = await expectNotPushed(s.observers, toA, { to: userA, phone, layer: 'im', reason: 'token_moved', match: { title: 'Alice', text: 'for A only' } });
    assert.equal(funnel.im?.detail, `to ${userB}`);
    const toB = await s.im.sendText(alice, userB, 'for B');
    await expectNotification(phone, { title: 'Alice', text: 'for B' }, { sent: toB, within: '1m' });
  });
});
