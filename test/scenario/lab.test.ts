import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SevereServiceError } from 'webdriverio';
import { RemotePhone } from '../../harness/phone/http/index.ts';
import { LabClient } from '../../harness/scenario/lab-client.ts';
import { LAB_ENV, LABS_ENV, readLabEnv } from '../../harness/scenario/lab-env.ts';
import { LabLauncherService, type LabBackend } from '../../harness/scenario/lab-service.ts';
import { startLabForRun, WEB_VIEW_ENV } from '../../harness/scenario/lab-starter.ts';
import { resolveProfile } from '../../harness/scenario/profiles.ts';

const VIRTUAL: LabBackend = { kind: 'lab', clock: 'virtual', host: '127.0.0.1', portBase: 0 };

test('the launcher service starts the lab, hands its URLs to the workers, and stops it', async (t) => {
  const saved = Object.values(LAB_ENV).map((name) => [name, process.env[name]] as const);
  t.after(() => {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });
  const calls: string[] = [];
  const service = new LabLauncherService({
    profile: resolveProfile({}),
    start: async (backend: LabBackend) => {
      calls.push(`start ${backend.clock}`);
      return { urls: { lab: 'http://127.0.0.1:1', im: 'http://127.0.0.1:2', oppo: 'http://127.0.0.1:3' }, stop: async () => void calls.push('stop') };
    },
  });
  await service.onPrepare();
  assert.equal(process.env[LAB_ENV.lab], 'http://127.0.0.1:1');
  assert.equal(process.env[LAB_ENV.oppo], 'http://127.0.0.1:3');
  await service.onComplete();
  await service.onComplete();
  assert.deepEqual(calls, ['start virtual', 'stop']);
});

test('on two workers the service starts a lab per spec group (fewer when there are fewer groups) and stops them all', async (t) => {
  const names = [...Object.values(LAB_ENV), LABS_ENV];
  const saved = names.map((name) => [name, process.env[name]] as const);
  t.after(() => {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });
  const profile = resolveProfile({ E2E_WORKERS: '2' });
  let started = 0;
  const stopped: number[] = [];
  const start = async () => {
    const i = ++started;
    return { urls: { lab: `http://127.0.0.1:${i}1`, im: `http://127.0.0.1:${i}2`, oppo: `http://127.0.0.1:${i}3` }, stop: async () => void stopped.push(i) };
  };
  const two = new LabLauncherService({ profile, start });
  await two.onPrepare({ specs: [['/a.e2e.ts'], ['/b.e2e.ts']] } as never);
  assert.equal(started, 2);
  assert.equal(readLabEnv({ ...process.env, WDIO_WORKER_ID: '0-1' }).lab, 'http://127.0.0.1:21');
  await two.onComplete();
  assert.deepEqual(stopped.sort(), [1, 2]);
  // One spec file (`--spec a`): one group, one lab.
  const one = new LabLauncherService({ profile, start });
  await one.onPrepare({ specs: [['/a.e2e.ts']] } as never);
  assert.equal(started, 3);
  assert.equal(process.env[LABS_ENV], undefined);
  await one.onComplete();
  // A lab that fails to start stops the ones already running.
  let calls = 0;
  const failing = new LabLauncherService({ profile, start: async () => (++calls === 2 ? Promise.reject(new Error('EMFILE')) : start()) });
  await assert.rejects(failing.onPrepare({ specs: [['/a.e2e.ts'], ['/b.e2e.ts']] } as never), /the lab did not start: EMFILE/);
  assert.deepEqual(stopped.sort(), [1, 2, 3, 4]);
});

test('a lab that cannot start aborts the run (SevereServiceError), and live profiles start no lab', async () => {
  const failing = new LabLauncherService({ profile: resolveProfile({}), start: async () => Promise.reject(new Error('EADDRINUSE')) });
  await assert.rejects(failing.onPrepare(), (error: unknown) => error instanceof SevereServiceError && /the lab did not start: EADDRINUSE/.test((error as Error).message));
  let started = false;
  const live = resolveProfile({ E2E_PROFILE: 'live', TIM_SDKAPPID: '1400000001', TIM_SECRET_KEY: 'k', OPPO_APP_KEY: 'a', OPPO_MASTER_SECRET: 'm', E2E_UDID: 'X' });
  const none = new LabLauncherService({ profile: live, start: async () => ((started = true), Promise.reject(new Error('unreachable'))) });
  await none.onPrepare();
  await none.onComplete();
  assert.equal(started, false);
});

test('the run lab: phones boot over HTTP, the clock advances through the lab, phone switches answer, bad input gets a JSON error', async (t) => {
  const lab = await startLabForRun(VIRTUAL);
  t.after(() => lab.stop());
  const client = new LabClient(lab.urls.lab);
  const phone = await RemotePhone.boot(lab.urls.lab, { appProfiles: ['tim-demo'] });
  assert.match(phone.serial, /^virtual-oppo-\d+$/);
  assert.deepEqual((await RemotePhone.list(lab.urls.lab)).map((p) => p.serial), [phone.serial]);

  const before = await client.now();
  assert.equal(await client.advance('10m'), before + 600_000);
  assert.equal(await client.now(), before + 600_000);

  await client.phone(phone.serial).setNetwork(false);
  await client.phone(phone.serial).setNetwork(true);
  await client.phone(phone.serial).setNotificationPermission('com.tencent.qcloud.tim.demo', false);
  await assert.rejects(client.phone('nope').setNetwork(false), /no phone 'nope' in the lab/);
  await assert.rejects(client.advance('ten minutes'), /lab POST \/clock\/advance: cannot parse duration/);
});

test('E2E_WEB_VIEW=1: the run lab also serves the web view of that lab, prints its URL, and closes it with the lab', async (t) => {
  const saved = process.env[WEB_VIEW_ENV];
  process.env[WEB_VIEW_ENV] = '1';
  const printed: string[] = [];
  t.mock.method(console, 'log', (line: unknown) => void printed.push(String(line)));
  let lab: Awaited<ReturnType<typeof startLabForRun>> | undefined;
  try {
    lab = await startLabForRun(VIRTUAL);
  } finally {
    if (saved === undefined) delete process.env[WEB_VIEW_ENV];
    else process.env[WEB_VIEW_ENV] = saved;
    t.mock.restoreAll();
  }
  let stopped = false;
  t.after(() => (stopped ? undefined : lab.stop()));
  const url = /^lab web view: (http:\/\/127\.0\.0\.1:\d+\/)$/.exec(printed.find((l) => l.startsWith('lab web view: ')) ?? '')?.[1];
  assert.ok(url, `the URL is printed: ${printed.join(' | ')}`);
  const page = await fetch(url);
  assert.equal(page.status, 200);
  assert.match(await page.text(), /<div id="panel-phones">/);
  await lab.stop();
  stopped = true;
  await assert.rejects(fetch(url), 'the view closed with the lab');
});
