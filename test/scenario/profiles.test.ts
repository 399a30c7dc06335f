import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveProfile, ProfileError, specGlobs, PROFILE_ENV, SHELL_ENV } from '../../harness/scenario/profiles.ts';

function problemsOf(env: Record<string, string>): string[] {
  try {
    resolveProfile(env);
  } catch (error) {
    assert.ok(error instanceof ProfileError, `expected a ProfileError, got ${String(error)}`);
    return error.problems;
  }
  assert.fail('expected the profile to be rejected');
}

test('no environment gives the virtual profile: two VirtualOppo phones, lab fakes on a virtual clock, every spec group', () => {
  const p = resolveProfile({});
  assert.equal(p.name, 'virtual');
  assert.deepEqual(p.backend, { kind: 'lab', clock: 'virtual', host: '127.0.0.1', portBase: 0 });
  assert.equal(p.appium.kind, 'local');
  assert.deepEqual(p.appium.drivers, ['virtualoppo']);
  assert.equal(p.phones.phoneA['appium:automationName'], 'VirtualOppo');
  assert.equal(p.phones.phoneA['appium:appPackage'], 'com.tencent.qcloud.tim.demo');
  assert.ok(p.phones.phoneB);
  const groups = ['any', 'fakes', 'virtual', 'two-phones'];
  assert.deepEqual(specGlobs(p), [[...groups.map((g) => `./specs/${g}/**/*.e2e.ts`), ...groups.map((g) => `./.doc-specs/${g}/**/*.e2e.ts`)]]);
});

test('an unknown profile name lists the valid ones', () => {
  const problems = problemsOf({ [PROFILE_ENV]: 'simulator' });
  assert.equal(problems.length, 1);
  assert.match(problems[0]!, /E2E_PROFILE='simulator' must be one of: virtual, emulator, device, live, farm/);
});

test('the error message names the profile and every problem, without a stack of internals', () => {
  try {
    resolveProfile({ [PROFILE_ENV]: 'live' });
    assert.fail('expected a ProfileError');
  } catch (error) {
    assert.ok(error instanceof ProfileError);
    assert.match(error.message, /^E2E profile 'live' cannot start:\n/);
    for (const name of ['TIM_SDKAPPID', 'TIM_SECRET_KEY', 'OPPO_APP_KEY', 'OPPO_MASTER_SECRET', 'E2E_UDID']) {
      assert.match(error.message, new RegExp(`- ${name} is not set`));
    }
    assert.match(error.message, /README\.md/);
  }
});

test('device needs a udid; a second udid adds the two-phone specs', () => {
  assert.deepEqual(problemsOf({ [PROFILE_ENV]: 'device' }), ['E2E_UDID is not set: the adb serial of the phone under test (see `adb devices`)']);
  const one = resolveProfile({ [PROFILE_ENV]: 'device', E2E_UDID: 'ABC123' });
  assert.equal(one.phones.phoneA['appium:automationName'], 'UiAutomator2');
  assert.equal(one.phones.phoneA['appium:udid'], 'ABC123');
  assert.equal(one.phones.phoneB, undefined);
  assert.deepEqual(one.runs, ['any', 'fakes']);
  assert.deepEqual(one.backend, { kind: 'lab', clock: 'system', host: '127.0.0.1', portBase: 18600, devices: { adb: { host: '127.0.0.1', port: 5037 }, serials: ['ABC123'] } });
  const two = resolveProfile({ [PROFILE_ENV]: 'device', E2E_UDID: 'ABC123', E2E_UDID_2: 'DEF456' });
  assert.equal(two.phones.phoneB?.['appium:udid'], 'DEF456');
  assert.ok(two.runs.includes('two-phones'));
});

test('emulator defaults to emulator-5554 and validates the lab port base', () => {
  assert.equal(resolveProfile({ [PROFILE_ENV]: 'emulator' }).phones.phoneA['appium:udid'], 'emulator-5554');
  assert.deepEqual(problemsOf({ [PROFILE_ENV]: 'emulator', E2E_LAB_PORT_BASE: 'eighty' }), [
    "E2E_LAB_PORT_BASE='eighty' is not a whole number in 0..65535: first of the lab ports forwarded with adb reverse",
  ]);
});

test('emulator on virtual phones (E2E_EMULATOR=virtual): the run starts them, ephemeral lab ports; the adb server is validated', () => {
  const p = resolveProfile({ [PROFILE_ENV]: 'emulator', E2E_EMULATOR: 'virtual', E2E_UDID_2: 'emulator-5556' });
  assert.deepEqual(p.backend, {
    kind: 'lab',
    clock: 'system',
    host: '127.0.0.1',
    portBase: 0,
    devices: { adb: { host: '127.0.0.1', port: 5037 }, serials: ['emulator-5554', 'emulator-5556'], virtual: { serials: ['emulator-5554', 'emulator-5556'] } },
  });
  assert.deepEqual(p.runs, ['any', 'fakes', 'two-phones']);
  assert.equal(p.phones.phoneA['appium:automationName'], 'UiAutomator2');
  const custom = resolveProfile({ [PROFILE_ENV]: 'device', E2E_UDID: 'X', E2E_ADB_HOST: '10.0.0.9', E2E_ADB_PORT: '5555' }).backend;
  assert.deepEqual(custom.kind === 'lab' ? custom.devices?.adb : undefined, { host: '10.0.0.9', port: 5555 });
  assert.deepEqual(problemsOf({ [PROFILE_ENV]: 'emulator', E2E_EMULATOR: 'yes', E2E_ADB_PORT: '0' }), [
    "E2E_EMULATOR='yes' must be one of: real, virtual",
    "E2E_ADB_PORT='0' is not a whole number in 1..65535: the adb server port the phones are attached to",
  ]);
});

test('an own Appium URL makes the target remote; a bad one is reported', () => {
  const p = resolveProfile({ [PROFILE_ENV]: 'device', E2E_UDID: 'X', E2E_APPIUM_URL: 'http://10.0.0.5:4723/wd/hub' });
  assert.deepEqual(p.appium.connection, { protocol: 'http', hostname: '10.0.0.5', port: 4723, path: '/wd/hub' });
  assert.match(problemsOf({ [PROFILE_ENV]: 'device', E2E_UDID: 'X', E2E_APPIUM_URL: 'not a url' })[0]!, /E2E_APPIUM_URL='not a url' is not a URL/);
});

test('live runs only the specs that need nothing but IM REST and a phone', () => {
  const p = resolveProfile({
    [PROFILE_ENV]: 'live',
    TIM_SDKAPPID: '1400123456',
    TIM_SECRET_KEY: 'k',
    OPPO_APP_KEY: 'a',
    OPPO_MASTER_SECRET: 'm',
    E2E_UDID: 'X',
  });
  assert.equal(p.backend.kind, 'live');
  assert.deepEqual(p.runs, ['any']);
  if (p.backend.kind === 'live') {
    assert.equal(p.backend.im.url, 'https://console.tim.qq.com');
    assert.equal(p.backend.im.admin, 'administrator');
    assert.equal(p.backend.im.sdkAppId, 1400123456);
  }
  assert.match(problemsOf({ [PROFILE_ENV]: 'live', TIM_SDKAPPID: '14x', TIM_SECRET_KEY: 'k', OPPO_APP_KEY: 'a', OPPO_MASTER_SECRET: 'm', E2E_UDID: 'X' })[0]!, /TIM_SDKAPPID='14x' is not a whole number/);
});

test('farm: each vendor gets its endpoint and capability conventions; keys are required', () => {
  const live = { TIM_SDKAPPID: '1400123456', TIM_SECRET_KEY: 'k', OPPO_APP_KEY: 'a', OPPO_MASTER_SECRET: 'm' };
  const problems = problemsOf({ [PROFILE_ENV]: 'farm', E2E_FARM: 'browserstack', ...live });
  assert.deepEqual(
    problems.map((p) => p.split(' ')[0]),
    ['E2E_FARM_USER', 'E2E_FARM_KEY', 'E2E_FARM_APP'],
  );
  const bs = resolveProfile({ [PROFILE_ENV]: 'farm', E2E_FARM: 'browserstack', E2E_FARM_USER: 'u', E2E_FARM_KEY: 'k'.repeat(20), E2E_FARM_APP: 'bs://1', ...live });
  assert.equal(bs.appium.kind, 'remote');
  assert.equal(bs.appium.connection?.hostname, 'hub-cloud.browserstack.com');
  assert.equal(bs.phones.phoneA['appium:deviceName'], 'Oppo .*');
  assert.deepEqual(bs.phones.phoneA['bstack:options'], { userName: 'u', accessKey: 'k'.repeat(20), projectName: 'oppo-push-harness', buildName: undefined });
  const lt = resolveProfile({ [PROFILE_ENV]: 'farm', E2E_FARM: 'lambdatest', E2E_FARM_USER: 'u', E2E_FARM_KEY: 'k', E2E_FARM_APP: 'lt://1', ...live });
  assert.equal(lt.appium.connection?.hostname, 'mobile-hub.lambdatest.com');
  assert.equal((lt.phones.phoneA['lt:options'] as { isRealMobile: boolean }).isRealMobile, true);
  assert.deepEqual(problemsOf({ [PROFILE_ENV]: 'farm', E2E_FARM: 'grid', ...live }), ['E2E_FARM_HOSTNAME is not set: the Selenium Grid 4 / Appium host']);
  const grid = resolveProfile({ [PROFILE_ENV]: 'farm', E2E_FARM: 'grid', E2E_FARM_HOSTNAME: 'grid.local', E2E_FARM_BACKEND: 'lab' });
  assert.deepEqual(grid.appium.connection, { protocol: 'http', hostname: 'grid.local', port: 4444, path: '/' });
  assert.deepEqual(grid.runs, ['any', 'fakes']);
  assert.match(problemsOf({ [PROFILE_ENV]: 'farm', E2E_FARM: 'perfecto' })[0]!, /E2E_FARM='perfecto' must be one of: browserstack, saucelabs, lambdatest, grid/);
  assert.deepEqual(problemsOf({ [PROFILE_ENV]: 'farm', E2E_FARM: 'grid', E2E_FARM_HOSTNAME: 'grid.local', E2E_FARM_BACKEND: 'lab', E2E_FARM_PROTOCOL: 'ftp' }), [
    "E2E_FARM_PROTOCOL='ftp' must be one of: http, https",
  ]);
});

test('virtual phones are checked against the fixtures: an unknown device or app profile is named with the known ones', () => {
  const problems = problemsOf({ E2E_DEVICE_PROFILE: 'nokia-3310', E2E_APP_PROFILE: 'tim-demo-typo' });
  assert.equal(problems.length, 2);
  assert.match(problems[0]!, /^E2E_DEVICE_PROFILE='nokia-3310': no devices profile 'nokia-3310' \(known: .*find-x7.*\)$/);
  assert.match(problems[1]!, /^E2E_APP_PROFILE='tim-demo-typo': no apps profile 'tim-demo-typo' \(known: .*tim-demo-no-channel.*\)$/);
  assert.match(problemsOf({ E2E_APP_PROFILE: 'wechat' })[0]!, /^E2E_APP_PROFILE='wechat': no app page object for app profile 'wechat'/);
  assert.equal(resolveProfile({ E2E_DEVICE_PROFILE: 'r15', E2E_APP_PROFILE: 'tim-demo-no-channel' }).phones.phoneA['appium:deviceProfile'], 'r15');
});

test("an Appium the run starts never ends a session for idling (phoneB idles through the single-phone specs); a remote one keeps its timeout", () => {
  for (const env of [{}, { [PROFILE_ENV]: 'device', E2E_UDID: 'R5CT1', E2E_UDID_B: 'R5CT2' }]) {
    const profile = resolveProfile(env);
    assert.equal(profile.appium.kind, 'local');
    for (const caps of Object.values(profile.phones)) assert.equal(caps['appium:newCommandTimeout'], 0, profile.name);
  }
  const remote = resolveProfile({ [PROFILE_ENV]: 'device', E2E_UDID: 'R5CT1', E2E_APPIUM_URL: 'http://127.0.0.1:4723/' });
  assert.equal(remote.appium.kind, 'remote');
  assert.ok(Number(remote.phones.phoneA['appium:newCommandTimeout']) > 0);
});

test('E2E_SHELL: off by default on a farm (clouds forbid mobile: shell), on elsewhere; only for the UiAutomator2 profiles', () => {
  assert.equal(resolveProfile({ [PROFILE_ENV]: 'emulator' }).shell, true);
  assert.equal(resolveProfile({ [PROFILE_ENV]: 'emulator', [SHELL_ENV]: 'off' }).shell, false);
  assert.equal(resolveProfile({ [PROFILE_ENV]: 'farm', E2E_FARM: 'grid', E2E_FARM_HOSTNAME: 'grid.local', E2E_FARM_BACKEND: 'lab' }).shell, false);
  assert.equal(resolveProfile({ [PROFILE_ENV]: 'farm', E2E_FARM: 'grid', E2E_FARM_HOSTNAME: 'grid.local', E2E_FARM_BACKEND: 'lab', [SHELL_ENV]: 'on' }).shell, true);
  assert.deepEqual(problemsOf({ [PROFILE_ENV]: 'emulator', [SHELL_ENV]: 'no' }), ["E2E_SHELL='no' must be one of: on, off"]);
  assert.match(problemsOf({ [SHELL_ENV]: 'off' })[0]!, /E2E_SHELL=off is for the UiAutomator2 profiles/);
});

test("farm with the lab backend: no adb route means no delivery route (the checks fail with it); a route or stand-in phones give the lab's device side", () => {
  const farm = { [PROFILE_ENV]: 'farm', E2E_FARM: 'grid', E2E_FARM_HOSTNAME: 'grid.local', E2E_FARM_BACKEND: 'lab' };
  const none = resolveProfile(farm).backend;
  assert.ok(none.kind === 'lab' && none.devices === undefined);
  assert.match(none.noDeliveryRoute ?? '', /a farm phone with the lab backend gets no push/);
  assert.deepEqual(problemsOf({ ...farm, E2E_ADB_HOST: 'stf.local' }), ["E2E_UDID is not set: the farm phone's adb serial, which the delivery agent posts to"]);
  const routed = resolveProfile({ ...farm, E2E_ADB_HOST: 'stf.local', E2E_ADB_PORT: '7401', E2E_UDID: 'stf.local:7401' });
  assert.ok(routed.backend.kind === 'lab');
  assert.deepEqual(routed.backend.devices, { adb: { host: 'stf.local', port: 7401 }, serials: ['stf.local:7401'] });
  assert.equal(routed.backend.noDeliveryRoute, undefined);
  assert.equal(routed.phones.phoneA['appium:udid'], 'stf.local:7401');
  const standIn = resolveProfile({ ...farm, E2E_FARM_STANDIN: 'virtual', E2E_UDID: 'emulator-5554' });
  assert.ok(standIn.backend.kind === 'lab');
  assert.deepEqual(standIn.backend.devices?.virtual, { serials: ['emulator-5554'] });
  assert.equal(standIn.backend.portBase, 0, 'stand-in phones need no adb reverse: ephemeral lab ports');
});
