import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { readAll } from '../../harness/phone/shell/session.ts';
import { bootPhone } from './fakes.ts';

test('a streaming session: logcat prints the buffer, follows new lines, and ends when the client closes', async (t) => {
  const { phone } = await bootPhone();
  t.after(() => phone.shutdown());
  const session = phone.spawn('logcat -v threadtime -s Probe:I');
  let seen = '';
  session.stdout.on('data', (c: Buffer) => (seen += c.toString()));
  phone.log(77, 'D', 'Probe', 'below the level');
  phone.log(77, 'I', 'Probe', 'streamed');
  phone.log(77, 'I', 'Other', 'other tag');
  await once(session.stdout, 'data');
  assert.equal(session.closed, false);
  session.close();
  assert.equal(await session.exitCode, 0);
  assert.match(seen, /^--------- beginning of main\n.* I Probe   : streamed\n$/);
});

test('stdin reaches a streaming command; the pipeline ends when stdin does; stderr stays apart unless merged', async (t) => {
  const { phone } = await bootPhone();
  t.after(() => phone.shutdown());
  const session = phone.spawn('cat | grep -v skip; echo done >&2');
  session.stdin.write('keep 1\nskip\n');
  session.stdin.end('keep 2\n');
  const [stdout, stderr, code] = await Promise.all([readAll(session.stdout), readAll(session.stderr), session.exitCode]);
  assert.equal(stdout.toString(), 'keep 1\nkeep 2\n');
  assert.equal(code, 0);
  assert.equal(stderr.toString(), 'done\n');
  const merged = phone.spawn('echo a; nope; echo b', { mergeStderr: true });
  merged.stdin.end();
  assert.equal((await readAll(merged.stdout)).toString(), 'a\n/system/bin/sh: nope: inaccessible or not found\nb\n');
});

test('sh builtins: $?, exit N, exec, sh -c, and an interactive sh reading lines from stdin', async (t) => {
  const { phone } = await bootPhone();
  t.after(() => phone.shutdown());
  assert.deepEqual(await phone.shell('false; echo "rc=$?" rc=$? \'$?\''), { stdout: 'rc=1 rc=1 $?\n', stderr: '', exitCode: 0 });
  assert.deepEqual(await phone.shell('echo a; exit 7; echo b'), { stdout: 'a\n', stderr: '', exitCode: 7 });
  assert.equal((await phone.shell(`export ANDROID_LOG_TAGS="''"; exec getprop ro.product.brand`)).stdout, 'OPPO\n');
  assert.equal((await phone.shell(`sh -c 'echo inner; exit 4'; echo $?`)).stdout, 'inner\n4\n');
  const sh = phone.spawn('sh -i OP4F27L1');
  sh.stdin.end('getprop ro.product.model\nexit 5\necho never\n');
  const [out, code] = await Promise.all([readAll(sh.stdout), sh.exitCode]);
  assert.equal(out.toString(), 'OP4F27L1:/ $ CPH2307\nOP4F27L1:/ $ ');
  assert.equal(code, 5);
});
