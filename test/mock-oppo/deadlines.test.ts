/** The deadline heap behind TTLs and show windows: order, cancellation, batches. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VirtualClock } from '../../mock-oppo/core/clock.ts';
import { Deadlines } from '../../mock-oppo/core/deadlines.ts';

test('deadlines fire in time order at their own instant; cancelled ones never fire', () => {
  const clock = new VirtualClock({ start: 0 });
  const deadlines = new Deadlines(clock);
  const fired: Array<[string, number]> = [];
  const note = (name: string) => fired.push([name, clock.now()]);
  deadlines.at(300, note, 'c');
  deadlines.at(100, note, 'a');
  deadlines.at(200, note, 'b').cancel();
  clock.advance(1000);
  assert.deepEqual(fired, [['a', 100], ['c', 300]]);
  assert.equal(clock.pendingTimers(), 0, 'one clock timer at most, none left');
});

test('batched deadlines share an entry; cancelling some keeps the rest; cancelling all fires nothing', () => {
  const clock = new VirtualClock({ start: 0 });
  const deadlines = new Deadlines(clock);
  const fired: string[] = [];
  const note = (name: string) => fired.push(name);
  const handles = ['a', 'b', 'c'].map((n) => deadlines.batched(500, note, n));
  handles[1]!.cancel();
  const lone = deadlines.batched(500, note, 'x');
  deadlines.batched(700, note, 'y').cancel();
  clock.advance(600);
  assert.deepEqual(fired, ['a', 'c', 'x']);
  handles[0]!.cancel(); // after firing: a no-op
  lone.cancel();
  clock.advance(1000);
  assert.deepEqual(fired, ['a', 'c', 'x']);
});

test('thousands of cancelled deadlines are compacted away', () => {
  const clock = new VirtualClock({ start: 0 });
  const deadlines = new Deadlines(clock);
  let fired = 0;
  const handles = Array.from({ length: 5000 }, (_, i) => deadlines.at(10_000 + i, () => fired++, i));
  handles.slice(0, 4990).forEach((h) => h.cancel());
  assert.ok((deadlines as unknown as { heap: { stored: number } }).heap.stored < 2600, 'the heap was rebuilt without cancelled entries');
  clock.advance(20_000);
  assert.equal(fired, 10);
});
