/**
 * What a spec imports besides the Scenario, all from `harness/scenario/index.ts`: durations
 * (`parseDuration`), "next midnight in Beijing" (`nextMidnightInBeijing`, when OPPO's daily limits
 * start over) with `s.advanceTo`, the lab env reader (`readLabEnv`, `LAB_ENV`), and the device and app
 * profile lists (`listProfiles`, `loadDeviceProfile`, `loadAppProfile`) to boot a phone from.
 */
import assert from 'node:assert/strict';
import { multiremotebrowser } from '@wdio/globals';
import {
  LAB_ENV,
  expectNotification,
  expectNotPushed,
  listProfiles,
  loadAppProfile,
  loadDeviceProfile,
  nextMidnightInBeijing,
  openScenario,
  parseDuration,
  readLabEnv,
  type Scenario,
} from '../../harness/scenario/index.ts';

describe('time, the lab env and the profiles, from the scenario API', () => {
  let s: Scenario;
  let alice: string;

  before(async () => {
    s = await openScenario('time-profiles', multiremotebrowser);
    alice = await s.user('alice', 'Alice');
  });

  after(async () => {
    await s?.close();
  });

  it('the per-device public limit starts over at the next midnight in Beijing; the clock never goes back', async () => {
    const bob = await s.user('bob', 'Bob');
    const phone = s.phone();
    await phone.login(bob);
    await phone.kill();
    const marketing = { AndroidInfo: { OPPOCategory: 'MARKETING' } };
    for (const text of ['offer 1', 'offer 2']) {
      const sent = await s.im.sendText(alice, bob, text, marketing);
      await expectNotification(phone, { title: 'Alice', text }, { sent, within: '1m' });
    }
    const third = await s.im.sendText(alice, bob, 'offer 3', marketing);
    await expectNotPushed(s.observers, third, { to: bob, phone, layer: 'oppo', reason: 'user_daily_limit', match: { title: 'Alice', text: 'offer 3' } });

    const now = await s.now();
    const midnight = nextMidnightInBeijing(now);
    assert.ok(midnight > now && midnight - now <= parseDuration('1d'), 'within the next day');
    assert.equal(new Date(midnight + parseDuration('8h')).getUTCHours(), 0, 'midnight at GMT+8');
    await s.advanceTo(midnight);
    assert.equal(await s.now(), midnight);
    await assert.rejects(s.advanceTo(midnight - parseDuration('1m')), /never goes back/);

    const nextDay = await s.im.sendText(alice, bob, 'offer 4', marketing);
    await expectNotification(phone, { title: 'Alice', text: 'offer 4' }, { sent: nextDay, within: '1m' });
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
