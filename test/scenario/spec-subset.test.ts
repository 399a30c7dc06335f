/**
 * Running a few spec files (`npm run e2e -- --spec a --spec b`) behaves like the full run: on one
 * worker (E2E_WORKERS=1), one pair of sessions for all of them, in the order given, "1 total (100%
 * completed)", and the same reports (per-test data, JUnit, index.html) holding exactly those files'
 * tests; on more, spread over the workers as the full run is (test/scenario/workers.test.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { specGroups } from '../../harness/scenario/workers.ts';
import { REPORTS_DIR_ENV, readTestReports } from '../../harness/reports/model.ts';

const ROOT = new URL('../..', import.meta.url).pathname;

test('one worker: the flat list --spec leaves becomes one group, in the order given', () => {
  assert.deepEqual(specGroups(['/a.e2e.ts', '/b.e2e.ts'], 1), [['/a.e2e.ts', '/b.e2e.ts']]);
  assert.deepEqual(specGroups([['/a.e2e.ts', '/b.e2e.ts']], 1), [['/a.e2e.ts', '/b.e2e.ts']]);
  assert.deepEqual(specGroups(['/a.e2e.ts', ['/b.e2e.ts']], 1), [['/a.e2e.ts', '/b.e2e.ts']]);
});

test('wdio run --spec a --spec b on E2E_WORKERS=1: one worker runs both files, in the order given, reports 100% and writes the reports of both', async (t) => {
  const specs = ['specs/fakes/logout-and-kick.e2e.ts', 'specs/any/killed-app.e2e.ts'];
  const reports = await mkdtemp(join(tmpdir(), 'spec-subset-'));
  t.after(() => rm(reports, { recursive: true, force: true }));
  const child = spawn(join(ROOT, 'node_modules/.bin/wdio'), ['run', 'wdio.conf.ts', ...specs.flatMap((s) => ['--spec', s])], {
    cwd: ROOT,
    env: { ...process.env, [REPORTS_DIR_ENV]: reports, E2E_WORKERS: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const [code] = await once(child, 'close');
  assert.equal(code, 0, output.slice(-3000));
  assert.match(output, /Spec Files:\s+1 passed, 1 total \(100% completed\)/);
  const ran = [...output.matchAll(/^» (specs\/\S+\.e2e\.ts)$/gm)].map((m) => m[1]);
  assert.deepEqual(ran, specs);

  // The reports of the full run, for exactly these files' tests: every test passed, none of another file.
  const tests = (await readTestReports(join(reports, 'data'))).filter((r) => r.kind === 'test');
  const passed = [...output.matchAll(/^\s+✓ /gm)].length;
  assert.equal(tests.length, passed, `a report per test that ran (${passed})`);
  assert.deepEqual([...new Set(tests.map((r) => r.spec))], specs);
  assert.ok(tests.every((r) => r.state === 'passed'));
  const junit = await Promise.all((await readdir(join(reports, 'junit'))).map((f) => readFile(join(reports, 'junit', f), 'utf8')));
  assert.equal([...junit.join('\n').matchAll(/<testcase /g)].length, passed, 'JUnit has every test');
  const html = await readFile(join(reports, 'index.html'), 'utf8');
  for (const spec of specs) assert.ok(html.includes(spec), `index.html names ${spec}`);
});
