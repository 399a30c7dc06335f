/**
 * A failure at a resource limit names the limit and what to do (issue: at ~10,000 WebSocket phones
 * boot failed with a bare "socket hang up" at the process's open-file limit).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { atResourceLimit, fileUse, ResourceLimitError } from '../../harness/phone/resource-limits.ts';

const ROOT = new URL('../..', import.meta.url).pathname;

test('a refused socket at the open-file limit becomes a ResourceLimitError naming the limit; anything else stays as it was', () => {
  const hangUp = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
  const named = atResourceLimit(hangUp, 'the push link of p1', { open: 1020, limit: 1024 });
  assert.ok(named instanceof ResourceLimitError);
  assert.equal(named.limit, 'open files');
  assert.equal(named.cause, hangUp);
  assert.match(named.message, /^the push link of p1 failed \(socket hang up\) at the open-file limit: this process has 1020 files open of its limit 1024 \('Max open files', ulimit -n\)/);
  assert.match(named.message, /about 256 logged-in phones fit\. Raise the limit \(ulimit -n\) or boot the phones with in-process links/);
  // Far from the limit: the network's own error, untouched.
  assert.equal(atResourceLimit(hangUp, 'x', { open: 100, limit: 1024 }), hangUp);
  // Not a refused socket (a protocol error at the limit is still a protocol error).
  const refused = new Error('device link closed (4001 bad hello)');
  assert.equal(atResourceLimit(refused, 'x', { open: 1024, limit: 1024 }), refused);
  // No limit known (not Linux, or unlimited): a hang-up stays a hang-up...
  assert.equal(atResourceLimit(hangUp, 'x', { open: 1024, limit: undefined }), hangUp);
  assert.equal(atResourceLimit(hangUp, 'x', undefined), hangUp);
  // ...but EMFILE is the limit whatever the count says now (the failed connect has freed its descriptors).
  const emfile = Object.assign(new Error('connect EMFILE 127.0.0.1:43313 - Local (undefined:undefined)'), { code: 'EMFILE' });
  const counted = atResourceLimit(emfile, 'the push link of p2', { open: 140, limit: 160 });
  assert.ok(counted instanceof ResourceLimitError);
  assert.match(counted.message, /^the push link of p2 failed \(connect EMFILE .*\) at the open-file limit: this process has 140 files open of its limit 160/);
  const uncounted = atResourceLimit(emfile, 'p3', { open: 9, limit: undefined });
  assert.ok(uncounted instanceof ResourceLimitError);
  assert.match(uncounted.message, /no file descriptor was left for its socket \(the open-file limit, ulimit -n/);
});

test('this process: open files and their limit from /proc (Linux)', (t) => {
  const use = fileUse();
  if (!use) return t.skip('no /proc/self/fd on this system: the limit cannot be read, failures keep the socket error');
  assert.ok(use.open > 0);
  assert.ok(use.limit === undefined || use.limit >= use.open);
});

test('a lab under ulimit -n 160 booting WebSocket phones: the phone that does not fit fails naming the limit, and the lab still stops', async (t) => {
  if (!fileUse()) return t.skip('no /proc/self/fd on this system');
  const { stdout } = await promisify(execFile)('sh', ['-c', `ulimit -n 160 && exec "${process.execPath}" --import tsx test/phone/fd-limit-child.ts`], { cwd: ROOT });
  const result = JSON.parse(stdout.trim().split('\n').at(-1)!) as { booted: number; failure?: { name: string; limit?: string; message: string }; stopped: boolean };
  assert.ok(result.failure, `all ${result.booted} phones booted under ulimit -n 160`);
  assert.equal(result.failure.name, 'ResourceLimitError', JSON.stringify(result));
  assert.equal(result.failure.limit, 'open files');
  assert.match(result.failure.message, /of its limit 160 \('Max open files', ulimit -n\)/);
  assert.ok(result.booted > 10, `only ${result.booted} phones booted before the limit`);
  assert.equal(result.stopped, true);
});
