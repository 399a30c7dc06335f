/**
 * Assertions that read like the docs: the phone shows a notification (title, text, channel) within
 * a time; the app received these extras; a message was NOT pushed, for this reason, checked at the
 * IM, OPPO and phone layers. A failure is an AssertionError (reporters say "failed") that says, in a
 * few lines, where each message of the test stopped and why, per layer, and what the shade held.
 */
import { AssertionError } from 'node:assert';
import { parseDuration, type Duration } from '../../mock-oppo/core/clock.ts';
import type { MockOppoControl } from '../../mock-oppo/control-client.ts';
import { describeBecause, type Reason } from '../../mock-oppo/core/reasons.ts';
import { describeOutcome } from '../trace/trace.ts';
import { deviceFunnel, describeFunnel, type DeviceFunnel, type Layer } from './funnel.ts';
import type { ImConsoleClient } from './im-console.ts';
import type { SendMsgResult } from './im-rest.ts';
import type { LabClient } from './lab-client.ts';
import { NotificationTimeoutError, type Phone, type ShownNotification } from './phone.ts';
import { matchesNotification, type NotificationMatch } from './shade.ts';
import { describeOppoSends, funnelText, testFunnel } from './test-funnel.ts';
import { currentRecord, step } from './test-record.ts';

/** Where the matchers look besides the phone: the lab's joined traces, IM's console and mock-oppo (absent on `live`). */
export interface Observers {
  lab?: LabClient;
  console?: ImConsoleClient;
  oppo?: MockOppoControl;
}

export interface ExpectedNotification extends NotificationMatch {
  channel?: string;
}

function fail(message: string): never {
  throw new AssertionError({ message });
}

const shadeLine = (shown: ReadonlyArray<{ title: string; text?: string }>) =>
  shown.length ? shown.map((n) => `${JSON.stringify(n.title)}: ${JSON.stringify(n.text ?? '')}`).join(' | ') : 'nothing of the app';

/** Records what the shade shows at an assertion (for the report); returns the app's notifications. */
async function snapshotShade(phone: Phone, assertion: string): Promise<ShownNotification[]> {
  const shown = await phone.notifications().catch(() => [] as ShownNotification[]);
  const record = currentRecord();
  if (record) {
    const screenshot = await phone.screenshot().catch(() => undefined);
    record.shades.push({ step: assertion, phone: phone.name, at: Date.now(), notifications: shown.map((n) => ({ title: n.title, ...(n.text === undefined ? {} : { text: n.text }) })), ...(screenshot ? { screenshot } : {}) });
  }
  return shown;
}

/** Where the messages of the running test (or just `sent`) stopped on this phone, as lines. */
async function whereItStopped(observers: Observers | undefined, phone: Phone, sent?: SendMsgResult & { to?: string }): Promise<string> {
  const lab = observers?.lab;
  if (!lab) return '  (no lab on this profile: the IM, OPPO and phone hops are not observable)';
  const record = currentRecord();
  const messages = sent ? (record?.sent.filter((m) => m.msgKey === sent.MsgKey) ?? []) : (record?.sent ?? []);
  // Without `sent` the question is about the whole test, which includes its pushes straight to OPPO.
  const direct = sent ? [] : (record?.oppoSends ?? []);
  if (messages.length === 0 && direct.length === 0) return '  (this test sent no messages through the scenario)';
  const parts: string[] = [];
  if (messages.length > 0) {
    const entries = await testFunnel(lab, messages, [{ name: phone.name, serial: phone.serial }], new Set([phone.name])).catch((e: unknown) => {
      throw new Error(`reading the push trace failed: ${(e as Error).message}`);
    });
    parts.push(entries.length ? funnelText(entries) : `(no message of this test was for a user on ${phone.name})`);
  }
  if (direct.length > 0) parts.push(await describeOppoSends(observers?.oppo, direct));
  return parts.join('\n\n').replace(/^/gm, '  ');
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
  options: { sent?: SendMsgResult; within?: Duration; timeoutMs?: number; observers?: Observers } = {},
): Promise<ShownNotification> {
  const title = `expect ${phone.name} shows ${JSON.stringify(expected.title)}${expected.text === undefined ? '' : `: ${JSON.stringify(expected.text)}`}`;
  return step(
    title,
    async () => {
      let shown: ShownNotification;
      try {
        shown = await phone.waitForNotification(expected, {
          withChannel: expected.channel !== undefined,
          ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
        });
      } catch (error) {
        if (!(error instanceof NotificationTimeoutError)) throw error;
        const held = await snapshotShade(phone, title);
        const observers = options.observers ?? phone.observers;
        fail(
          `${phone.name}: no notification ${JSON.stringify(expected)} in the shade after ${error.timeoutMs} ms.\n` +
            `Where ${options.sent ? 'the message' : "this test's messages"} stopped:\n${await whereItStopped(observers, phone, options.sent)}\n` +
            `The shade held at the deadline: ${shadeLine(held)}`,
        );
      }
      await snapshotShade(phone, title);
      const problem = notificationMismatch(expected, shown, options.sent, options.within);
      if (problem) fail(`${phone.name}: ${problem}`);
      return shown;
    },
    phone.name,
  );
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
  return step(
    `expect ${phone.name} received extras ${JSON.stringify(expected)}`,
    async () => {
      let actual: Record<string, string> = {};
      // The activity logs its extras right after it starts; give the log a moment to catch up.
      await phone.driver
        .waitUntil(async () => extrasMismatch(expected, (actual = await phone.extras()), false) === undefined, { interval: 50 })
        .catch(() => undefined);
      const problem = extrasMismatch(expected, actual, options.exact ?? false);
      if (problem) fail(`${phone.name}: ${problem}\nWhere this test's messages went:\n${await whereItStopped(phone.observers, phone)}`);
      currentRecord()?.extrasVerified.add(phone.name);
      return actual;
    },
    phone.name,
  );
}

/** The funnel of one message towards one phone, from the lab's joined trace. */
export async function funnelFor(observers: Observers, sent: SendMsgResult, to: string, phone: Phone): Promise<DeviceFunnel> {
  if (!observers.lab) throw new Error('reading the push funnel needs the lab (its joined trace): run a profile with the fakes');
  return deviceFunnel(await observers.lab.trace(sent.MsgKey), to, phone.serial);
}

export interface NotPushedExpectation {
  /** The recipient user. */
  to: string;
  /** The recipient's phone. */
  phone: Phone;
  /** The reason the stopping layer gives (a reason of the vocabulary; IM's detail such as rest_kick matches too). */
  reason: Reason | string;
  /** Which layer must have stopped it. */
  layer?: Layer;
  /** For oppo_rejected: the OPPO return code. */
  code?: number;
  /** What must not be in the shade (default: any notification of the app posted after the send). */
  match?: NotificationMatch;
}

/** Why the funnel's outcome does not match the expectation, or undefined when it does. */
export function notPushedMismatch(expected: { reason: string; layer?: Layer; code?: number }, funnel: DeviceFunnel): string | undefined {
  const want = `not pushed (${expected.layer ? `${expected.layer}: ` : ''}${expected.code === undefined ? expected.reason : describeBecause({ reason: expected.reason as Reason, code: expected.code })})`;
  const outcome = funnel.outcome;
  if (outcome.shown) return `expected ${want}, but it was shown\n${describeFunnel(funnel)}`;
  const reasonOk = outcome.reason === expected.reason || (outcome.layer === 'im' && outcome.detail === expected.reason);
  const layerOk = expected.layer === undefined || expected.layer === outcome.layer;
  const codeOk = expected.code === undefined || expected.code === outcome.code;
  if (reasonOk && layerOk && codeOk && !outcome.pending) return undefined;
  return `expected ${want}, but it ${describeOutcome(outcome)}\n${describeFunnel(funnel)}`;
}

/**
 * A message was not pushed to this phone, for this reason, and the three layers agree: IM decided
 * (or OPPO / the phone dropped it) with that reason, and the phone's shade does not show it.
 */
export async function expectNotPushed(observers: Observers, sent: SendMsgResult, expected: NotPushedExpectation): Promise<DeviceFunnel> {
  const { phone } = expected;
  const title = `expect ${phone.name} not pushed ${sent.MsgKey} (${expected.layer ? `${expected.layer}: ` : ''}${expected.reason})`;
  return step(
    title,
    async () => {
      let funnel = await funnelFor(observers, sent, expected.to, phone);
      // sendmsg returns once OPPO answered; what the phone does with the push arrives a moment later.
      await phone.driver
        .waitUntil(async () => !(funnel = await funnelFor(observers, sent, expected.to, phone)).outcome.pending, { interval: 50 })
        .catch(() => undefined);
      const sentAt = sent.MsgTime * 1000;
      const held = await snapshotShade(phone, title);
      const problem = notPushedMismatch(expected, funnel);
      if (problem) fail(`${phone.name}: ${problem}\nThe shade held: ${shadeLine(held)}`);
      const shown = held.filter((n) => (expected.match ? matchesNotification(n, expected.match) : n.postTime >= sentAt));
      if (shown.length) fail(`${phone.name}: every layer says not pushed (${expected.reason}), yet the shade shows ${shadeLine(shown)}\n${describeFunnel(funnel)}`);
      return funnel;
    },
    phone.name,
  );
}
