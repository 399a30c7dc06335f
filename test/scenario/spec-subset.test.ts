/**
 * Running a few spec files (`npm run e2e -- --spec a --spec b`) behaves like the full run: on one
 * worker (E2E_WORKERS=1) the files the CLI leaves form one group, in the order given (the real run
 * is checked in test/run/one-run.test.ts); on more, spread over the workers as the full run is
 * (test/scenario/workers.test.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { specGroups } from '../../harness/scenario/workers.ts';

test('one worker: the flat list --spec leaves becomes one group, in the order given', () => {
  assert.deepEqual(specGroups(['/a.e2e.ts', '/b.e2e.ts'], 1), [['/a.e2e.ts', '/b.e2e.ts']]);
  assert.deepEqual(specGroups([['/a.e2e.ts', '/b.e2e.ts']], 1), [['/a.e2e.ts', '/b.e2e.ts']]);
  assert.deepEqual(specGroups(['/a.e2e.ts', ['/b.e2e.ts']], 1), [['/a.e2e.ts', '/b.e2e.ts']]);
});
