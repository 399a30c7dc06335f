import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';

const BIN = new URL('../../bin/push-lab.js', import.meta.url).pathname;

function run(args: string[]) {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  return { child, out: () => stdout, err: () => stderr };
}

test('push-lab --help lists the commands; an unknown command is a usage error naming it', async () => {
  const help = run(['--help']);
  const [code] = await once(help.child, 'close');
  assert.equal(code, 0);
  assert.match(help.out(), /^ {2}start +start the lab/m);
  assert.match(help.out(), /^ {2}doctor +check why a user's pushes do not arrive/m);
  const bad = run(['frobnicate']);
  const [badCode] = await once(bad.child, 'close');
  assert.equal(badCode, 2);
  assert.match(bad.err(), /unknown command 'frobnicate'/);
  assert.match(bad.err(), /start/);
});

test('push-lab start --ui runs the lab and its web view (one line per service and phone) and stops on SIGTERM', async (t) => {
  const child = spawn(process.execPath, [BIN, 'start', '--phones', '1', '--ui'], { stdio: ['ignore', 'pipe', 'pipe'] });
  t.after(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  const seen: string[] = [];
  for await (const line of createInterface({ input: child.stdout! })) {
    seen.push(line);
    if (/^Ctrl-C/.test(line)) break;
  }
  assert.ok(seen.some((l) => /^lab\s+http:\/\/127\.0\.0\.1:\d+$/.test(l)), seen.join('\n'));
  assert.ok(seen.some((l) => /^phone\s+virtual-oppo-5554$/.test(l)), seen.join('\n'));
  // --ui: the web view is served and shows the lab's phone
  const web = seen.map((l) => /^web\s+(http:\/\/127\.0\.0\.1:\d+\/)$/.exec(l)?.[1]).find(Boolean);
  assert.ok(web, seen.join('\n'));
  assert.match(await (await fetch(web)).text(), /oppo-push-harness lab/);
  const closed = once(child, 'close');
  child.kill('SIGTERM');
  const [code] = await closed;
  assert.equal(code, 0);
});
