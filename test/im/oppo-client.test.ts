/** The OPPO sender on its own, with OPPO's wire played by a scripted fetch: closing ends a retry wait. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VirtualClock } from '../../mock-oppo/core/clock.ts';
import { OppoClient } from '../../harness/im/push/oppo-client.ts';
import { defaultCertificates } from '../../harness/im/fixtures.ts';

test('close() ends a retry that is waiting out its backoff: the push gives up after one unicast', async () => {
  let unicastCalls = 0;
  let firstUnicastAnswered!: () => void;
  const answered = new Promise<void>((resolve) => (firstUnicastAnswered = resolve));
  const scripted: typeof fetch = async (input) => {
    const path = new URL(String(input)).pathname;
    if (path.endsWith('/auth')) {
      return Response.json({ code: 0, message: 'success', data: { auth_token: 'a1b2c3', create_time: 0 } });
    }
    unicastCalls++;
    queueMicrotask(firstUnicastAnswered);
    return Response.json({ code: -2, message: 'Service in Flow Control' });
  };
  // A backoff far longer than any test: only close() can end it.
  const client = new OppoClient({ baseUrl: 'http://oppo.invalid', clock: new VirtualClock({ start: 0 }), fetch: scripted, retryDelaysMs: [3_600_000], timeoutMs: 5_000 });
  const pending = client.unicast(defaultCertificates()[0]!, { target_type: 2, target_value: 'CN_' + '0'.repeat(32), notification: { title: 't', content: 'c' } });
  await answered;
  client.close();
  const exchange = await pending;
  assert.equal(exchange.outcome, 'gave_up');
  assert.equal(exchange.code, -2);
  assert.equal(unicastCalls, 1);
  assert.equal(exchange.attempts.filter((a) => a.call === 'unicast').length, 1);
});
