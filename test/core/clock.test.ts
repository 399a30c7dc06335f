import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_DURATION_MS, MAX_EPOCH_MS, VirtualClock, isEpochMs, parseDuration } from '../../mock-oppo/core/clock.ts';

test('parseDuration reads the units specs use', () => {
  assert.equal(parseDuration('250ms'), 250);
  assert.equal(parseDuration('400s'), 400_000);
  assert.equal(parseDuration('10m'), 600_000);
  assert.equal(parseDuration('7d'), 7 * 86_400_000);
  assert.equal(parseDuration('1h30m'), 5_400_000);
  assert.equal(parseDuration(42), 42);
  assert.throws(() => parseDuration('ten minutes'), /cannot parse duration/);
  assert.throws(() => parseDuration(-1), RangeError);
});

test('a frozen clock moves only when advanced, firing timers at their own instant', () => {
  const clock = new VirtualClock({ start: 1_000_000 });
  const seen: Array<[string, number]> = [];
  clock.setTimer('2s', () => seen.push(['b', clock.now()]));
  clock.setTimer('1s', () => seen.push(['a', clock.now()]));
  const cancelled = clock.setTimer('1500ms', () => seen.push(['x', clock.now()]));
  cancelled.cancel();
  assert.equal(clock.now(), 1_000_000);
  assert.equal(clock.advance('1s'), 1);
  assert.deepEqual(seen, [['a', 1_001_000]]);
  assert.equal(clock.advance('10s'), 1);
  assert.deepEqual(seen, [['a', 1_001_000], ['b', 1_002_000]]);
  assert.equal(clock.now(), 1_011_000);
  assert.equal(clock.pendingTimers(), 0);
});

test('timers scheduled by timers fire within the same advance', () => {
  const clock = new VirtualClock({ start: 0 });
  let beats = 0;
  const beat = () => { beats++; clock.setTimer('2m', beat); };
  clock.setTimer('2m', beat);
  clock.advance('10m');
  assert.equal(beats, 5);
  assert.equal(clock.nextDueAt(), 12 * 60_000);
});

test('set() may move backwards without firing timers', () => {
  const clock = new VirtualClock({ start: 10_000 });
  let fired = 0;
  clock.setTimer(1000, () => fired++);
  clock.set(5_000);
  assert.equal(fired, 0);
  clock.set(10_999);
  assert.equal(fired, 0, 'the timer is due at 11 000, 1 s after it was scheduled');
  clock.set(11_000);
  assert.equal(fired, 1);
});

test('durations and times past what a Date can hold are refused, and change nothing', () => {
  const clock = new VirtualClock({ start: 1_000 });
  let fired = 0;
  clock.setTimer('1s', () => fired++);
  for (const bad of [1e308, Infinity, -1, NaN, MAX_DURATION_MS + 1]) assert.throws(() => parseDuration(bad), RangeError, String(bad));
  assert.throws(() => parseDuration('99999999999999999d'), RangeError);
  assert.throws(() => parseDuration({} as unknown as string), RangeError);
  assert.throws(() => clock.set(1e300), RangeError);
  assert.throws(() => clock.set(-Infinity), RangeError);
  assert.throws(() => clock.advance(MAX_EPOCH_MS), RangeError);
  assert.throws(() => clock.setTimer(MAX_EPOCH_MS, () => fired++), RangeError);
  assert.equal(clock.now(), 1_000, 'a refused set/advance does not move the clock');
  assert.equal(fired, 0);
  assert.equal(clock.pendingTimers(), 1, 'a refused timer is not scheduled');
  assert.ok(isEpochMs(MAX_EPOCH_MS) && !isEpochMs(MAX_EPOCH_MS + 1) && !isEpochMs('5'));
});

test('timers keep (time, insertion) order through a heap, and cancelled ones are compacted away', () => {
  const clock = new VirtualClock({ start: 0 });
  const order: number[] = [];
  // A fixed pseudo-random sequence of due times, with many ties.
  const handles = Array.from({ length: 5000 }, (_, i) => clock.setTimer((i * 7919) % 97, () => order.push(i)));
  for (let i = 0; i < 5000; i += 2) handles[i]!.cancel();
  handles[1]!.cancel();
  handles[1]!.cancel(); // twice: counted once
  assert.equal(clock.pendingTimers(), 2499);
  assert.ok((clock as unknown as { timers: { stored: number } }).timers.stored < 5000, 'cancelled timers do not all linger');
  clock.advance(100);
  const expected = Array.from({ length: 5000 }, (_, i) => i)
    .filter((i) => i % 2 === 1 && i !== 1)
    .sort((a, b) => (a * 7919) % 97 - (b * 7919) % 97 || a - b);
  assert.deepEqual(order, expected);
  assert.equal(clock.pendingTimers(), 0);
  handles[3]!.cancel(); // after firing: a no-op
  assert.equal(clock.pendingTimers(), 0);
});

test('a flowing clock fires its earliest timer on its own, also one set before a later one', async () => {
  const clock = new VirtualClock({ flowing: true });
  const fired: string[] = [];
  const done = new Promise<void>((resolve) => {
    clock.setTimer('1h', () => fired.push('late'));
    clock.setTimer(1, () => {
      fired.push('soon');
      resolve();
    });
  });
  await done;
  assert.deepEqual(fired, ['soon']);
  clock.dispose();
});
