/**
 * Our own clients and tools against a lab (or a mock) that needs a token: the typed clients take it
 * from the environment variable of the command that started their server (PUSH_LAB_TOKEN,
 * MOCK_OPPO_TOKEN) when not given one, and `push-lab doctor` takes `--token` or PUSH_LAB_TOKEN.
 * A given token is enforced on loopback too, so these run on loopback; test/access/off-loopback
 * runs the same clients against a lab on another address.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VirtualClock } from '../../mock-oppo/core/clock.ts';
import { createMockOppo } from '../../mock-oppo/index.ts';
import { MOCK_TOKEN_ENV, MockOppoControl, MockOppoControlError } from '../../mock-oppo/control-client.ts';
import { generateToken } from '../../mock-oppo/access/guard.ts';
import { startLab, type LabOptions } from '../../harness/lab/lab.ts';
import { LAB_TOKEN_ENV } from '../../harness/lab/access.ts';
import { LabClient } from '../../harness/scenario/lab-client.ts';
import { ImConsoleClient } from '../../harness/scenario/im-console.ts';
import { IM_SECRET_KEY_ENV } from '../../harness/scenario/profiles.ts';
import { RemotePhone, PhoneHttpError } from '../../harness/phone/http/index.ts';
import { loginThroughUi } from '../phone/fakes.ts';
import { doctor, type DoctorRun } from '../doctor/run.ts';
import imApp from '../../fixtures/im-app.json' with { type: 'json' };

const START = Date.UTC(2026, 2, 1, 9, 0, 0);
/** The fixtures' app (the demo app's SDK logs in to it) with a key of its own: what a team's test app looks like. */
const REAL_LOOKING = { ...imApp, secretKey: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' };

/** Runs `fn` with `name` set in this process's environment, restoring it afterwards. */
async function withEnv<T>(name: string, value: string, fn: () => Promise<T>): Promise<T> {
  const before = process.env[name];
  process.env[name] = value;
  try {
    return await fn();
  } finally {
    if (before === undefined) delete process.env[name];
    else process.env[name] = before;
  }
}

test('the typed clients of the lab, IM console and phones read PUSH_LAB_TOKEN when not given a token', async (t) => {
  const token = generateToken();
  const lab = await startLab({ clock: new VirtualClock({ start: START }), token, phones: 1 });
  t.after(() => lab.stop());
  const [serial] = lab.farm.list().map((p) => p.serial);
  assert.equal(process.env[LAB_TOKEN_ENV], undefined, 'this test starts without the variable');
  await assert.rejects(new LabClient(lab.url).now(), /needs the token/);
  await assert.rejects(new ImConsoleClient(lab.im.url).now(), /needs the token/);
  await assert.rejects(RemotePhone.list(lab.url), (err: unknown) => err instanceof PhoneHttpError && err.status === 401);

  await withEnv(LAB_TOKEN_ENV, token, async () => {
    assert.equal(await new LabClient(lab.url).now(), START);
    assert.equal(await new ImConsoleClient(lab.im.url).now(), START);
    assert.deepEqual((await RemotePhone.list(lab.url)).map((p) => p.serial), [serial]);
    assert.equal((await new RemotePhone(lab.url, serial!).deviceInfo()).brand.toUpperCase(), 'OPPO');
    const booted = await RemotePhone.boot(lab.url);
    await RemotePhone.shutdown(lab.url, booted.serial);
    // A token given explicitly wins over the environment's.
    await assert.rejects(new LabClient(lab.url, { token: generateToken() }).now(), /does not match/);
  });
  assert.deepEqual(lab.farm.list().map((p) => p.serial), [serial], 'the phone booted with the env token is gone again');
});

test('MockOppoControl reads MOCK_OPPO_TOKEN when not given a token (what the mock CLI says of its clients)', async (t) => {
  const token = generateToken();
  const mock = createMockOppo({ clock: new VirtualClock({ start: START }) });
  const server = await mock.listen({ token });
  t.after(() => server.close());
  await assert.rejects(new MockOppoControl(server.url).faults(), (err: unknown) => err instanceof MockOppoControlError && err.status === 401 && err.message.includes(MOCK_TOKEN_ENV));
  await withEnv(MOCK_TOKEN_ENV, token, async () => {
    assert.deepEqual(await new MockOppoControl(server.url).faults(), []);
    assert.equal((await new MockOppoControl(server.url).clock()).now, START);
  });
});

/** A lab with one phone on which `u_` is logged in (the app left running), as the doctor tests use. */
async function labWithUser(t: { after(fn: () => Promise<unknown>): void }, options: LabOptions) {
  const lab = await startLab({ clock: new VirtualClock({ start: START }), ...options });
  t.after(() => lab.stop());
  const phone = await lab.farm.boot({ appProfiles: ['tim-demo'] });
  await loginThroughUi(phone, 'u_');
  await lab.farm.syncAll();
  return lab;
}

const passed = (run: DoctorRun) => (JSON.parse(run.stdout) as { checks: Array<{ id: string; status: string }> }).checks.map((c) => `${c.id}:${c.status}`);

test('push-lab doctor against a lab with a token: refused with what to give without it; --token or PUSH_LAB_TOKEN, and every check runs', async (t) => {
  const token = generateToken();
  const lab = await labWithUser(t, { token });
  const bare = await doctor(['--lab', lab.url, '--user', 'u_', '--json']);
  assert.equal(bare.code, 2, bare.stderr);
  assert.match(bare.stderr, /cannot reach the lab at .*needs the token.*PUSH_LAB_TOKEN/);
  assert.ok(!bare.stderr.includes(token));

  for (const run of [await doctor(['--lab', lab.url, '--user', 'u_', '--json', '--token', token]), await doctor(['--lab', lab.url, '--user', 'u_', '--json'], { [LAB_TOKEN_ENV]: token })]) {
    assert.equal(run.code, 0, `${run.stderr}\n${run.stdout}`);
    assert.equal(passed(run).filter((c) => !c.endsWith(':pass')).length, 0, run.stdout);
    assert.ok(!run.stdout.includes(token) && !run.stderr.includes(token), 'the doctor prints no token');
  }
  const short = await doctor(['--lab', lab.url, '--user', 'u_', '--token', 'short']);
  assert.equal(short.code, 2);
  assert.match(short.stderr, /--token: a token needs 16 to 256 characters/);
});

test('push-lab doctor against a lab that mints no UserSigs (a real-looking IM key): says to give TIM_SECRET_KEY, then signs with it', async (t) => {
  const lab = await labWithUser(t, { imApp: REAL_LOOKING, warn: () => undefined });
  const refused = await doctor(['--lab', lab.url, '--user', 'u_', '--json']);
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /mints no UserSigs.*give that key in TIM_SECRET_KEY/);
  const signed = await doctor(['--lab', lab.url, '--user', 'u_', '--json'], { [IM_SECRET_KEY_ENV]: REAL_LOOKING.secretKey });
  assert.equal(signed.code, 0, `${signed.stderr}\n${signed.stdout}`);
  assert.ok(passed(signed).includes('test_push:pass'), signed.stdout);
  assert.ok(!`${signed.stdout}${signed.stderr}`.includes(REAL_LOOKING.secretKey), 'the doctor prints no secret key');
});
