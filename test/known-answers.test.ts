/**
 * Known answers for the two signatures the lab both makes and checks, so a wrong formula cannot
 * pass by agreeing with itself. Expected values come from outside this repository:
 * - OPPO auth `sign` = lower-case hex sha256(app_key + timestamp + master_secret): the FIPS 180-2
 *   "abc" vector, and the value a third-party unit test publishes for the same formula (Getui's
 *   auth, HughWick/toolbox `ShaTest`: appkey ygjzNnfrEJ9cJ9PPzgI1cA, timestamp 1669886260352).
 * - UserSig v2: the output of Tencent's official tls-sig-api-v2 (Node) for the SDKAppID and key
 *   of its own README, with its clock pinned to 1700000000 s; and TLS.sig recomputed from the
 *   documented signed content with node:crypto.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { inflateSync } from 'node:zlib';
import { genUserSig, verifyUserSig } from '../harness/im/index.ts';
import { authSign, createMockOppo, VirtualClock } from '../mock-oppo/index.ts';

const PUBLISHED_SIGN = {
  appKey: 'ygjzNnfrEJ9cJ9PPzgI1cA',
  timestamp: '1669886260352',
  masterSecret: 'migfmCyjVwAQBooo45PUs2',
  sign: 'c19c433a5933f1de7ca9dd8fb30fbcc97c1f03e2f4fb2aa3e5e0c839b0460e17',
};

test('OPPO auth sign: published answers', async () => {
  assert.equal(authSign('a', 'b', 'c'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad', 'FIPS 180-2 sha256("abc")');
  assert.equal(authSign(PUBLISHED_SIGN.appKey, PUBLISHED_SIGN.timestamp, PUBLISHED_SIGN.masterSecret), PUBLISHED_SIGN.sign);

  // The mock accepts exactly that sign (and not a near miss) at that instant.
  const mock = createMockOppo({
    clock: new VirtualClock({ start: Number(PUBLISHED_SIGN.timestamp) }),
    apps: [{ appId: '1', appKey: PUBLISHED_SIGN.appKey, appSecret: 's', masterSecret: PUBLISHED_SIGN.masterSecret }],
  });
  const server = await mock.listen();
  try {
    const auth = async (sign: string) => {
      const res = await fetch(`${server.url}/server/v1/auth`, {
        method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ app_key: PUBLISHED_SIGN.appKey, timestamp: PUBLISHED_SIGN.timestamp, sign }).toString(),
      });
      return ((await res.json()) as { code: number }).code;
    };
    assert.equal(await auth(PUBLISHED_SIGN.sign), 0);
    assert.equal(await auth(PUBLISHED_SIGN.sign.replace(/^c/, 'd')), 16);
  } finally {
    await server.close();
  }
});

const SDK_APP_ID = 1400000000;
const KEY = '5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e';
/** tls-sig-api-v2 1.0.2: `new Api(1400000000, KEY).genUserSig('xiaojun', 180 * 86400)` with Date.now() = 1700000000000. */
const OFFICIAL_USERSIG =
  'eJyrVgrxCdYrSy1SslIy0jNQ0gHzM1NS80oy0zLBwhWZiflZpXlQqeKU7MSCgswUJStDEwMogMiUZOamKlkZmqOKplYUZBaBxE1NTY3gosWZ6UpWSj5ljuYp*p7l5unBxXnF2WVhVU4uAf7Ozi5JpX7O5SbuHuUhzgZJmQXaTia2SrUAohcx8g__';

test('UserSig v2: byte-identical to the official library for fixed inputs; TLS.sig is the documented HMAC', () => {
  const ours = genUserSig({ sdkAppId: SDK_APP_ID, secretKey: KEY, userId: 'xiaojun', expireSeconds: 180 * 86400, now: 1_700_000_000_000 });
  assert.equal(ours, OFFICIAL_USERSIG);

  const doc = JSON.parse(inflateSync(Buffer.from(OFFICIAL_USERSIG.replace(/\*/g, '+').replace(/-/g, '/').replace(/_/g, '='), 'base64')).toString('utf8'));
  const content = 'TLS.identifier:xiaojun\nTLS.sdkappid:1400000000\nTLS.time:1700000000\nTLS.expire:15552000\n';
  assert.equal(doc['TLS.sig'], createHmac('sha256', KEY).update(content).digest('base64'));

  const verified = verifyUserSig(OFFICIAL_USERSIG, { sdkAppId: SDK_APP_ID, secretKey: KEY, userId: 'xiaojun', now: 1_700_000_000_000 });
  assert.deepEqual(verified.ok && verified.ticket, { identifier: 'xiaojun', sdkAppId: SDK_APP_ID, time: 1_700_000_000, expire: 15_552_000 });
  const wrongKey = verifyUserSig(OFFICIAL_USERSIG, { sdkAppId: SDK_APP_ID, secretKey: KEY.replace(/^5/, '6'), userId: 'xiaojun', now: 1_700_000_000_000 });
  assert.equal(wrongKey.ok === false && wrongKey.code, 70009);
});
