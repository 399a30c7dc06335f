/**
 * mock-oppo as a package: `npm pack` of mock-oppo/ installs into a fresh plain JavaScript project
 * (offline: the dependencies come from the npm cache, pinned by a lockfile cut from ours) and
 * works there from Node without tsx: the API, the control client, the msw handlers, the bin.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = new URL('../../', import.meta.url).pathname;
const PKG_DIR = join(ROOT, 'mock-oppo');

interface LockEntry {
  version: string;
  resolved?: string;
  integrity?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  [k: string]: unknown;
}

/**
 * The lockfile entries `deps` need, copied from our own lockfile at the same paths, found the
 * way Node resolves: `<dir>/node_modules/<name>` from the requiring package up to the root.
 */
function lockClosure(packages: Record<string, LockEntry>, deps: string[]): Record<string, LockEntry> {
  const out: Record<string, LockEntry> = {};
  const visit = (name: string, from: string) => {
    for (let dir = from; ; dir = dir.slice(0, Math.max(0, dir.lastIndexOf('/node_modules/')))) {
      const path = `${dir === '' ? '' : `${dir}/`}node_modules/${name}`;
      if (packages[path]) {
        if (out[path]) return;
        out[path] = packages[path];
        for (const dep of Object.keys({ ...packages[path].dependencies, ...packages[path].optionalDependencies })) visit(dep, path);
        return;
      }
      if (dir === '') throw new Error(`${name} (needed by ${from || 'the package'}) is not in package-lock.json`);
    }
  };
  for (const dep of deps) visit(dep, '');
  return out;
}

test('npm pack of mock-oppo installs into a plain JS project and runs there without tsx', { timeout: 240_000 }, async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'mock-oppo-pack-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const npm = (args: string[], cwd: string) => run('npm', args, { cwd, env: { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' } });

  const packed = JSON.parse((await npm(['pack', '--json', '--pack-destination', dir], PKG_DIR)).stdout)[0] as { filename: string; integrity: string; files: Array<{ path: string }> };
  const files = packed.files.map((f) => f.path);
  assert.ok(files.includes('dist/mock-oppo/index.js') && files.includes('dist/mock-oppo/index.d.ts'), 'compiled JS and declarations are packed');
  assert.ok(files.includes('dist/fixtures/oppo-apps.json'), 'the demo app travels with it');
  assert.ok(files.includes('dist/mock-oppo/contract/index.js') && files.includes('dist/mock-oppo/cli.js'), 'the contract check and the bin');
  assert.ok(!files.some((f) => f.endsWith('.ts') && !f.endsWith('.d.ts')), 'no TypeScript sources');
  const outside = files.filter((f) => f.startsWith('dist/') && !f.startsWith('dist/mock-oppo/') && f !== 'dist/fixtures/oppo-apps.json');
  assert.deepEqual(outside, [], 'mock-oppo stands alone: nothing from harness/ (or elsewhere) is compiled into it');

  const manifest = JSON.parse(await readFile(join(PKG_DIR, 'package.json'), 'utf8')) as { name: string; version: string; dependencies: Record<string, string> };
  const rootManifest = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
  for (const [name, range] of Object.entries(manifest.dependencies)) {
    assert.equal(range, rootManifest.dependencies[name] ?? rootManifest.devDependencies[name], `mock-oppo asks for the ${name} the repository pins`);
  }
  const rootLock = JSON.parse(await readFile(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };
  const tarball = `file:${packed.filename}`;
  await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true, type: 'module', dependencies: { 'mock-oppo': tarball } }, null, 2));
  await writeFile(join(dir, 'package-lock.json'), JSON.stringify({
    name: 'consumer', version: '1.0.0', lockfileVersion: 3, requires: true,
    packages: {
      '': { name: 'consumer', version: '1.0.0', dependencies: { 'mock-oppo': tarball } },
      'node_modules/mock-oppo': { version: manifest.version, resolved: tarball, integrity: packed.integrity, dependencies: manifest.dependencies, bin: { 'mock-oppo': 'dist/mock-oppo/cli.js' }, engines: { node: '>=20.19' } },
      ...lockClosure(rootLock.packages, Object.keys(manifest.dependencies)),
    },
  }, null, 2));
  await npm(['ci', '--offline', '--ignore-scripts'], dir);
  assert.ok(!existsSync(join(dir, 'node_modules', 'tsx')), 'tsx is not installed');
  assert.ok(!existsSync(join(dir, 'node_modules', 'typescript')), 'typescript is not installed');

  await writeFile(join(dir, 'consumer.mjs'), `
import { createMockOppo, authSign, VirtualClock } from 'mock-oppo';
import { MockOppoControl } from 'mock-oppo/control';
import { createMswHandlers } from 'mock-oppo/msw';
import { setupServer } from 'msw/node';

const now = Date.UTC(2026, 0, 15);
const mock = createMockOppo({ clock: new VirtualClock({ start: now }) });
const app = mock.platform.listApps()[0];
const form = (ts) => new URLSearchParams({ app_key: app.appKey, timestamp: String(ts), sign: authSign(app.appKey, ts, app.masterSecret) });
const server = await mock.listen();
const overHttp = await (await fetch(server.url + '/server/v1/auth', { method: 'POST', body: form(now) })).json();
const control = new MockOppoControl(server.url);
const reg = await control.register({ deviceId: 'phone-1' });
await server.close();

const msw = setupServer(...createMswHandlers(mock.core));
msw.listen({ onUnhandledRequest: 'error' });
const overMsw = await (await fetch('https://api.push.oppomobile.com/server/v1/auth', { method: 'POST', body: form(now) })).json();
msw.close();
console.log(JSON.stringify({ http: overHttp.code, token: typeof overHttp.data?.auth_token, regId: reg.regId, msw: overMsw.code, journal: mock.journal().length }));
`);
  const { stdout } = await run(process.execPath, ['consumer.mjs'], { cwd: dir });
  const result = JSON.parse(stdout.trim().split('\n').at(-1)!);
  assert.equal(result.http, 0, 'auth over real HTTP');
  assert.equal(result.token, 'string');
  assert.match(result.regId, /^CN_[0-9a-f]{32}$/, 'the control client registered a phone');
  assert.equal(result.msw, 0, 'the msw handlers answer for the real host');
  assert.equal(result.journal, 2);

  const help = await run(join(dir, 'node_modules', '.bin', 'mock-oppo'), ['--help'], { cwd: dir });
  assert.match(help.stdout, /A stateful fake of the OPPO PUSH platform/);

  assert.ok(existsSync(join(dir, 'node_modules', 'mock-oppo', 'dist', 'mock-oppo', 'control-client.d.ts')));
});
