/**
 * Group messages (send_group_msg) through the same offline-push decision: a killed member gets
 * the push with the sender as title; a member who muted the group ("receive but don't notify")
 * and a member removed from the group get none, and every layer says why.
 */
import { multiremotebrowser } from '@wdio/globals';
import { openScenario, expectNotification, expectNotPushed, type Phone, type Scenario } from '../../harness/scenario/index.ts';

describe('group messages', () => {
  let s: Scenario;
  let phone: Phone;
  let alice: string;
  let bob: string;
  let groupId: string;

  before(async () => {
    s = await openScenario('group', multiremotebrowser);
    phone = s.phone();
    alice = await s.user('alice', 'Alice');
    bob = await s.user('bob', 'Bob');
    const carol = await s.user('carol', 'Carol');
    groupId = await s.im.createGroup({ name: 'Team', owner: alice, members: [bob, carol] });
    await phone.login(bob);
    await phone.kill();
  });

  after(async () => {
    await s?.close();
  });

  it('a killed member gets the group message as a push, the sender as title', async () => {
    const sent = await s.im.sendGroupText(alice, groupId, 'standup in 5');
    await expectNotification(phone, { title: 'Alice', text: 'standup in 5', channel: 'tuikit' }, { sent, within: '1m' });
  });

  it('a member who muted the group (AcceptNotNotify) is not notified', async () => {
    await s.im.setGroupMsgFlag(groupId, bob, 'AcceptNotNotify');
    const sent = await s.im.sendGroupText(alice, groupId, 'muted chatter');
    await expectNotPushed(s.observers, sent, { to: bob, phone, layer: 'im', reason: 'group_muted', match: { title: 'Alice', text: 'muted chatter' } });
    await s.im.setGroupMsgFlag(groupId, bob, 'AcceptAndNotify');
  });

  it('a member removed from the group gets nothing', async () => {
    await s.im.deleteGroupMembers(groupId, [bob]);
    const sent = await s.im.sendGroupText(alice, groupId, 'after you left');
    await expectNotPushed(s.observers, sent, { to: bob, phone, layer: 'im', reason: 'not_a_member', match: { title: 'Alice', text: 'after you left' } });
  });
});
