/**
 * `.ci/summary`, the closing line of `.ci/run`. A green run has no "failing" line; the summary must
 * still exit 0 (it once ended `.ci/run` with status 1 after every test had passed: grep found
 * nothing under `pipefail`).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const SUMMARY = new URL('../../.ci/summary', import.meta.url).pathname;
const RUN = new URL('../../.ci/run', import.meta.url).pathname;

function summarize(log: string): { status: number | null; stdout: string; stderr: string } {
  const dir = mkdtempSync(join(tmpdir(), 'ci-summary-'));
  try {
    const file = join(dir, 'npm-test.log');
    writeFileSync(file, log);
    const run = spawnSync('bash', [SUMMARY, file], { encoding: 'utf8' });
    return { status: run.status, stdout: run.stdout, stderr: run.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const UNIT = (pass: number, fail: number) => `# tests ${pass + fail}\n# suites 80\n# pass ${pass}\n# fail ${fail}\n# cancelled 0\n`;
const E2E = (passing: number, failing = 0) => `» specs/any/killed-app.e2e.ts\n   ✓ a push\n\n${passing} passing (34.8s)\n${failing ? `${failing} failing\n` : ''}\nSpec Files:\t 2 passed, 2 total (100% completed)\n`;

test('a green run (no "failing" anywhere): both runners counted, exit 0', () => {
  const run = summarize(`${UNIT(492, 0)}${E2E(50)}${E2E(38)}${E2E(4)}`);
  assert.equal(run.stderr, '');
  assert.equal(run.status, 0);
  assert.equal(run.stdout, 'tests: 584 passed, 0 failed\n');
});

test('failures of either runner are added up; the unit count is the last one printed', () => {
  const run = summarize(`# pass 3\n# fail 0\n${UNIT(490, 2)}${E2E(49, 1)}${E2E(3, 1)}`);
  assert.equal(run.status, 0);
  assert.equal(run.stdout, 'tests: 542 passed, 4 failed\n');
});

test('a run that stopped before any test (e.g. typecheck failed): zero and zero, still a line', () => {
  const run = summarize('error TS2322: Type \'string\' is not assignable to type \'number\'.\n');
  assert.equal(run.status, 0);
  assert.equal(run.stdout, 'tests: 0 passed, 0 failed\n');
});

/** `.ci/run` itself, with stand-ins for `npm` and `dpkg` first on PATH (nothing installed, nothing run). */
function ciRun(npmTestStatus: number): { status: number | null; stdout: string } {
  const bin = mkdtempSync(join(tmpdir(), 'ci-run-bin-'));
  try {
    const log = `${UNIT(10, npmTestStatus ? 1 : 0)}${E2E(5)}`;
    writeFileSync(join(bin, 'npm'), `#!/bin/sh\n[ "$1" = test ] || exit 0\nprintf '%s' '${log}'\nexit ${npmTestStatus}\n`, { mode: 0o755 });
    writeFileSync(join(bin, 'dpkg'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
    const run = spawnSync('bash', [RUN], { encoding: 'utf8', env: { ...process.env, PATH: `${bin}:${process.env.PATH}` } });
    return { status: run.status, stdout: run.stdout };
  } finally {
    rmSync(bin, { recursive: true, force: true });
  }
}

test('.ci/run: a green npm test ends the run with 0 and the summary line', () => {
  const run = ciRun(0);
  assert.equal(run.status, 0, run.stdout);
  assert.match(run.stdout, /\ntests: 15 passed, 0 failed\n$/);
});

test('.ci/run: a red npm test ends the run with its status, the summary line still printed', () => {
  const run = ciRun(1);
  assert.equal(run.status, 1, run.stdout);
  assert.match(run.stdout, /\ntests: 15 passed, 1 failed\n$/);
});
