/** The standalone CLI: prints its URL, serves, and exits 0 on SIGTERM; never prints secrets of loaded apps. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO, authForm, postForm } from './helpers.ts';

const CLI = new URL('../../mock-oppo/cli.ts', import.meta.url).pathname;

/** The CLI directly, or (`viaNpm`) as CI scripts start it: `npm run mock-oppo & … kill $!`. */
function startCli(args: string[], viaNpm = false): { child: ChildProcess; output: () => string; url: Promise<string> } {
  const root = new URL('../..', import.meta.url).pathname;
  const child = viaNpm
    ? spawn('npm', ['run', '-s', 'mock-oppo', '--', ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] })
    : spawn(process.execPath, ['--import', 'tsx', CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const url = new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (chunk) => {
      out += chunk;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`cli exited ${code} before listening: ${out}`)));
  });
  return { child, output: () => out, url };
}

test('the CLI prints its URL and the demo credentials, serves auth, exits 0 on SIGTERM', async (t) => {
  const { child, output, url } = startCli(['--port', '0']);
  t.after(() => child.kill('SIGKILL'));
  const base = await url;
  assert.match(base, /^http:\/\/127\.0\.0\.1:\d+$/);
  const auth = await postForm(base, '/server/v1/auth', authForm(DEMO, Date.now()));
  assert.equal(auth.body.code, 0);
  assert.ok(output().includes(DEMO.masterSecret), 'the built-in demo app is printed in full');
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const [code] = await exited;
  assert.equal(code, 0);
});

test('apps loaded from a file replace the demo app and their secrets are never printed', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'mock-oppo-cli-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, 'apps.json');
  const app = { appId: '555', appKey: 'filekey', appSecret: 'file-app-secret-xyz', masterSecret: 'file-master-secret-xyz' };
  await writeFile(file, JSON.stringify([app]));
  const { child, output, url } = startCli(['--apps', file]);
  t.after(() => child.kill('SIGKILL'));
  const base = await url;
  assert.equal((await postForm(base, '/server/v1/auth', authForm(app, Date.now()))).body.code, 0);
  assert.equal((await postForm(base, '/server/v1/auth', authForm(DEMO, Date.now()))).body.code, 14);
  const exited = once(child, 'exit');
  child.kill('SIGINT');
  assert.equal((await exited)[0], 0);
  assert.ok(!output().includes(app.masterSecret) && !output().includes(app.appSecret), output());
});

test('--help prints usage; a bad flag exits 2', async () => {
  const help = spawn(process.execPath, ['--import', 'tsx', CLI, '--help'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  help.stdout.on('data', (c) => (text += c));
  assert.equal((await once(help, 'exit'))[0], 0);
  assert.match(text, /--apps <file>/);
  const bad = spawn(process.execPath, ['--import', 'tsx', CLI, '--nope'], { stdio: 'ignore' });
  assert.equal((await once(bad, 'exit'))[0], 2);
});

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  test(`${signal} to the npm process stops the server (kill $! in a CI script)`, async (t) => {
    const { child, url } = startCli(['--port', '0'], true);
    t.after(() => child.kill('SIGKILL'));
    const base = await url;
    const exited = once(child, 'exit');
    child.kill(signal);
    assert.equal((await exited)[0], 0);
    await assert.rejects(fetch(`${base}/_mock/v1/clock`), 'nothing listens on the port any more');
  });
}

test('a port in use: one line on stderr, exit 2, no stack trace', async (t) => {
  const first = startCli(['--port', '0']);
  t.after(() => first.child.kill('SIGKILL'));
  const port = new URL(await first.url).port;
  const second = spawn(process.execPath, ['--import', 'tsx', CLI, '--port', port], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  second.stderr!.on('data', (chunk) => (stderr += chunk));
  const [code] = await once(second, 'exit');
  assert.equal(code, 2);
  assert.equal(stderr, `mock-oppo: 127.0.0.1:${port} is already in use (EADDRINUSE); choose another port, or 0 for any free one (--port)\n`);
});
