/**
 * A run leaves no secret behind: a cut of the e2e suite (test/access/run/secrets.conf.ts: a spec
 * file per kind of client, plus a last spec file that fails on purpose and dumps the lab's journals), with a lab token
 * enforced on loopback — so every client of the run (the WDIO service and workers, the typed
 * clients, RemotePhone, the VirtualOppo driver in the Appium the run spawns) must pass it on, or its
 * spec fails. Then every file the run wrote, and its output, is searched for every configured secret
 * (the fixtures' IM secret key, AppSecret and MasterSecret, the lab token) and for anything shaped
 * like a UserSig or an unmasked OPPO auth_token.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import imApp from '../../fixtures/im-app.json' with { type: 'json' };
import oppoApps from '../../fixtures/oppo-apps.json' with { type: 'json' };
import { generateToken } from '../../mock-oppo/access/guard.ts';
import { maskSecret } from '../../mock-oppo/core/apps.ts';
import { LAB_TOKEN_ENV } from '../../harness/lab/access.ts';
import { genUserSig } from '../../harness/im/usersig.ts';
import { fixtureSecrets, leaksIn, userSigsIn } from './secret-scan.ts';

const ROOT = new URL('../../', import.meta.url).pathname;
const DELIBERATE_FAILURE = 'deliberate failure: the secrets run needs a funnel report to grep';

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(path)));
    else out.push(path);
  }
  return out;
}

test('the UserSig detector finds a UserSig', () => {
  const sig = genUserSig({ sdkAppId: imApp.sdkAppId, secretKey: imApp.secretKey, userId: imApp.admin });
  assert.deepEqual(userSigsIn(`usersig=${sig}&random=1`), [sig]);
  assert.deepEqual(userSigsIn('eJ' + 'x'.repeat(60)), []);
});

test('a run with a lab token: every kind of client passes through the guard, and no log, report or journal holds a secret', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'secrets-run-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  // The run empties its reports folder as it starts: its output goes beside it, and is searched too.
  const reports = join(dir, 'reports');
  const token = generateToken();
  const child = spawn(process.execPath, [join(ROOT, 'node_modules/@wdio/cli/bin/wdio.js'), 'run', 'test/access/run/secrets.conf.ts'], {
    cwd: ROOT,
    env: { ...process.env, [LAB_TOKEN_ENV]: token, E2E_REPORTS_DIR: reports, E2E_PROFILE: 'virtual' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.pipe(createWriteStream(join(dir, 'run.stdout.txt')));
  child.stderr!.pipe(createWriteStream(join(dir, 'run.stderr.txt')));
  t.after(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  const [code] = await once(child, 'close');
  const files = await filesUnder(dir);
  // Named as in the reports folder (`junit/…`, `index.html`); the run's output as `run.stdout.txt`.
  const texts = new Map(await Promise.all(files.map(async (f) => [f.slice((f.startsWith(`${reports}/`) ? reports : dir).length + 1), await readFile(f, 'utf8')] as const)));
  const output = `${texts.get('run.stdout.txt')}\n${texts.get('run.stderr.txt')}`;

  // The run: every suite spec passed with the token enforced; only the deliberate failure failed.
  const junit = [...texts].filter(([f]) => f.startsWith('junit/')).map(([, x]) => x).join('\n');
  const count = (attr: string) => [...junit.matchAll(new RegExp(`<testsuite [^>]*\\b${attr}="(\\d+)"`, 'g'))].reduce((n, m) => n + Number(m[1]), 0);
  assert.ok(count('tests') >= 10, `the suite ran (${count('tests')} tests):\n${output.slice(-3000)}`);
  assert.equal(count('failures'), 1, `only the deliberate failure:\n${output.slice(-3000)}`);
  assert.ok(junit.includes(DELIBERATE_FAILURE));
  assert.equal(code, 1);

  // What was searched is the real thing: journals with masked secrets, a funnel report, logs.
  const state = texts.get('state/lab.json') ?? '';
  assert.ok(state.includes(`"masterSecret": "${maskSecret(oppoApps[0]!.masterSecret)}"`), 'the dump holds the masked certificate');
  assert.match(state, /"auth_token": "\w{4}\*{4}"/, 'the dump holds masked auth tokens');
  assert.ok([...texts.keys()].some((f) => f.startsWith('funnels/')), 'a funnel report was written');
  assert.ok(texts.has('index.html'), 'the HTML report was written');
  assert.ok([...texts.keys()].some((f) => f.startsWith('allure-results/')), 'Allure results were written');
  assert.match(state, /"trace [^"]+": \{[\s\S]*"hops"/, 'the dump holds a joined trace');
  assert.ok([...texts.keys()].some((f) => /^logs\/.*appium.*\.log$/.test(f)), `Appium's log is there: ${[...texts.keys()].join(', ')}`);

  const leaks = leaksIn(texts, fixtureSecrets(token));
  assert.deepEqual(leaks, []);
});
