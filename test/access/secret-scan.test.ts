/**
 * The secret scanner the run checks use (test/run/one-run.test.ts greps a whole run with it, the web
 * view's test its pages): it must find what it looks for.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import imApp from '../../fixtures/im-app.json' with { type: 'json' };
import { genUserSig } from '../../harness/im/usersig.ts';
import { userSigsIn } from './secret-scan.ts';

test('the UserSig detector finds a UserSig', () => {
  const sig = genUserSig({ sdkAppId: imApp.sdkAppId, secretKey: imApp.secretKey, userId: imApp.admin });
  assert.deepEqual(userSigsIn(`usersig=${sig}&random=1`), [sig]);
  assert.deepEqual(userSigsIn('eJ' + 'x'.repeat(60)), []);
});
