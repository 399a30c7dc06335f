import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VirtualClock, parseDuration } from '../../mock-oppo/core/clock.ts';

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
