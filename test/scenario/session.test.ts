import { test } from 'node:test';
import assert from 'node:assert/strict';
import { capabilityObjects } from '../../harness/scenario/session.ts';
import { LAB_ENV, adoptWorkerLab, readLabEnv, writeLabEnv } from '../../harness/scenario/lab-env.ts';
import { appPage } from '../../harness/scenario/apps/index.ts';

test('capability objects of standalone, W3C and multiremote requests are the live objects (so they can be filled in)', () => {
  const standalone = { platformName: 'Android' };
  assert.equal(capabilityObjects(standalone)[0], standalone);
  const w3c = { alwaysMatch: { platformName: 'Android' } };
  assert.equal(capabilityObjects(w3c)[0], w3c.alwaysMatch);
  const multi = { phoneA: { capabilities: { platformName: 'Android' } }, phoneB: { capabilities: { alwaysMatch: { platformName: 'Android' } } } };
  const objects = capabilityObjects(multi);
  assert.equal(objects.length, 2);
  assert.equal(objects[0], multi.phoneA.capabilities);
  assert.equal(objects[1], multi.phoneB.capabilities.alwaysMatch);
});

test('the lab URLs travel through the environment; a worker without them gets a clear error', () => {
  const env: Record<string, string | undefined> = {};
  assert.throws(() => readLabEnv(env), /E2E_LAB_URL, E2E_IM_URL, E2E_OPPO_URL not set: the lab is started by the LabLauncherService of wdio\.conf\.ts/);
  writeLabEnv([{ lab: 'http://127.0.0.1:1', im: 'http://127.0.0.1:2', oppo: 'http://127.0.0.1:3' }], undefined, env);
  assert.equal(env[LAB_ENV.im], 'http://127.0.0.1:2');
  assert.deepEqual(readLabEnv(env), { lab: 'http://127.0.0.1:1', im: 'http://127.0.0.1:2', oppo: 'http://127.0.0.1:3' });
});

test('a lab per worker: each worker reads the lab of its spec group (WDIO_WORKER_ID <capability>-<group>), never another', () => {
  const env: Record<string, string | undefined> = {};
  const labs = [1, 2].map((i) => ({ lab: `http://127.0.0.1:${i}1`, im: `http://127.0.0.1:${i}2`, oppo: `http://127.0.0.1:${i}3` }));
  writeLabEnv(labs, 'tok', env);
  // Tools that know one lab still find the first in E2E_LAB_URL...
  assert.equal(env[LAB_ENV.lab], 'http://127.0.0.1:11');
  assert.deepEqual(readLabEnv({ ...env, WDIO_WORKER_ID: '0-0' }), { ...labs[0], token: 'tok' });
  assert.deepEqual(readLabEnv({ ...env, WDIO_WORKER_ID: '0-1' }), { ...labs[1], token: 'tok' });
  // The launcher itself (no worker id) is worker 0's.
  assert.deepEqual(readLabEnv(env), { ...labs[0], token: 'tok' });
  // In worker 0-1 the single-lab variables name its own lab too.
  const worker: Record<string, string | undefined> = { ...env, WDIO_WORKER_ID: '0-1' };
  adoptWorkerLab(worker);
  assert.deepEqual([worker[LAB_ENV.lab], worker[LAB_ENV.im], worker[LAB_ENV.oppo]], [labs[1]!.lab, labs[1]!.im, labs[1]!.oppo]);
  // A later one-lab run in the same environment forgets the list.
  writeLabEnv([labs[1]!], undefined, env);
  assert.equal(readLabEnv({ ...env, WDIO_WORKER_ID: '0-0' }).lab, 'http://127.0.0.1:21');
});

test('app page objects: variant profiles share their base app screens; an unknown app is named', () => {
  assert.equal(appPage('tim-demo').packageName, 'com.tencent.qcloud.tim.demo');
  assert.equal(appPage('tim-demo-no-channel'), appPage('tim-demo'));
  assert.throws(() => appPage('wechat'), /no app page object for app profile 'wechat' \(known: tim-demo\)/);
});
