/**
 * The adb delivery agent: mock-oppo's delivery channel for phones with no usable OPPO push service
 * (a stock emulator, a non-OPPO phone, an OPPO phone registered to the real OPPO). For each push to a
 * regId bound to an adb device it posts the notification there with `cmd notification post`: the
 * title, the content, and a content intent that does what the OPPO click action does (launcher,
 * activity, intent action, URL) with `action_parameters` as string extras — the same intent the
 * lab's phones build (harness/phone/intent.ts `clickTarget`). The post's outcome is the ack.
 *
 * Fidelity limits (what a real OPPO push would differ in), all from `cmd notification post`
 * (android-automation.md §6.1): the notification belongs to `com.android.shell` (uid 2000), id 2020,
 * on the shell's channel `shell_cmd` — not the app's package or the channel the push named; the app's
 * notification permission and channels are not consulted (the checks before a run look at them);
 * there is no sub-title, icon or show_ttl; it exists from Android 10 (API 29) only. The tag
 * (`oppo-<notify_id>-<package>`) keeps OPPO's notify_id replacement: a newer push with the same
 * notify_id replaces the shown one.
 */
import type { ChannelDelivery, DeliveryChannel, DeliveryOutcome } from '../../mock-oppo/core/channel.ts';
import type { ReasonAt } from '../../mock-oppo/core/reasons.ts';
import { ACTION_VIEW, CATEGORY_BROWSABLE, clickTarget, FLAG_ACTIVITY_NEW_TASK, intentArgs, type Intent } from '../phone/intent.ts';
import { shellNotificationKey } from '../phone/system.ts';
import type { AdbClient } from './adb-client.ts';
import { AndroidDevice } from './android-device.ts';

/** `cmd notification post` arrived with Android 10 (the standalone NotificationShellCmd). */
export const SHELL_POST_MIN_SDK = 29;

/** Why the agent did not show a push: reasons of the vocabulary (mock-oppo/core/reasons.ts), the target's ack reason. */
export const AGENT_REASONS = {
  /** Android 8/9: no `cmd notification post` (use an Android 10+ image, or the real push service). */
  noShellPost: 'no_shell_post',
  /** The app is not installed, so there is no launcher to open. */
  appNotInstalled: 'app_not_installed',
  /** The shell refused the post (its output is in the delivery record). */
  postFailed: 'shell_post_failed',
  /** adb could not reach the device. */
  unreachable: 'device_unreachable',
} as const satisfies Record<string, ReasonAt<'phone', 'lost'>>;

const TAG_PREFIX = 'oppo-';

/** The post's tag: unique per app and notify_id, free of whitespace and of `|` and `:` (the notification key uses both). */
export function agentTag(notifyId: number, packageName: string): string {
  return `${TAG_PREFIX}${notifyId}-${packageName}`;
}

/** The notify_id and package an agent tag names, or undefined for any other tag. */
export function parseAgentTag(tag: string | null | undefined): { notifyId: number; packageName: string } | undefined {
  const m = tag ? /^oppo-(\d+)-([\w.]+)$/.exec(tag) : null;
  return m ? { notifyId: Number(m[1]), packageName: m[2]! } : undefined;
}

/** One push the agent handled, kept for the lab's API and the trace. */
export interface AgentDelivery {
  at: number;
  serial: string;
  packageName: string;
  messageId: string;
  registrationId: string;
  notifyId: number;
  tag: string;
  key: string;
  /** The channel the push named (the post itself is on `shell_cmd`). */
  channelId?: string;
  title: string;
  content: string;
  extras: Record<string, string>;
  /** The command posted (argv), absent when the agent posted nothing. */
  command?: string[];
  displayed: boolean;
  reason?: string;
  /** What the shell printed, or the adb error. */
  output?: string;
}

export interface AgentOptions {
  /**
   * Whether an "open the app" click (type 0) hands the extras to the launcher activity. Mirrors the
   * lab phones' `launcherClickExtras` [uncertain: OPPO's docs are unclear]; default true.
   */
  launcherExtras?: boolean;
  now?: () => number;
  /** How many deliveries the agent remembers (oldest go first). */
  historyLimit?: number;
}

/** The argv that posts `d` as the app's OPPO push would show (`launcher`: its launcher component for click type 0). */
export function postCommand(d: ChannelDelivery, launcher: string | undefined, launcherExtras: boolean): string[] {
  const n = d.notification;
  const click = clickTarget(d.packageName, n, launcher?.split('/')[1], launcherExtras);
  const intent: Intent =
    click.kind === 'browser' ? { action: ACTION_VIEW, categories: [CATEGORY_BROWSABLE], data: click.url, extras: {}, flags: FLAG_ACTIVITY_NEW_TASK } : click.intent;
  // OPPO style 2 is long text: the expanded row shows all of it.
  const style = n.style === 2 ? ['-S', 'bigtext', '--bigtext', n.content] : [];
  // -c swallows every am-style option after it and then one target, so it goes last (§6.1).
  return ['cmd', 'notification', 'post', ...style, '-t', n.title, '-c', 'activity', ...intentArgs(intent), agentTag(n.notifyId, d.packageName), n.content];
}

export class AdbDeliveryAgent {
  private readonly devices = new Map<string, AndroidDevice>();
  private readonly history: AgentDelivery[] = [];
  private readonly launcherExtras: boolean;
  private readonly now: () => number;
  private readonly historyLimit: number;

  constructor(
    private readonly client: AdbClient,
    options: AgentOptions = {},
  ) {
    this.launcherExtras = options.launcherExtras ?? true;
    this.now = options.now ?? Date.now;
    this.historyLimit = options.historyLimit ?? 1000;
  }

  device(serial: string): AndroidDevice {
    let device = this.devices.get(serial);
    if (!device) this.devices.set(serial, (device = new AndroidDevice(this.client, serial)));
    return device;
  }

  /** The channel that shows pushes on `serial` (bind it at mock-oppo with `platform.bindChannel`). */
  channel(serial: string): DeliveryChannel {
    return { deliver: (d) => this.deliver(serial, d) };
  }

  /** What the agent did, oldest first; optionally for one device or package. */
  deliveries(filter: { serial?: string; packageName?: string } = {}): AgentDelivery[] {
    return this.history.filter((d) => (!filter.serial || d.serial === filter.serial) && (!filter.packageName || d.packageName === filter.packageName));
  }

  forget(): void {
    this.history.length = 0;
  }

  private async deliver(serial: string, d: ChannelDelivery): Promise<DeliveryOutcome> {
    const n = d.notification;
    const tag = agentTag(n.notifyId, d.packageName);
    const record: AgentDelivery = {
      at: this.now(),
      serial,
      packageName: d.packageName,
      messageId: d.messageId,
      registrationId: d.registrationId,
      notifyId: n.notifyId,
      tag,
      key: shellNotificationKey(tag),
      ...(n.channelId !== undefined ? { channelId: n.channelId } : {}),
      title: n.title,
      content: n.content,
      extras: { ...n.actionParameters },
      displayed: false,
    };
    try {
      const device = this.device(serial);
      const { sdk } = await device.buildProps();
      if (!(sdk >= SHELL_POST_MIN_SDK)) return this.finish(record, AGENT_REASONS.noShellPost, `Android API ${sdk} has no cmd notification post (needs ${SHELL_POST_MIN_SDK}+)`);
      const launcher = n.clickActionType === 0 ? await device.launcherActivity(d.packageName) : undefined;
      if (n.clickActionType === 0 && !launcher) return this.finish(record, AGENT_REASONS.appNotInstalled, `no launcher activity for ${d.packageName}`);
      record.command = postCommand(d, launcher, this.launcherExtras);
      const output = await device.shell(record.command);
      record.output = output;
      if (!/^posting:/m.test(output)) return this.finish(record, AGENT_REASONS.postFailed, output);
      record.displayed = true;
      return this.finish(record);
    } catch (error) {
      return this.finish(record, AGENT_REASONS.unreachable, (error as Error).message);
    }
  }

  private finish(record: AgentDelivery, reason?: string, output?: string): DeliveryOutcome {
    if (reason !== undefined) record.reason = reason;
    if (output !== undefined) record.output = output;
    this.history.push(record);
    if (this.history.length > this.historyLimit) this.history.splice(0, this.history.length - this.historyLimit);
    return reason === undefined ? { displayed: true } : { displayed: false, reason };
  }
}
