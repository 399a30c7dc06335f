/** all_member_push: attributes and tags over REST, im_push through the decision, and its rate limits. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kill, startIm, text } from './helpers.ts';

const ACCOUNTS = [{ userId: 'alice' }, { userId: 'bob' }, { userId: 'carol' }, { userId: 'dave' }];

test('attributes and tags: set, get, remove', async (t) => {
  const im = await startIm(t, { accounts: ACCOUNTS });
  assert.equal((await im.rest('all_member_push/im_set_attr_name', { AttrNames: { 0: 'city', 1: 'tier' } })).ErrorCode, 0);
  assert.deepEqual((await im.rest('all_member_push/im_get_attr_name', {})).AttrNames, { 0: 'city', 1: 'tier' });
  assert.equal((await im.rest('all_member_push/im_set_attr', { UserAttrs: [{ To_Account: 'bob', Attrs: { city: 'sz', tier: 'gold' } }] })).ErrorCode, 0);
  assert.equal((await im.rest('all_member_push/im_set_attr', { To_Account: 'carol', Attrs: { city: 'bj' } })).ErrorCode, 0, 'the single-user shape too');
  assert.equal((await im.rest('all_member_push/im_set_attr', { UserAttrs: [{ To_Account: 'bob', Attrs: { shoe: '42' } }] })).ErrorCode, 90033);
  assert.equal((await im.rest('all_member_push/im_remove_attr', { UserAttrs: [{ To_Account: 'bob', Attrs: ['tier'] }] })).ErrorCode, 0);
  const attrs = await im.rest('all_member_push/im_get_attr', { To_Account: ['bob', 'carol'] });
  assert.deepEqual(attrs.UserAttrs, [{ To_Account: 'bob', Attrs: { city: 'sz' } }, { To_Account: 'carol', Attrs: { city: 'bj' } }]);

  assert.equal((await im.rest('all_member_push/im_add_tag', { UserTags: [{ To_Account: 'bob', Tags: ['vip', 'beta'] }] })).ErrorCode, 0);
  assert.equal((await im.rest('all_member_push/im_add_tag', { UserTags: [{ To_Account: 'bob', Tags: ['x'.repeat(51)] }] })).ErrorCode, 90020);
  assert.equal((await im.rest('all_member_push/im_add_tag', { UserTags: [{ To_Account: 'bob', Tags: Array.from({ length: 11 }, (_, i) => `t${i}`) }] })).ErrorCode, 90032);
  assert.equal((await im.rest('all_member_push/im_remove_tag', { UserTags: [{ To_Account: 'bob', Tags: ['beta'] }] })).ErrorCode, 0);
  assert.deepEqual((await im.rest('all_member_push/im_get_tag', { To_Account: ['bob'] })).UserTags, [{ To_Account: 'bob', Tags: ['vip'] }]);
  assert.equal((await im.rest('all_member_push/im_remove_all_tags', { To_Account: ['bob'] })).ErrorCode, 0);
  assert.deepEqual((await im.rest('all_member_push/im_get_tag', { To_Account: ['bob'] })).UserTags, [{ To_Account: 'bob', Tags: [] }]);
  assert.equal((await im.rest('all_member_push/im_get_tag', { To_Account: ['ghost'] })).ErrorCode, 70107);
});

test('im_push reaches the audience through the same decision; conditions and rate limits answer the real codes', async (t) => {
  const im = await startIm(t, { accounts: ACCOUNTS });
  await im.rest('all_member_push/im_set_attr_name', { AttrNames: { 0: 'city' } });
  await im.rest('all_member_push/im_set_attr', { UserAttrs: [{ To_Account: 'bob', Attrs: { city: 'sz' } }, { To_Account: 'carol', Attrs: { city: 'bj' } }] });
  await im.rest('all_member_push/im_add_tag', { UserTags: [{ To_Account: 'bob', Tags: ['vip'] }, { To_Account: 'dave', Tags: ['vip', 'beta'] }] });
  for (const u of ['bob', 'carol', 'dave']) await kill(im.server, await im.device(u, `${u}-phone`), u);

  const push = (body: Record<string, unknown>) => im.rest('all_member_push/im_push', { From_Account: 'alice', MsgRandom: 1, MsgBody: text('sale'), MsgLifeTime: 3600, ...body });
  const vip = await push({ Condition: { TagsOr: ['vip'] } });
  assert.equal(vip.ErrorCode, 0);
  assert.match(vip.TaskId, /^push_\d+_\d+$/);
  assert.deepEqual(im.server.traces.byMsgKey(vip.TaskId).map((tr) => `${tr.to}:${tr.decision}:${tr.reason}`), ['bob:vendor_push:push_online', 'dave:vendor_push:push_online']);
  assert.equal(im.oppo.unicasts().length, 2);
  assert.equal((await push({})).ErrorCode, 90024, 'a second push within the second');

  im.clock.advance(1000);
  const bj = await push({ Condition: { AttrsAnd: { city: 'bj' } } });
  assert.deepEqual(im.server.traces.byMsgKey(bj.TaskId).map((tr) => tr.to), ['carol']);
  im.clock.advance(1000);
  const online = await im.rest('all_member_push/im_push', { MsgRandom: 2, MsgBody: text('online only'), Condition: { TagsAnd: ['beta'] } });
  assert.deepEqual(im.server.traces.byMsgKey(online.TaskId).map((tr) => `${tr.to}:${tr.reason}`), ['dave:online_only'], 'MsgLifeTime defaults to 0: online users only');

  im.clock.advance(1000);
  assert.equal((await push({ Condition: { TagsOr: ['vip'], AttrsOr: { city: 'sz' } } })).ErrorCode, 90039);
  assert.equal((await push({ Condition: { TagsOr: ['vip'], TagsAnd: ['vip'] } })).ErrorCode, 90022);
  assert.equal((await push({ Condition: { AttrsOr: { shoe: '42' } } })).ErrorCode, 90033);
  assert.equal((await push({ Condition: { TagsOr: [''] } })).ErrorCode, 90040);
  assert.equal((await push({ MsgBody: text('x'.repeat(11 * 1024)) })).ErrorCode, 90056);

  // 3 pushes so far today; the 100th is the last one allowed (GMT+8 day).
  for (let i = 4; i <= 100; i++) {
    im.clock.advance(1000);
    assert.equal((await push({ Condition: { TagsAnd: ['nobody'] } })).ErrorCode, 0, `push ${i}`);
  }
  im.clock.advance(1000);
  assert.equal((await push({ Condition: { TagsAnd: ['nobody'] } })).ErrorCode, 90047);
  im.clock.advance('1d');
  assert.equal((await push({ Condition: { TagsAnd: ['nobody'] } })).ErrorCode, 0, 'a new day');
});
