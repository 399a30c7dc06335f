/**
 * One table of requests → expected answers, run through every transport (the express app and
 * `listen()`'s server, both over real HTTP on 127.0.0.1:0, and msw intercepting the real OPPO
 * hosts); all runs must answer byte-for-byte the same. Covers every endpoint and every code.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setupServer } from 'msw/node';
import { CODES, HOSTS, type MockOppo } from '../../mock-oppo/index.ts';
import { DEMO, TEST_APP, T0, authForm, makeLab, unicastMessage } from './helpers.ts';

type Host = keyof typeof HOSTS;

interface Ctx {
  token: string;
  tokenIntl: string;
  tokenTest: string;
  regA: string;
  regB: string;
  regGone: string;
  regIntl: string;
  regTest: string;
  firstDedupe: string;
  savedId: string;
  taskId: string;
}

interface Row {
  name: string;
  host?: Host;
  method?: string;
  path: string;
  /** Form fields (push host) or a JSON object (device host when `json` is set). */
  form?: (c: Ctx) => Record<string, string>;
  json?: (c: Ctx) => unknown;
  raw?: { contentType: string; body: string };
  headers?: (c: Ctx) => Record<string, string>;
  before?: (mock: MockOppo, c: Ctx) => void;
  status?: number;
  code?: number;
  dropped?: boolean;
  /** Codes the row's check asserts inside `data` (broadcast keys, batch items). */
  covers?: number[];
  check?: (data: any, c: Ctx) => void;
  save?: (body: any, c: Ctx) => void;
}

const UNICAST = '/server/v1/message/notification/unicast';
const BATCH = '/server/v1/message/notification/unicast_batch';
const SAVE = '/server/v1/message/notification/save_message_content';
const BROADCAST = '/server/v1/message/notification/broadcast';

const tok = (c: Ctx) => ({ auth_token: c.token });
const uni = (target: (c: Ctx) => string, notification: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) =>
  (c: Ctx) => ({ ...tok(c), message: unicastMessage(target(c), notification, extra) });
const bad = (name: string, code: number, notification: Record<string, unknown>): Row => ({ name, path: UNICAST, form: uni((c) => c.regA, notification), code });
const device = (path: string, json: (c: Ctx) => unknown, code: number, check?: Row['check']): Row => ({
  name: `device ${path} → ${code}`, host: 'device', path: `/server/v1/device/${path}`, json, headers: (c) => ({ auth_token: c.token }), code, ...(check ? { check } : {}),
});

const ROWS: Row[] = [
  // ---- auth
  { name: 'auth ok', path: '/server/v1/auth', form: () => authForm(DEMO, T0 - 1000), code: 0, save: (b, c) => (c.token = b.data.auth_token),
    check: (d) => { assert.match(d.auth_token, /^[0-9a-f]{24}$/); assert.equal(d.create_time, T0); } },
  { name: 'auth missing app_key', path: '/server/v1/auth', form: () => { const { app_key: _, ...f } = authForm(DEMO, T0); return f; }, code: CODES.MISSING_APP_KEY },
  { name: 'auth missing sign', path: '/server/v1/auth', form: () => { const { sign: _, ...f } = authForm(DEMO, T0); return f; }, code: CODES.MISSING_SIGNATURE },
  { name: 'auth missing timestamp', path: '/server/v1/auth', form: () => { const { timestamp: _, ...f } = authForm(DEMO, T0); return f; }, code: CODES.MISSING_TIMESTAMP },
  { name: 'auth unknown app_key', path: '/server/v1/auth', form: () => ({ ...authForm(DEMO, T0), app_key: 'nope' }), code: CODES.INVALID_APP_KEY },
  { name: 'auth timestamp 11 min old', path: '/server/v1/auth', form: () => authForm(DEMO, T0 - 660_000), code: CODES.INVALID_TIMESTAMP },
  { name: 'auth timestamp 11 min ahead', path: '/server/v1/auth', form: () => authForm(DEMO, T0 + 660_000), code: CODES.INVALID_TIMESTAMP },
  { name: 'auth timestamp not a number', path: '/server/v1/auth', form: () => ({ ...authForm(DEMO, T0), timestamp: 'yesterday' }), code: CODES.INVALID_TIMESTAMP },
  { name: 'auth bad sign', path: '/server/v1/auth', form: () => ({ ...authForm(DEMO, T0), sign: 'f'.repeat(64) }), code: CODES.INVALID_SIGNATURE },
  { name: 'auth with GET', method: 'GET', path: '/server/v1/auth', code: CODES.HTTP_ACTION_NOT_ALLOWED },
  { name: 'auth with an unknown extra field (sdk_version)', path: '/server/v1/auth', form: () => ({ ...authForm(TEST_APP, T0), sdk_version: 'JAVA_SDK_V1.1.0' }), code: 0, save: (b, c) => (c.tokenTest = b.data.auth_token) },
  { name: 'auth on the intl host', host: 'apiIntl', path: '/server/v1/auth', form: () => authForm(DEMO, T0), code: 0, save: (b, c) => (c.tokenIntl = b.data.auth_token) },
  { name: 'auth with a non-UTF-8 charset', path: '/server/v1/auth', raw: { contentType: 'application/x-www-form-urlencoded; charset=GBK', body: 'app_key=x' }, code: CODES.INVALID_ENCODING },

  // ---- unicast: targets and tokens
  { name: 'unicast private IM message', path: UNICAST, form: uni((c) => c.regA, { channel_id: 'tuikit', category: 'IM', notify_level: 16 }), code: 0,
    check: (d) => assert.match(d.messageId, /^30123456-1-1-[0-9a-f]{24}$/) },
  { name: 'unicast with the token in the header only', path: UNICAST, form: (c) => ({ message: unicastMessage(c.regA) }), headers: (c) => ({ auth_token: c.token }), code: 0 },
  { name: 'unicast without a token', path: UNICAST, form: (c) => ({ message: unicastMessage(c.regA) }), code: CODES.MISSING_AUTH_TOKEN },
  { name: 'unicast with an unknown token', path: UNICAST, form: (c) => ({ auth_token: 'deadbeef', message: unicastMessage(c.regA) }), code: CODES.INVALID_AUTH_TOKEN },
  { name: 'unicast on CN with the intl token', path: UNICAST, form: (c) => ({ auth_token: c.tokenIntl, message: unicastMessage(c.regA) }), code: CODES.INVALID_AUTH_TOKEN },
  { name: 'CN regId on the intl host', host: 'apiIntl', path: UNICAST, form: (c) => ({ auth_token: c.tokenIntl, message: unicastMessage(c.regA) }), code: CODES.INVALID_REGID },
  { name: 'intl regId on the intl host', host: 'apiIntl', path: UNICAST, form: (c) => ({ auth_token: c.tokenIntl, message: unicastMessage(c.regIntl) }), code: 0 },
  { name: 'intl regId on the CN host', path: UNICAST, form: uni((c) => c.regIntl), code: CODES.INVALID_REGID },
  { name: 'malformed regId', path: UNICAST, form: uni(() => 'not-a-regid'), code: CODES.INVALID_REGID },
  { name: 'well-formed unknown regId', path: UNICAST, form: uni(() => `CN_${'a'.repeat(32)}`), code: CODES.INVALID_REGID },
  { name: 'uninstalled regId', path: UNICAST, form: uni((c) => c.regGone), code: CODES.REGID_UNSUBSCRIBED },
  { name: 'alias target', path: UNICAST, form: (c) => ({ ...tok(c), message: JSON.stringify({ target_type: 5, target_value: 'alice', notification: { title: 't', content: 'c' } }) }), code: 0 },
  { name: 'unbound alias', path: UNICAST, form: (c) => ({ ...tok(c), message: JSON.stringify({ target_type: 5, target_value: 'bob', notification: { title: 't', content: 'c' } }) }), code: CODES.ALIAS_UNSUBSCRIBED },
  { name: 'invalid alias', path: UNICAST, form: (c) => ({ ...tok(c), message: JSON.stringify({ target_type: 5, target_value: 'x'.repeat(65), notification: { title: 't', content: 'c' } }) }), code: CODES.INVALID_ALIAS },
  { name: 'target_type 3', path: UNICAST, form: (c) => ({ ...tok(c), message: JSON.stringify({ target_type: 3, target_value: c.regA, notification: { title: 't', content: 'c' } }) }), code: CODES.INVALID_ARGUMENTS },
  { name: 'message missing', path: UNICAST, form: tok, code: CODES.MISSING_ARGUMENTS },
  { name: 'message not JSON', path: UNICAST, form: (c) => ({ ...tok(c), message: '{oops' }), code: CODES.INVALID_ARGUMENTS },
  { name: 'message is an array', path: UNICAST, form: (c) => ({ ...tok(c), message: '[]' }), code: CODES.INVALID_ARGUMENTS },
  { name: 'notification missing', path: UNICAST, form: (c) => ({ ...tok(c), message: JSON.stringify({ target_type: 2, target_value: c.regA }) }), code: CODES.MISSING_ARGUMENTS },
  { name: 'target_value missing', path: UNICAST, form: (c) => ({ ...tok(c), message: JSON.stringify({ target_type: 2, notification: { title: 't', content: 'c' } }) }), code: CODES.MISSING_ARGUMENTS },
  { name: 'wrong method on unicast', method: 'PUT', path: UNICAST, form: uni((c) => c.regA), code: CODES.HTTP_ACTION_NOT_ALLOWED },

  // ---- notification fields and limits
  bad('title missing', CODES.MISSING_ARGUMENTS, { title: '' }),
  bad('title 51 chars', CODES.INVALID_ARGUMENTS, { title: 'x'.repeat(51) }),
  { name: 'title of 50 emoji/CJK chars', path: UNICAST, form: uni((c) => c.regA, { title: '通知😀'.repeat(16) + '知😀', channel_id: 'tuikit' }), code: 0 },
  bad('sub_title 11 chars', CODES.INVALID_ARGUMENTS, { sub_title: 'y'.repeat(11) }),
  bad('content missing', CODES.MISSING_ARGUMENTS, { content: undefined }),
  bad('content 201 chars (style 1)', CODES.INVALID_ARGUMENTS, { content: 'c'.repeat(201) }),
  bad('content 129 chars (style 2)', CODES.INVALID_ARGUMENTS, { style: 2, content: 'c'.repeat(129) }),
  bad('style 3 on unicast', CODES.INVALID_ARGUMENTS, { style: 3, big_picture_id: 'pic' }),
  bad('style 4 (value-added)', CODES.INVALID_ARGUMENTS, { style: 4 }),
  bad('click_action_type 3', CODES.INVALID_ARGUMENTS, { click_action_type: 3 }),
  bad('click_action_type 1 without activity', CODES.MISSING_ARGUMENTS, { click_action_type: 1 }),
  bad('click_action_type 2 without url', CODES.MISSING_ARGUMENTS, { click_action_type: 2 }),
  bad('click_action_activity 501 chars', CODES.INVALID_ARGUMENTS, { click_action_type: 4, click_action_activity: 'a'.repeat(501) }),
  bad('click_action_url 2001 chars', CODES.INVALID_ARGUMENTS, { click_action_type: 2, click_action_url: `https://x.io/${'a'.repeat(1990)}` }),
  { name: 'click 4 + activity, click 5 as strings', path: UNICAST, form: uni((c) => c.regA, { click_action_type: '4', click_action_activity: 'com.tencent.qcloud.tim.demo.Main', channel_id: 'tuikit' }), code: 0 },
  { name: 'click 5 intent url + nested action_parameters object', path: UNICAST, form: uni((c) => c.regA, { click_action_type: 5, click_action_url: 'tim://chat?x=1', action_parameters: { ext: { a: 1 } }, channel_id: 'tuikit' }), code: 0 },
  bad('action_parameters not JSON', CODES.INVALID_ARGUMENTS, { action_parameters: '{nope' }),
  bad('action_parameters an array', CODES.INVALID_ARGUMENTS, { action_parameters: '[1]' }),
  bad('action_parameters 4001 chars', CODES.INVALID_ARGUMENTS, { action_parameters: JSON.stringify({ k: 'v'.repeat(3993) }) }),
  bad('show window without end', CODES.MISSING_ARGUMENTS, { show_time_type: 1, show_start_time: T0 }),
  bad('show window start after end', CODES.INVALID_ARGUMENTS, { show_time_type: 1, show_start_time: T0 + 10, show_end_time: T0 }),
  bad('off_line_ttl not a number', CODES.INVALID_ARGUMENTS, { off_line_ttl: 'soon' }),
  bad('off_line not a boolean', CODES.INVALID_ARGUMENTS, { off_line: 'maybe' }),
  bad('network_type 2', CODES.INVALID_ARGUMENTS, { network_type: 2 }),
  bad('call_back_url 201 chars', CODES.INVALID_ARGUMENTS, { call_back_url: `https://x.io/${'a'.repeat(190)}` }),
  bad('call_back_url not a URL', CODES.INVALID_ARGUMENTS, { call_back_url: 'not a url' }),
  bad('call_back_parameter 101 chars', CODES.INVALID_ARGUMENTS, { call_back_parameter: 'p'.repeat(101) }),
  bad('fix_speed on unicast', CODES.INVALID_ARGUMENTS, { fix_speed: true, fix_speed_rate: 2000 }),
  bad('show_ttl 13 h on a public message', CODES.INVALID_ARGUMENTS, { show_ttl: 46_800 }),
  bad('unknown category', CODES.CATEGORY_ERROR, { category: 'SPAM' }),
  bad('notify_level 3', CODES.CATEGORY_ERROR, { notify_level: 3 }),
  bad('strong reminder on a public message', CODES.CATEGORY_ERROR, { channel_id: 'marketing', notify_level: 16 }),
  bad('private category on a public channel', CODES.CATEGORY_ERROR, { channel_id: 'marketing', category: 'IM' }),
  { name: 'numbers sent as strings, empty strings for unset fields', path: UNICAST, form: uni((c) => c.regA, { click_action_type: '0', off_line_ttl: '600', off_line: 'true', sub_title: '', notify_id: '7', channel_id: 'tuikit' }, { verify_registration_id: 'true' }), code: 0 },
  { name: 'app_message_id first push', path: UNICAST, form: uni((c) => c.regA, { app_message_id: 'order-1', channel_id: 'tuikit' }), code: 0, save: (b, c) => (c.firstDedupe = b.data.messageId) },
  { name: 'app_message_id repeat → the same messageId', path: UNICAST, form: uni((c) => c.regA, { app_message_id: 'order-1', channel_id: 'tuikit' }), code: 0,
    check: (d, c) => assert.equal(d.messageId, c.firstDedupe) },

  // ---- unicast_batch
  { name: 'batch with per-item results', path: BATCH, form: (c) => ({ ...tok(c), messages: JSON.stringify([
      JSON.parse(unicastMessage(c.regA, { channel_id: 'tuikit' })), JSON.parse(unicastMessage('bad')), JSON.parse(unicastMessage(c.regGone)), { target_type: 2, target_value: c.regB }]) }),
    code: 0,
    check: (d, c) => {
      assert.equal(d.length, 4);
      assert.match(d[0].messageId, /^30123456-1-1-/);
      assert.equal(d[0].registrationId, c.regA);
      assert.equal(d[0].errorCode, undefined);
      assert.deepEqual([d[1].errorCode, d[2].errorCode, d[3].errorCode], [CODES.INVALID_REGID, CODES.REGID_UNSUBSCRIBED, CODES.MISSING_ARGUMENTS]);
      assert.equal(d[2].registrationId, c.regGone);
    } },
  { name: 'batch empty', path: BATCH, form: (c) => ({ ...tok(c), messages: '[]' }), code: CODES.MISSING_ARGUMENTS },
  { name: 'batch not an array', path: BATCH, form: (c) => ({ ...tok(c), messages: '{}' }), code: CODES.INVALID_ARGUMENTS },
  { name: 'batch of 1001', path: BATCH, form: (c) => ({ ...tok(c), messages: JSON.stringify(Array.from({ length: 1001 }, () => JSON.parse(unicastMessage(c.regA)))) }), code: CODES.INVALID_ARGUMENTS },

  // ---- save + broadcast + statistics
  { name: 'save_message_content (flattened fields)', path: SAVE, form: (c) => ({ ...tok(c), title: 'Sale', content: 'Now', channel_id: 'marketing', app_message_id: 'promo-1', off_line_ttl: '7200' }), code: 0,
    save: (b, c) => (c.savedId = b.data.message_id), check: (d) => assert.match(d.message_id, /^[0-9a-f]{24}$/) },
  { name: 'save with the same app_message_id → the same message_id', path: SAVE, form: (c) => ({ ...tok(c), title: 'Sale', content: 'Now', app_message_id: 'promo-1' }), code: 0,
    check: (d, c) => assert.equal(d.message_id, c.savedId) },
  { name: 'save without title', path: SAVE, form: (c) => ({ ...tok(c), content: 'Now' }), code: CODES.MISSING_ARGUMENTS },
  { name: 'save style 3 without big_picture_id', path: SAVE, form: (c) => ({ ...tok(c), title: 'a', content: 'b', style: '3' }), code: CODES.MISSING_ARGUMENTS },
  { name: 'save style 3 with big_picture_id and fix_speed', path: SAVE, form: (c) => ({ ...tok(c), title: 'a', content: 'b', style: '3', big_picture_id: 'pic1', fix_speed: 'true', fix_speed_rate: '2000' }), code: 0 },
  { name: 'broadcast to regIds with invalid ones keyed by code', path: BROADCAST,
    form: (c) => ({ ...tok(c), message_id: c.savedId, target_type: '2', target_value: [c.regA, c.regB, 'bad', c.regA, c.regGone].join(';') }), code: 0,
    covers: [CODES.INVALID_REGID, CODES.REGID_REPEAT, CODES.REGID_UNSUBSCRIBED],
    save: (b, c) => (c.taskId = b.data.task_id),
    check: (d, c) => {
      assert.equal(d.message_id, c.savedId);
      assert.match(d.task_id, /^[0-9a-f]{24}$/);
      assert.deepEqual(d['10000'], ['bad']);
      assert.deepEqual(d['10004'], [c.regA]);
      assert.deepEqual(d['10001'], [c.regGone]);
    } },
  { name: 'broadcast to aliases', path: BROADCAST, form: (c) => ({ ...tok(c), message_id: c.savedId, target_type: '5', target_value: `alice;zed;alice;${'q'.repeat(65)}` }), code: 0,
    covers: [CODES.ALIAS_UNSUBSCRIBED, CODES.ALIAS_REPEAT, CODES.INVALID_ALIAS],
    check: (d) => { assert.deepEqual(d['10003'], ['zed']); assert.deepEqual(d['10005'], ['alice']); assert.deepEqual(d['10002'], ['q'.repeat(65)]); } },
  { name: 'broadcast to all users', path: BROADCAST, form: (c) => ({ ...tok(c), message_id: c.savedId, target_type: '1' }), code: 0 },
  { name: 'broadcast of an unknown message_id', path: BROADCAST, form: (c) => ({ ...tok(c), message_id: 'f'.repeat(24), target_type: '1' }), code: CODES.DATA_NOT_EXIST },
  { name: 'broadcast without message_id', path: BROADCAST, form: (c) => ({ ...tok(c), target_type: '1' }), code: CODES.MISSING_ARGUMENTS },
  { name: 'broadcast target_type 9', path: BROADCAST, form: (c) => ({ ...tok(c), message_id: c.savedId, target_type: '9' }), code: CODES.INVALID_ARGUMENTS },
  { name: 'broadcast type 2 without target_value', path: BROADCAST, form: (c) => ({ ...tok(c), message_id: c.savedId, target_type: '2' }), code: CODES.MISSING_ARGUMENTS },
  { name: 'broadcast to 1001 regIds', path: BROADCAST, form: (c) => ({ ...tok(c), message_id: c.savedId, target_type: '2', target_value: Array.from({ length: 1001 }, (_, i) => `CN_${i.toString(16).padStart(32, '0')}`).join(';') }), code: CODES.INVALID_ARGUMENTS },
  { name: 'broadcast with a malformed tag expression', path: BROADCAST, form: (c) => ({ ...tok(c), message_id: c.savedId, target_type: '6', target_value: '{or:' }), code: CODES.INVALID_ARGUMENTS },
  { name: 'statistics of the regId broadcast', path: '/server/v1/message/statistics', form: (c) => ({ ...tok(c), message_id: c.savedId, task_id: c.taskId }), code: 0,
    check: (d) => { assert.equal(d.targetCount, 5); assert.equal(d.validCount, 2); assert.equal(d.arriveCount, 0); } },
  { name: 'statistics of an unknown task', path: '/server/v1/message/statistics', form: (c) => ({ ...tok(c), message_id: c.savedId, task_id: 'nope' }), code: CODES.DATA_NOT_EXIST },

  // ---- device host: alias and tags (JSON)
  device('set_alias', (c) => ({ registration_id: c.regB, alias: 'bobby' }), 0),
  device('set_alias', () => ({ registration_id: 'bad', alias: 'bobby' }), CODES.INVALID_REGID),
  device('set_alias', (c) => ({ registration_id: c.regB, alias: 'z'.repeat(65) }), CODES.INVALID_ALIAS),
  device('set_alias', (c) => ({ registration_id: c.regB }), CODES.MISSING_ARGUMENTS),
  device('delete_alias', () => ({ alias: 'nobody' }), CODES.ALIAS_UNSUBSCRIBED),
  device('delete_alias', () => ({ alias: 'bobby' }), 0),
  device('add_tags', () => ({ name: 'vip', desc: 'VIP users' }), 0),
  device('add_tag_group', () => ({ group: 'tiers', tags: 'gold;silver', desc: 'tiers' }), 0),
  device('subscribe_tags', (c) => ({ registration_id: c.regB, tags: 'vip;gold' }), 0),
  device('subscribe_tags', (c) => ({ registration_id: c.regB, tags: 'unknown-tag' }), CODES.DATA_NOT_EXIST),
  device('get_all_tags', (c) => ({ registration_id: c.regB }), 0, (d) => assert.deepEqual(d.tags, ['vip', 'gold'])),
  device('unsubscribe_tags', (c) => ({ registration_id: c.regB, tags: 'gold' }), 0),
  { name: 'device call with the token in the JSON body', host: 'device', path: '/server/v1/device/get_all_tags', json: (c) => ({ auth_token: c.token, registration_id: c.regB }), code: 0,
    check: (d) => assert.deepEqual(d.tags, ['vip']) },
  { name: 'device call with a body that is not JSON', host: 'device', path: '/server/v1/device/set_alias', raw: { contentType: 'application/json', body: 'alias=x' }, headers: (c) => ({ auth_token: c.token }), code: CODES.INVALID_ARGUMENTS },
  { name: 'broadcast to a tag expression', path: BROADCAST, form: (c) => ({ ...tok(c), message_id: c.savedId, target_type: '6', target_value: '{"or":["vip"],"not":["gold"]}' }), code: 0 },

  // ---- feedback (GET with the token in the query)
  { name: 'feedback lists uninstalled regIds', host: 'feedback', method: 'GET', path: '/server/v1/feedback/fetch_invalid_regidList', headers: () => ({}), code: 0,
    form: (c) => tok(c), check: (d, c) => { assert.deepEqual(d.registration_ids, [c.regGone]); assert.equal(d.totalCount, 1); } },

  // ---- quotas: a test app has 1000 public messages a day
  { name: 'test app: 1000 public messages in one batch', path: BATCH,
    form: (c) => ({ auth_token: c.tokenTest, messages: JSON.stringify(Array.from({ length: 1000 }, () => ({ target_type: 2, target_value: c.regTest, notification: { title: 't', content: 'c' } }))) }),
    code: 0, check: (d) => assert.equal(d.filter((i: any) => i.errorCode === undefined).length, 1000) },
  { name: 'test app: message 1001 of the day', path: UNICAST, form: (c) => ({ auth_token: c.tokenTest, message: unicastMessage(c.regTest) }), code: CODES.DAILY_LIMIT },

  // ---- injected faults (set up in-process, identically for both transports)
  { name: 'fault flow_control', path: UNICAST, form: uni((c) => c.regA), before: (m) => m.faults.add({ preset: 'flow_control', endpoint: 'unicast', times: 1 }), code: CODES.FLOW_CONTROL },
  { name: 'fault service_unavailable', path: UNICAST, form: uni((c) => c.regA), before: (m) => m.faults.add({ preset: 'service_unavailable', times: 1 }), code: CODES.SERVICE_UNAVAILABLE },
  { name: 'fault app_call_limited scoped to the app', path: UNICAST, form: uni((c) => c.regA), before: (m) => m.faults.add({ preset: 'app_call_limited', appId: DEMO.appId, times: 1 }), code: CODES.APP_CALL_LIMITED },
  { name: 'fault quota_exhausted', path: UNICAST, form: uni((c) => c.regA), before: (m) => m.faults.add({ preset: 'quota_exhausted', appKey: DEMO.appKey, times: 1 }), code: CODES.DAILY_LIMIT },
  { name: 'fault invalid_auth on auth', path: '/server/v1/auth', form: () => authForm(DEMO, T0), before: (m) => m.faults.add({ preset: 'invalid_auth', endpoint: 'auth', times: 1 }), code: CODES.INVALID_AUTH_TOKEN },
  { name: 'fault invalid_regid scoped to regB', path: UNICAST, form: uni((c) => c.regB), before: (m, c) => m.faults.add({ preset: 'invalid_regid', regId: c.regB, times: 1 }), code: CODES.INVALID_REGID },
  { name: 'after the regId fault, regB works', path: UNICAST, form: uni((c) => c.regB, { channel_id: 'tuikit' }), code: 0 },
  { name: 'fault http_5xx', path: UNICAST, form: uni((c) => c.regA), before: (m) => m.faults.add({ preset: 'http_5xx', status: 502, times: 1 }), status: 502 },
  { name: 'fault drop_connection', path: UNICAST, form: uni((c) => c.regA), before: (m) => m.faults.add({ preset: 'drop_connection', times: 1 }), dropped: true },
  { name: 'after the faults, unicast works', path: UNICAST, form: uni((c) => c.regA, { channel_id: 'tuikit' }), code: 0 },

  // ---- unknown paths, token expiry
  { name: 'unknown API path', path: '/server/v1/message/notification/multicast', form: tok, status: 404, code: CODES.INVALID_METHOD },
  { name: 'non-API path', path: '/favicon.ico', method: 'GET', status: 404 },
  { name: 'token after 24 h', path: UNICAST, form: uni((c) => c.regA), before: (m) => void (m.clock as any).advance('24h'), code: CODES.INVALID_AUTH_TOKEN },
];

interface Transport {
  send(row: Row, ctx: Ctx): Promise<{ status: number; text: string } | 'DROPPED'>;
}

function buildRequest(row: Row, ctx: Ctx, url: string): [string, RequestInit] {
  const method = row.method ?? 'POST';
  const headers: Record<string, string> = { ...(row.headers?.(ctx) ?? {}) };
  let body: string | undefined;
  if (row.raw) {
    headers['content-type'] = row.raw.contentType;
    body = row.raw.body;
  } else if (row.json) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(row.json(ctx));
  } else if (row.form && method !== 'GET') {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(row.form(ctx)).toString();
  } else if (row.form) {
    url += `?${new URLSearchParams(row.form(ctx))}`;
  }
  return [url, { method, headers, ...(body !== undefined ? { body } : {}) }];
}

async function run(transport: Transport, mock: MockOppo, rows: Row[] = ROWS): Promise<Array<{ status: number; text: string } | 'DROPPED'>> {
  const p = mock.platform;
  const demo = p.appById(DEMO.appId)!;
  const ctx = {
    regA: p.registerFor(demo, 'phone-a', 'CN').regId,
    regB: p.registerFor(demo, 'phone-b', 'CN').regId,
    regGone: p.registerFor(demo, 'phone-c', 'CN').regId,
    regIntl: p.registerFor(demo, 'phone-d', 'INTL').regId,
    regTest: p.registerFor(p.appById(TEST_APP.appId)!, 'phone-e', 'CN').regId,
  } as Ctx;
  p.invalidateRegId(ctx.regGone, 'uninstalled');
  p.setAlias(demo, ctx.regA, 'alice');
  const out: Array<{ status: number; text: string } | 'DROPPED'> = [];
  for (const row of rows) {
    row.before?.(mock, ctx);
    const res = await transport.send(row, ctx);
    out.push(res);
    if (row.dropped) {
      assert.equal(res, 'DROPPED', row.name);
      continue;
    }
    assert.notEqual(res, 'DROPPED', row.name);
    const { status, text } = res as { status: number; text: string };
    assert.equal(status, row.status ?? 200, `${row.name}: HTTP ${status} ${text}`);
    if (row.code !== undefined) {
      const body = JSON.parse(text);
      assert.equal(body.code, row.code, `${row.name}: ${text.slice(0, 300)}`);
      if (row.code !== 0) assert.equal(typeof body.message, 'string', row.name);
      row.check?.(body.data, ctx);
      row.save?.(body, ctx);
    }
  }
  return out;
}

function overHttp(base: string): Transport {
  return {
    async send(row, ctx) {
      const prefix = row.host === 'apiIntl' ? '/intl' : '';
      const [url, init] = buildRequest(row, ctx, `${base}${prefix}${row.path}`);
      try {
        const res = await fetch(url, init);
        return { status: res.status, text: await res.text() };
      } catch {
        return 'DROPPED';
      }
    },
  };
}

test('the request table gives the expected codes through express, listen() and msw, byte for byte the same', async (t) => {
  const expressLab = makeLab();
  const expressServer = createServer(expressLab.mock.app);
  await new Promise<void>((resolve) => expressServer.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => { expressServer.closeAllConnections(); expressServer.close(() => resolve()); }));
  const viaExpress = await run(overHttp(`http://127.0.0.1:${(expressServer.address() as AddressInfo).port}`), expressLab.mock);

  const httpLab = makeLab();
  const server = await httpLab.mock.listen();
  t.after(() => server.close());
  const viaListen = await run(overHttp(server.url), httpLab.mock);

  const mswLab = makeLab();
  const msw = setupServer(...mswLab.mock.handlers);
  msw.listen({ onUnhandledRequest: 'error' });
  t.after(() => msw.close());
  const viaMsw = await run({
    async send(row, ctx) {
      const [url, init] = buildRequest(row, ctx, `https://${HOSTS[row.host ?? 'api']}${row.path}`);
      try {
        const res = await fetch(url, init);
        return { status: res.status, text: await res.text() };
      } catch {
        return 'DROPPED';
      }
    },
  }, mswLab.mock);

  assert.equal(viaExpress.length, ROWS.length);
  for (let i = 0; i < ROWS.length; i++) {
    assert.deepEqual(viaListen[i], viaExpress[i], `row "${ROWS[i]!.name}" differs between express and listen()`);
    assert.deepEqual(viaMsw[i], viaExpress[i], `row "${ROWS[i]!.name}" differs between express and msw`);
  }
  assert.deepEqual(httpLab.mock.journal().map((e) => e.code), mswLab.mock.journal().map((e) => e.code));
  assert.ok(mswLab.mock.journal().every((e) => e.via === 'msw'));
});

/** Codes that only other settings produce: duplicates refused with 32, flow control answered with 55 (1 target/s). */
const SETTINGS_ROWS: Row[] = [
  { name: 'auth', path: '/server/v1/auth', form: () => authForm(DEMO, T0), code: 0, save: (b, c) => (c.token = b.data.auth_token) },
  { name: 'first push of app_message_id a1', path: UNICAST, form: uni((c) => c.regA, { app_message_id: 'a1', channel_id: 'tuikit' }), code: 0 },
  { name: 'repeat of app_message_id a1 → 32', path: UNICAST, form: uni((c) => c.regA, { app_message_id: 'a1', channel_id: 'tuikit' }), code: CODES.DATA_DUPLICATE },
  { name: 'save of s1', path: SAVE, form: (c) => ({ ...tok(c), title: 't', content: 'c', app_message_id: 's1' }), code: 0 },
  { name: 'repeat save of s1 → 32', path: SAVE, form: (c) => ({ ...tok(c), title: 't', content: 'c', app_message_id: 's1' }), code: CODES.DATA_DUPLICATE },
  { name: 'second target this second → 55', path: UNICAST, form: uni((c) => c.regA, { channel_id: 'tuikit' }), code: CODES.APP_CALL_FREQUENCY_LIMIT },
  { name: 'next second', path: UNICAST, form: uni((c) => c.regA, { channel_id: 'tuikit' }), before: (m) => void (m.clock as any).advance('1s'), code: 0 },
];
const SETTINGS = { duplicateAppMessageId: 'reject', flowControlCode: 55, qpsFactor: 0.0002 } as const;

test('settings-dependent codes (32, 55) through express and msw alike', async (t) => {
  const expressLab = makeLab(SETTINGS);
  const expressServer = createServer(expressLab.mock.app);
  await new Promise<void>((resolve) => expressServer.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => { expressServer.closeAllConnections(); expressServer.close(() => resolve()); }));
  const viaExpress = await run(overHttp(`http://127.0.0.1:${(expressServer.address() as AddressInfo).port}`), expressLab.mock, SETTINGS_ROWS);
  const mswLab = makeLab(SETTINGS);
  const msw = setupServer(...mswLab.mock.handlers);
  msw.listen({ onUnhandledRequest: 'error' });
  t.after(() => msw.close());
  const viaMsw = await run({
    async send(row, ctx) {
      const [url, init] = buildRequest(row, ctx, `https://${HOSTS[row.host ?? 'api']}${row.path}`);
      const res = await fetch(url, init);
      return { status: res.status, text: await res.text() };
    },
  }, mswLab.mock, SETTINGS_ROWS);
  assert.deepEqual(viaMsw, viaExpress);
});

test('every documented code appears in a table', () => {
  const covered = new Set([...ROWS, ...SETTINGS_ROWS].flatMap((r) => [r.code, ...(r.covers ?? [])]).filter((c) => c !== undefined));
  for (const [name, code] of Object.entries(CODES)) assert.ok(covered.has(code), `code ${code} (${name}) has no row`);
});
