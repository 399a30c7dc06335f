/**
 * Assertions that read like the docs: the phone shows a notification (title, text, channel) within
 * a time; the app received these extras; a message was NOT pushed, for this reason, checked at the
 * IM, OPPO and phone layers. Each failure says what was expected and what each layer saw.
 */
import { AssertionError } from 'node:assert';
import { parseDuration, type Duration } from '../../mock-oppo/core/clock.ts';
import type { MockOppoControl } from '../../mock-oppo/control-client.ts';
import { describeFunnel, outcomeOf, type DeviceFunnel, type Layer, type Outcome } from './funnel.ts';
import type { ImConsoleClient } from './im-console.ts';
import type { SendMsgResult } from './im-rest.ts';
import type { Phone, ShownNotification } from './phone.ts';
import { matchesNotification, type NotificationMatch } from './shade.ts';

/** Where the matchers look besides the phone: the lab's IM traces and mock-oppo (absent on `live`). */
export interface Observers {
  console?: ImConsoleClient;
  oppo?: MockOppoControl;
}

export interface ExpectedNotification extends NotificationMatch {
  channel?: string;
}

function fail(message: string): never {
  throw new AssertionError({ message });
}

/** Why a shown notification does not match, or undefined when it does. */
export function notificationMismatch(expected: ExpectedNotification, shown: ShownNotification, sent?: SendMsgResult, within?: Duration): string | undefined {
  const problems: string[] = [];
  if (expected.text !== undefined && shown.text !== expected.text) problems.push(`text is ${JSON.stringify(shown.text)}, expected ${JSON.stringify(expected.text)}`);
  if (expected.channel !== undefined && shown.channel !== expected.channel) problems.push(`channel is ${JSON.stringify(shown.channel ?? null)}, expected ${JSON.stringify(expected.channel)}`);
  if (sent && within !== undefined) {
    // MsgTime is whole seconds (floored), so the message may have been sent up to 999 ms after it.
    const latency = shown.postTime - sent.MsgTime * 1000;
    if (latency > parseDuration(within) + 999) problems.push(`it showed ${latency} ms after sendmsg (MsgTime ${sent.MsgTime}), expected within ${within}`);
  }
  return problems.length ? `notification ${JSON.stringify(expected.title)}: ${problems.join('; ')}` : undefined;
}

/**
 * The phone shows a notification with this title (and text, channel); with `sent` and `within`,
 * it was posted at most `within` after the message was sent (the phone's clock: virtual in the lab).
 */
export async function expectNotification(
  phone: Phone,
  expected: ExpectedNotification,
  options: { sent?: SendMsgResult; within?: Duration; timeoutMs?: number } = {},
): Promise<ShownNotification> {
  const shown = await phone.waitForNotification(expected, {
    withChannel: expected.channel !== undefined,
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
  });
  const problem = notificationMismatch(expected, shown, options.sent, options.within);
  if (problem) fail(`${phone.name}: ${problem}`);
  return shown;
}

/** Why the received extras differ, or undefined when every expected key has its value. */
export function extrasMismatch(expected: Record<string, string>, actual: Record<string, string>, exact: boolean): string | undefined {
  const problems: string[] = [];
  for (const [key, value] of Object.entries(expected)) {
    if (!(key in actual)) problems.push(`missing ${key}`);
    else if (actual[key] !== value) problems.push(`${key} = ${JSON.stringify(actual[key])}, expected ${JSON.stringify(value)}`);
  }
  if (exact) for (const key of Object.keys(actual)) if (!(key in expected)) problems.push(`unexpected ${key} = ${JSON.stringify(actual[key])}`);
  if (!problems.length) return undefined;
  return `extras: ${problems.join('; ')} (received ${JSON.stringify(actual)})`;
}

/**
 * The app logged these extras (`key = K:value = V`) since `phone.markLogcat()`.
 * `exact`: and no others.
 */
export async function expectExtras(phone: Phone, expected: Record<string, string>, options: { exact?: boolean } = {}): Promise<Record<string, string>> {
  let actual: Record<string, string> = {};
  // The activity logs its extras right after it starts; give the log a moment to catch up.
  await phone.driver
    .waitUntil(async () => extrasMismatch(expected, (actual = await phone.extras()), false) === undefined, { interval: 50 })
    .catch(() => undefined);
  const problem = extrasMismatch(expected, actual, options.exact ?? false);
  if (problem) fail(`${phone.name}: ${problem}`);
  return actual;
}

/** The funnel of one message towards one phone, read from the lab's IM traces and mock-oppo. */
export async function funnelFor(observers: Observers, sent: SendMsgResult, to: string, phone: Phone): Promise<DeviceFunnel> {
  if (!observers.console || !observers.oppo) throw new Error('reading the push funnel needs the lab (IM traces and mock-oppo): run a profile with the fakes');
  const traces = await observers.console.traces(sent.MsgKey);
  const im = traces.find((t) => t.to === to && t.device?.deviceId === phone.serial) ?? traces.find((t) => t.to === to && t.device === null);
  const funnel: DeviceFunnel = { msgKey: sent.MsgKey, deviceId: phone.serial };
  if (im) funnel.im = im;
  if (im?.token) {
    for (const message of await observers.oppo.messages({ appMessageId: sent.MsgKey })) {
      const target = message.targets.find((t) => t.registrationId === im.token);
      if (target) funnel.oppo = { message, target };
    }
  }
  return funnel;
}

export interface NotPushedExpectation {
  /** The recipient user. */
  to: string;
  /** The recipient's phone. */
  phone: Phone;
  /** The reason the stopping layer gives (IM trace reason or detail, OPPO target reason, `code_33`, phone drop reason). */
  reason: string;
  /** Which layer must have stopped it. */
  layer?: Layer;
  /** What must not be in the shade (default: any notification of the app posted after the send). */
  match?: NotificationMatch;
}

/** Why the outcome does not match the expectation, or undefined when it does. */
export function notPushedMismatch(expected: { reason: string; layer?: Layer }, funnel: DeviceFunnel, outcome: Outcome): string | undefined {
  const want = `not pushed (${expected.layer ? `${expected.layer}: ` : ''}${expected.reason})`;
  if (outcome.shown) return `expected ${want}, but it was shown\n${describeFunnel(funnel)}`;
  const detail = funnel.im?.detail;
  const reasonOk = outcome.reason === expected.reason || (outcome.layer === 'im' && detail === expected.reason);
  const layerOk = expected.layer === undefined || expected.layer === outcome.layer;
  if (reasonOk && layerOk) return undefined;
  return `expected ${want}, but it stopped at ${outcome.layer} (${outcome.reason}${detail ? `, ${detail}` : ''})\n${describeFunnel(funnel)}`;
}

/**
 * A message was not pushed to this phone, for this reason, and the three layers agree: IM decided
 * (or OPPO / the phone dropped it) with that reason, and the phone's shade does not show it.
 */
export async function expectNotPushed(observers: Observers, sent: SendMsgResult, expected: NotPushedExpectation): Promise<DeviceFunnel> {
  let funnel = await funnelFor(observers, sent, expected.to, expected.phone);
  // sendmsg returns once OPPO answered; what the phone does with the push arrives a moment later.
  await expected.phone.driver
    .waitUntil(
      async () => {
        const outcome = outcomeOf((funnel = await funnelFor(observers, sent, expected.to, expected.phone)));
        return outcome.shown || outcome.layer !== 'pending';
      },
      { interval: 50 },
    )
    .catch(() => undefined);
  const problem = notPushedMismatch(expected, funnel, outcomeOf(funnel));
  if (problem) fail(`${expected.phone.name}: ${problem}`);
  const sentAt = sent.MsgTime * 1000;
  const shown = (await expected.phone.notifications()).filter((n) => (expected.match ? matchesNotification(n, expected.match) : n.postTime >= sentAt));
  if (shown.length) {
    fail(`${expected.phone.name}: every layer says not pushed (${expected.reason}), yet the shade shows ${JSON.stringify(shown.map((n) => ({ title: n.title, text: n.text })))}\n${describeFunnel(funnel)}`);
  }
  return funnel;
}
