/**
 * Parallel workers (harness/scenario/workers.ts): how the suite's spec files are split over
 * E2E_WORKERS workers, and which settings a profile accepts. The suite itself runs on the default
 * workers in `npm run e2e`; bench:e2e compares one worker with two.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProfileError, resolveProfile, specFiles, specGlobs } from '../../harness/scenario/profiles.ts';
import { specGroups, workerIndex } from '../../harness/scenario/workers.ts';

const ROOT = new URL('../..', import.meta.url).pathname;

test('specGroups: one worker keeps one group in the given order; two split evenly, numbered families together and in order', () => {
  const files = ['/s/any/a.e2e.ts', '/s/v/isolation-1-mess.e2e.ts', '/s/v/b.e2e.ts', '/s/v/isolation-2-clean.e2e.ts', '/s/v/c.e2e.ts', '/s/v/d.e2e.ts'];
  assert.deepEqual(specGroups(files, 1), [files]);
  assert.deepEqual(specGroups([files], 1), [files]);
  const two = specGroups([files], 2);
  assert.deepEqual(two, [
    ['/s/any/a.e2e.ts', '/s/v/b.e2e.ts', '/s/v/c.e2e.ts'],
    ['/s/v/isolation-1-mess.e2e.ts', '/s/v/isolation-2-clean.e2e.ts', '/s/v/d.e2e.ts'],
  ]);
  // Every file exactly once.
  assert.deepEqual(two.flat().sort(), [...files].sort());
  // More workers than files: no empty group (WDIO would start a worker for nothing).
  assert.deepEqual(specGroups(['/x.e2e.ts'], 4), [['/x.e2e.ts']]);
  assert.deepEqual(specGroups([], 2), []);
  // The same stem in another directory is another family.
  assert.deepEqual(specGroups(['/p/f-1-a.e2e.ts', '/q/f-2-b.e2e.ts'], 2), [['/p/f-1-a.e2e.ts'], ['/q/f-2-b.e2e.ts']]);
});

test('the listed spec files are exactly what the globs match: every specs/<group> file of the profile, once', () => {
  const profile = resolveProfile({});
  const [files] = specFiles(profile, `${ROOT}specs`, `${ROOT}.doc-specs`);
  assert.ok(files!.length > 10);
  assert.equal(new Set(files).size, files!.length);
  for (const run of profile.runs) assert.ok(files!.some((f) => f.startsWith(`${ROOT}specs/${run}/`)), `a file of specs/${run}`);
  assert.ok(!files!.some((f) => f.includes('/selftest/')), 'selftest is in no profile');
  const dirs = specGlobs(profile, `${ROOT}specs`, `${ROOT}.doc-specs`)[0]!.map((g) => g.replace('/**/*.e2e.ts', '/'));
  for (const f of files!) assert.ok(dirs.some((d) => f.startsWith(d)) && f.endsWith('.e2e.ts'), f);
});

test('E2E_WORKERS: two by default on virtual phones, 1..16; real phones are one set, so they run on one worker', () => {
  assert.equal(resolveProfile({}).workers, 2);
  assert.equal(resolveProfile({ E2E_WORKERS: '1' }).workers, 1);
  assert.equal(resolveProfile({ E2E_WORKERS: '3' }).workers, 3);
  assert.throws(() => resolveProfile({ E2E_WORKERS: '0' }), (e: unknown) => e instanceof ProfileError && /E2E_WORKERS='0' is not a whole number in 1\.\.16/.test(e.message));
  assert.throws(() => resolveProfile({ E2E_WORKERS: '1.5' }), /E2E_WORKERS='1\.5' is not a whole number/);
  assert.equal(resolveProfile({ E2E_PROFILE: 'emulator' }).workers, 1);
  assert.throws(() => resolveProfile({ E2E_PROFILE: 'emulator', E2E_WORKERS: '2' }), /E2E_WORKERS=2 needs the virtual profile/);
});

test("a worker's lab index is its spec group's (WDIO_WORKER_ID <capability>-<group>); the launcher's is 0", () => {
  assert.equal(workerIndex({ WDIO_WORKER_ID: '0-0' }), 0);
  assert.equal(workerIndex({ WDIO_WORKER_ID: '0-3' }), 3);
  assert.equal(workerIndex({}), 0);
});
