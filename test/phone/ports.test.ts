import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { DevicePorts, PortInUseError } from '../../harness/phone/ports.ts';

test('a device port refuses until a program listens, hands sockets over while it does, and refuses again after', () => {
  const ports = new DevicePorts();
  const socket = new PassThrough();
  assert.equal(ports.connect(6790, socket), false);
  const got: unknown[] = [];
  const stop = ports.listen(6790, (s) => got.push(s));
  assert.throws(() => ports.listen(6790, () => {}), PortInUseError);
  assert.equal(ports.connect(6790, socket), true);
  assert.deepEqual(got, [socket]);
  assert.deepEqual(ports.list(), [6790]);
  stop();
  stop();
  assert.equal(ports.connect(6790, socket), false);
  assert.throws(() => ports.listen(0, () => {}), RangeError);
  ports.listen(8080, () => {});
  ports.closeAll();
  assert.equal(ports.isListening(8080), false);
});
