import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  colorOsVersion,
  deviceSdk,
  listProfiles,
  loadAppProfile,
  loadDeviceProfile,
  validateDeviceProfile,
} from '../../harness/phone/profiles.ts';

test('every shipped device profile loads; they span Android 8 to 14 with the ColorOS prop of their era', () => {
  const devices = listProfiles('devices').map((id) => loadDeviceProfile(id));
  assert.deepEqual(devices.map((d) => deviceSdk(d)).sort((a, b) => a - b), [27, 28, 30, 33, 34]);
  for (const d of devices) {
    assert.equal(d.props['ro.product.brand'], 'OPPO');
    // ColorOS <= 11 carries opporom, 12+ oplusrom.
    const key = deviceSdk(d) >= 31 ? 'ro.build.version.oplusrom' : 'ro.build.version.opporom';
    assert.equal(colorOsVersion(d), d.props[key]);
  }
  assert.equal(loadDeviceProfile().id, 'find-x5');
});

test('every shipped app profile loads; variants extend the demo and differ only in behaviour', () => {
  const demo = loadAppProfile();
  assert.equal(demo.packageName, 'com.tencent.qcloud.tim.demo');
  assert.equal(demo.im.certificateId, 7005);
  assert.equal(demo.im.sdkAppId, 1400000001);
  // OPPO credentials are resolved from fixtures/oppo-apps.json by appId.
  assert.equal(demo.push.appKey, 'b5d1e7f0a2c84c6e9f3a1d2e4c6b8a01');
  const variants = listProfiles('apps').filter((id) => id !== 'tim-demo').map((id) => loadAppProfile(id));
  assert.equal(variants.length, 5);
  for (const v of variants) {
    assert.deepEqual({ ...v, id: demo.id, description: undefined, behaviour: demo.behaviour }, { ...demo, description: undefined });
    assert.notDeepEqual(v.behaviour, demo.behaviour);
  }
  assert.equal(loadAppProfile('tim-demo-wrong-certificate').behaviour.reportedCertificateId, 7006);
});

test('profile errors name the file or field and what is wrong', () => {
  assert.throws(() => loadDeviceProfile('nope'), /no devices profile 'nope' \(known: find-x3, find-x5, find-x7, r15, reno2\)/);
  assert.throws(() => loadAppProfile('../etc/passwd'), /bad apps profile id/);
  const good = loadDeviceProfile('r15');
  assert.throws(() => validateDeviceProfile({ ...good, props: { ...good.props, 'ro.build.version.sdk': 'x' } }), /props\.ro\.build\.version\.sdk must be an API level/);
  assert.throws(() => validateDeviceProfile({ ...good, screen: { width: 10, height: 10, density: 1 } }), /screen\.width and height must be at least/);
  const noRom = { ...good.props };
  delete noRom['ro.build.version.opporom'];
  assert.throws(() => validateDeviceProfile({ ...good, props: noRom }), /a ColorOS phone/);
  const demo = JSON.parse(JSON.stringify(loadAppProfile()));
  assert.throws(() => loadAppProfile({ ...demo, behaviour: { tokenReport: 'whenever' } }), /app profile: behaviour\.tokenReport must be one of 'after_login', 'before_login'/);
  assert.throws(() => loadAppProfile({ ...demo, behaviour: { typo: true } }), /behaviour\.typo is not a known behaviour switch/);
  assert.throws(() => loadAppProfile({ ...demo, activities: demo.activities.slice(1) }), /need an activity with role 'splash'/);
  assert.throws(() => loadAppProfile({ ...demo, push: { oppoAppId: '1' } }), /push\.oppoAppId '1' is not in fixtures\/oppo-apps\.json/);
  assert.throws(() => loadAppProfile({ id: 'x', extends: 'tim-demo', packageName: 'com.other' }), /packageName cannot be overridden/);
});
