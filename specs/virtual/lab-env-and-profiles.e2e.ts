/**
 * What a spec imports besides the Scenario, from `harness/scenario/index.ts`: the lab env reader
 * (`readLabEnv`, `LAB_ENV`) and the device and app profile lists (`listProfiles`,
 * `loadDeviceProfile`, `loadAppProfile`) to boot a phone from. (`parseDuration`,
 * `nextMidnightInBeijing` and `s.advanceTo`: specs/virtual/oppo-direct.e2e.ts.)
 */
import assert from 'node:assert/strict';
import { multiremotebrowser } from '@wdio/globals';
import { LAB_ENV, expectNotification, listProfiles, loadAppProfile, loadDeviceProfile, openScenario, readLabEnv, type Scenario } from '../../harness/scenario/index.ts';

describe('the lab env and the profiles, from the scenario API', () => {
  let s: Scenario;
  let alice: string;

  before(async () => {
    s = await openScenario('env-profiles', multiremotebrowser);
    alice = await s.user('alice', 'Alice');
  });

  after(async () => {
    await s?.close();
  });

  it("readLabEnv names the lab's services as the lab itself lists them", async () => {
    const env = readLabEnv();
    assert.equal(process.env[LAB_ENV.im], env.im);
    const services = Object.fromEntries((await s.lab!.services()).map((x) => [x.name, x.url]));
    assert.deepEqual([services['lab'], services['im'], services['mock-oppo']], [env.lab, env.im, env.oppo]);
  });

  it('a phone booted from the profile lists: every listed profile loads; the booted phone is that device and gets the push', async () => {
    const devices = listProfiles('devices');
    const apps = listProfiles('apps');
    assert.ok(devices.length >= 2 && apps.includes('tim-demo'), `devices ${devices}, apps ${apps}`);
    for (const id of devices) assert.equal(loadDeviceProfile(id).id, id);
    for (const id of apps) assert.equal(loadAppProfile(id).id, id);

    const device = loadDeviceProfile(devices[devices.length - 1]);
    const phone = await s.bootPhone({ appProfile: 'tim-demo', deviceProfile: device.id, name: device.id });
    const info = (await phone.driver.execute('mobile: deviceInfo')) as { model: string; platformVersion: string };
    assert.deepEqual([info.model, info.platformVersion], [device.props['ro.product.model'], device.props['ro.build.version.release']]);
    const carol = await s.user('carol', 'Carol');
    await phone.login(carol);
    await phone.kill();
    const sent = await s.im.sendText(alice, carol, `hello ${device.id}`);
    await expectNotification(phone, { title: 'Alice', text: `hello ${device.id}` }, { sent, within: '1m' });
  });
});
