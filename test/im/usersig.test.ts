import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deflateSync, inflateSync } from 'node:zlib';
import TLSSigAPIv2 from 'tls-sig-api-v2';
import { genUserSig, verifyUserSig } from '../../harness/im/usersig.ts';
import { IM_APP } from './helpers.ts';

const { sdkAppId, secretKey } = IM_APP;
const decode = (sig: string) => JSON.parse(inflateSync(Buffer.from(sig.replace(/\*/g, '+').replace(/-/g, '/').replace(/_/g, '='), 'base64')).toString()) as Record<string, unknown>;

test("tls-sig-api-v2's UserSigs verify, and ours are byte-identical to its output", () => {
  const api = new TLSSigAPIv2.Api(sdkAppId, secretKey);
  const theirs = api.genUserSig('alice', 86_400);
  const issuedAt = decode(theirs)['TLS.time'] as number;
  const now = issuedAt * 1000;
  assert.deepEqual(verifyUserSig(theirs, { sdkAppId, secretKey, userId: 'alice', now }), { ok: true, ticket: { identifier: 'alice', sdkAppId, time: issuedAt, expire: 86_400 } });
  assert.equal(genUserSig({ sdkAppId, secretKey, userId: 'alice', expireSeconds: 86_400, now }), theirs);
  // A PrivateMapKey carries TLS.userbuf, which is part of the signed content.
  const withUserBuf = api.genPrivateMapKey('alice', 300, 1234, 255);
  assert.equal(verifyUserSig(withUserBuf, { sdkAppId, secretKey, userId: 'alice', now }).ok, true);
});

test('verification failures carry the IM codes', () => {
  const now = Date.UTC(2026, 0, 1);
  const sig = genUserSig({ sdkAppId, secretKey, userId: 'bob', expireSeconds: 60, now });
  const code = (s: string, o: Partial<Parameters<typeof verifyUserSig>[1]> = {}) => {
    const r = verifyUserSig(s, { sdkAppId, secretKey, userId: 'bob', now, ...o });
    return r.ok ? 0 : r.code;
  };
  assert.equal(code(sig), 0);
  assert.equal(code(''), 70002);
  assert.equal(code('not-a-ticket'), 70003);
  assert.equal(code(sig.slice(0, 20)), 70003);
  assert.equal(code(sig, { sdkAppId: sdkAppId + 1 }), 70014);
  assert.equal(code(sig, { userId: 'alice' }), 70013);
  assert.equal(code(sig, { secretKey: 'another-key' }), 70009);
  assert.equal(code(sig, { now: now + 60_999 }), 0, 'the last second is still valid');
  assert.equal(code(sig, { now: now + 61_000 }), 70001);
  assert.equal(code(genUserSig({ sdkAppId, secretKey, userId: 'bob', now: now + 2 * 86_400_000 }), { futureSkewMs: 86_400_000 }), 70005);
  // Stretching the lifetime without the key breaks the signature.
  const doc = { ...decode(sig), 'TLS.expire': 31_536_000 };
  const forged = deflateSync(Buffer.from(JSON.stringify(doc))).toString('base64').replace(/\+/g, '*').replace(/\//g, '-').replace(/=/g, '_');
  assert.equal(code(forged), 70009);
});
