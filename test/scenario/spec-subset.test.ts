/**
 * Running a few spec files (`npm run e2e -- --spec a --spec b`) behaves like the full run: on one
 * worker (E2E_WORKERS=1), one pair of sessions for all of them, in the order given, "1 total (100%
 * completed)"; on more, spread over the workers as the full run is (test/scenario/workers.test.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { specGroups } from '../../harness/scenario/workers.ts';

const ROOT = new URL('../..', import.meta.url).pathname;

test('one worker: the flat list --spec leaves becomes one group, in the order given', () => {
  assert.deepEqual(specGroups(['/a.e2e.ts', '/b.e2e.ts'], 1), [['/a.e2e.ts', '/b.e2e.ts']]);
  assert.deepEqual(specGroups([['/a.e2e.ts', '/b.e2e.ts']], 1), [['/a.e2e.ts', '/b.e2e.ts']]);
  assert.deepEqual(specGroups(['/a.e2e.ts', ['/b.e2e.ts']], 1), [['/a.e2e.ts', '/b.e2e.ts']]);
});

test('wdio run --spec a --spec b on E2E_WORKERS=1: one worker runs both files, in the order given, and reports 100%', async () => {
  const specs = ['specs/fakes/logout-and-kick.e2e.ts', 'specs/any/killed-app.e2e.ts'];
  const child = spawn(join(ROOT, 'node_modules/.bin/wdio'), ['run', 'wdio.conf.ts', ...specs.flatMap((s) => ['--spec', s])], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, E2E_WORKERS: '1' } });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const [code] = await once(child, 'close');
  assert.equal(code, 0, output.slice(-3000));
  assert.match(output, /Spec Files:\s+1 passed, 1 total \(100% completed\)/);
  const ran = [...output.matchAll(/^» (specs\/\S+\.e2e\.ts)$/gm)].map((m) => m[1]);
  assert.deepEqual(ran, specs);
});
