/**
 * Running a parsed flow on a Scenario: every command is a call into the scenario layer (the
 * `Phone` page object, the IM REST client, the console, mock-oppo's control API, the matchers), so
 * a flow does exactly what a TypeScript spec would, on every profile that offers what it needs. A
 * failing step names its file:line:column and command.
 */
import assert from 'node:assert/strict';
import type { PushTrace } from '../im/rules/traces.ts';
import { expectExtras, expectNotification, expectNotPushed, funnelFor } from '../scenario/matchers.ts';
import type { Phone, ShownNotification } from '../scenario/phone.ts';
import type { OfflinePushInfo, SendMsgResult } from '../scenario/im-rest.ts';
import type { PhoneName, SpecRequirement } from '../scenario/profiles.ts';
import type { Scenario } from '../scenario/scenario.ts';
import type { NotificationMatch } from '../scenario/shade.ts';
import type { MsgFlag } from '../im/rules/groups.ts';
import { APP_STATES, type LAYERS } from './commands.ts';
import { formatPos, type Flow, type Step } from './parse.ts';

const DEFAULT_CERTIFICATE = 7005;

interface Sent extends SendMsgResult {
  from: string;
  to: string[];
  text: string;
}

/** A step that failed, with where it is in the flow files. */
export class FlowStepError extends Error {
  override name = 'FlowStepError';
  constructor(
    readonly step: Step,
    cause: unknown,
  ) {
    super(`${formatPos(step.at)}: ${step.command} failed: ${(cause as Error)?.message ?? String(cause)}`, { cause });
  }
}

/** Commands a phone without `mobile: shell` (E2E_SHELL=off) cannot run, with why. */
const NEEDS_SHELL: Partial<Record<Step['command'], string>> = { killApp: 'killApp (a process death is am kill, a shell command)' };

function shellSteps(steps: readonly Step[]): string[] {
  return steps.flatMap((s) => [...(NEEDS_SHELL[s.command] ? [`${NEEDS_SHELL[s.command]} at ${formatPos(s.at)}`] : []), ...shellSteps(s.steps ?? [])]);
}

/** Why a profile cannot run a flow, or undefined when it can (`shell`: whether `mobile: shell` is allowed, E2E_SHELL). */
export function cannotRun(flow: Flow, runs: readonly SpecRequirement[], shell = true): string | undefined {
  const missing = flow.requires.filter((r) => !runs.includes(r));
  const needsShell = shell ? [] : shellSteps(flow.steps);
  if (missing.length === 0 && needsShell.length > 0) return `needs mobile: shell (E2E_SHELL=off) for ${needsShell[0]}`;
  if (missing.length === 0) return undefined;
  const why: Record<SpecRequirement, string> = {
    any: 'a phone',
    fakes: "the lab's fakes (OPPO faults, IM traces and console)",
    virtual: 'virtual phones and time (E2E_PROFILE=virtual)',
    'two-phones': 'a second phone',
  };
  return `needs ${missing.map((m) => why[m]).join(' and ')}`;
}

function capitalise(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}

/** `call:code` of each unicast attempt in a trace. */
function unicastCodes(trace: PushTrace | undefined): number[] {
  return (trace?.oppo?.attempts ?? []).filter((a) => a.call === 'unicast').map((a) => Number((a.response as { code?: number } | undefined)?.code ?? a.httpStatus));
}

/** A group of the flow: its GroupId, and every user who was ever a member (a removed one is still a recipient: IM traces them not_a_member). */
interface FlowGroup {
  id: string;
  everMembers: Set<string>;
}

export class FlowRun {
  private readonly users = new Map<string, { id: string; nick: string }>();
  private readonly groups = new Map<string, FlowGroup>();
  private phoneNow: Phone;
  private readonly loggedIn = new Map<Phone, string>();
  private lastSent: Sent | undefined;
  private lastShown: ShownNotification | undefined;
  private tapped = false;

  constructor(
    private readonly s: Scenario,
    private readonly flow: Flow,
  ) {
    this.phoneNow = s.phone('phoneA');
  }

  async run(): Promise<void> {
    await this.steps(this.flow.steps);
  }

  private async steps(steps: Step[]): Promise<void> {
    for (const step of steps) {
      if (step.command === 'runFlow') {
        await this.steps(step.steps ?? []);
        continue;
      }
      if (step.command === 'repeat') {
        const { times } = step.arg as { times: number };
        for (let i = 0; i < times; i++) await this.steps(step.steps ?? []);
        continue;
      }
      try {
        await this.step(step);
      } catch (err) {
        throw err instanceof FlowStepError ? err : new FlowStepError(step, err);
      }
    }
  }

  private user(name: string): { id: string; nick: string } {
    const user = this.users.get(name);
    if (!user) throw new Error(`no user '${name}' in this flow; declare it first with \`- user: ${name}\` (declared: ${[...this.users.keys()].join(', ') || 'none'})`);
    return user;
  }

  private group(name: string): FlowGroup {
    const group = this.groups.get(name);
    if (!group) throw new Error(`no group '${name}' in this flow; declare it first with \`- group: {id: ${name}, members: [...]}\` (declared: ${[...this.groups.keys()].join(', ') || 'none'})`);
    return group;
  }

  private sent(): Sent {
    if (!this.lastSent) throw new Error('no message was sent before this step (use `send:` first)');
    return this.lastSent;
  }

  /** The recipient of the last message on the current phone: the user logged in there, else the first. */
  private recipient(sent: Sent): string {
    const here = this.loggedIn.get(this.phoneNow);
    return here && sent.to.includes(here) ? here : sent.to[0]!;
  }

  private requireFakes<T>(value: T | undefined, what: string): T {
    if (value === undefined) throw new Error(`${what} needs the lab's fakes; this run uses '${this.s.profile.name}'`);
    return value;
  }

  private async trace(): Promise<PushTrace | undefined> {
    const console = this.requireFakes(this.s.console, 'reading the trace');
    const sent = this.sent();
    const traces = await console.traces(sent.MsgKey);
    const to = this.recipient(sent);
    const mine = traces.filter((t) => t.to === to);
    return mine.find((t) => t.device?.deviceId === this.phoneNow.serial) ?? mine[0] ?? traces[0];
  }

  private async step(step: Step): Promise<void> {
    const arg = step.arg as never;
    const phone = this.phoneNow;
    switch (step.command) {
      case 'user': {
        const spec = typeof arg === 'string' ? { id: arg as string } : (arg as { id: string; nick?: string });
        const nick = spec.nick ?? capitalise(spec.id);
        this.users.set(spec.id, { id: await this.s.user(spec.id, nick), nick });
        return;
      }
      case 'login': {
        const { id } = this.user(arg);
        await phone.login(id);
        this.loggedIn.set(phone, id);
        return;
      }
      case 'logout':
        await phone.logout();
        this.loggedIn.delete(phone);
        return;
      case 'launchApp':
        return phone.launch();
      case 'killApp':
        return phone.kill('process-death');
      case 'stopApp':
        return phone.kill('force-stop');
      case 'background':
        return phone.background();
      case 'foreground':
        return phone.foreground();
      case 'network':
        return phone.setNetwork(arg === 'on');
      case 'group': {
        const a = arg as { id: string; name?: string; owner?: string; members: string[] };
        const owner = a.owner === undefined ? undefined : this.user(a.owner).id;
        const members = a.members.map((n) => this.user(n).id);
        const id = await this.s.im.createGroup({ name: a.name ?? capitalise(a.id), ...(owner ? { owner } : {}), members });
        this.groups.set(a.id, { id, everMembers: new Set([...(owner ? [owner] : []), ...members]) });
        return;
      }
      case 'addToGroup': {
        const a = arg as { group: string; users: string[] };
        const group = this.group(a.group);
        const ids = a.users.map((n) => this.user(n).id);
        await this.s.im.addGroupMembers(group.id, ids);
        for (const id of ids) group.everMembers.add(id);
        return;
      }
      case 'removeFromGroup': {
        const a = arg as { group: string; users: string[] };
        return this.s.im.deleteGroupMembers(this.group(a.group).id, a.users.map((n) => this.user(n).id));
      }
      case 'groupMsgFlag': {
        const a = arg as { group: string; user: string; flag: MsgFlag };
        return this.s.im.setGroupMsgFlag(this.group(a.group).id, this.user(a.user).id, a.flag);
      }
      case 'send':
        return this.send(arg);
      case 'sendToOppo':
        return this.sendToOppo(arg);
      case 'assertNotification': {
        const a = (typeof arg === 'string' ? { title: arg } : arg) as { title: string; text?: string; channel?: string; within?: string };
        const expected = { title: a.title, ...(a.text !== undefined ? { text: a.text } : {}), ...(a.channel ? { channel: a.channel } : {}) };
        const options = { ...(a.within && this.lastSent ? { sent: this.lastSent, within: a.within } : {}) };
        this.lastShown = await expectNotification(phone, expected, options);
        return;
      }
      case 'tapNotification': {
        const match: NotificationMatch | undefined = arg === null ? this.lastShown : typeof arg === 'string' ? { title: arg } : (arg as NotificationMatch);
        if (!match) throw new Error('nothing to tap: assert a notification first, or name it (`tapNotification: Alice`)');
        await phone.markLogcat();
        await phone.tapNotification({ title: match.title, ...(match.text !== undefined ? { text: match.text } : {}) });
        this.tapped = true;
        return;
      }
      case 'assertExtras': {
        this.requireTap();
        const a = arg as Record<string, unknown>;
        const exact = typeof a.extras === 'object' && a.extras !== null;
        const extras = (exact ? a.extras : a) as Record<string, string>;
        await expectExtras(phone, extras, exact ? { exact: a.exact === true } : {});
        return;
      }
      case 'assertActivity': {
        this.requireTap();
        const expected = arg === 'launcher' ? phone.app.launcherActivity : String(arg).startsWith('.') ? `${phone.app.packageName}${arg}` : String(arg);
        assert.equal(await phone.launchedActivity(), expected, 'the activity the tap launched');
        return;
      }
      case 'assertNotPushed': {
        const a = arg as { reason: string; layer?: (typeof LAYERS)[number] };
        const sent = this.sent();
        const from = [...this.users.values()].find((u) => u.id === sent.from);
        await expectNotPushed(this.s.observers, sent, {
          to: this.recipient(sent),
          phone,
          reason: a.reason,
          ...(a.layer ? { layer: a.layer } : {}),
          match: { title: from?.nick ?? sent.from, ...(sent.text ? { text: sent.text } : {}) },
        });
        return;
      }
      case 'assertAppState':
        assert.equal(APP_STATES[[0, 1, 3, 4].indexOf(await phone.appState())] ?? 'suspended', arg, "the app's state");
        return;
      case 'assertOnlineState': {
        const a = arg as { user: string; state: string };
        assert.equal(await this.s.im.onlineState(this.user(a.user).id), a.state, `${a.user}'s IM state`);
        return;
      }
      case 'assertOnlineMessage':
        // The Phone knows where an online message lands: the app's screen, or the lab's model of its IM session (emulator, device).
        return phone.waitForOnlineMessage(arg);
      case 'assertTrace': {
        const a = arg as { decision?: string; reason?: string; unicast?: number[]; ignored?: string; clickActionType?: number };
        const trace = await this.trace();
        if (!trace) throw new Error(`IM has no trace of message ${this.sent().MsgKey}`);
        if (a.decision !== undefined) assert.equal(trace.decision, a.decision, 'trace decision');
        if (a.reason !== undefined) assert.equal(trace.reason, a.reason, 'trace reason');
        if (a.unicast !== undefined) assert.deepEqual(unicastCodes(trace), a.unicast, 'the codes of the unicast calls');
        if (a.ignored !== undefined) assert.ok(trace.ignored.some((n) => n.includes(a.ignored!)), `trace.ignored has no '${a.ignored}': ${JSON.stringify(trace.ignored)}`);
        if (a.clickActionType !== undefined) assert.equal((trace.oppo?.request.notification as { click_action_type?: number } | undefined)?.click_action_type, a.clickActionType, 'click_action_type sent to OPPO');
        return;
      }
      case 'assertOppoTarget': {
        const sent = this.sent();
        const to = this.recipient(sent);
        await phone.driver.waitUntil(async () => (await funnelFor(this.s.observers, sent, to, phone)).oppoState === arg, {
          timeoutMsg: `OPPO's target for ${phone.name} never reached '${String(arg)}'`,
        });
        return;
      }
      case 'advance':
        return this.s.advance(arg);
      case 'fault': {
        const oppo = this.requireFakes(this.s.oppo, 'an OPPO fault');
        let spec: { preset: string; endpoint?: string; times?: number };
        if (typeof arg === 'string') {
          const [preset, count] = (arg as string).split(' x');
          spec = { preset: preset!, ...(count ? { times: Number(count) } : {}) };
        } else spec = arg;
        await oppo.addFault({ endpoint: 'unicast', ...spec } as Parameters<typeof oppo.addFault>[0]);
        return;
      }
      case 'clearFaults':
        await this.requireFakes(this.s.oppo, 'clearing faults').clearFaults();
        return;
      case 'certificate': {
        const { id = DEFAULT_CERTIFICATE, ...patch } = arg as { id?: number } & Record<string, unknown>;
        await this.requireFakes(this.s.console, 'editing the certificate').editCertificate(id, patch);
        return;
      }
      case 'kick':
        return this.s.im.kick(this.user(arg).id);
      case 'bootPhone': {
        const a = (typeof arg === 'string' ? { app: arg } : arg) as { app: string; device?: string };
        this.phoneNow = await this.s.bootPhone({ appProfile: a.app, ...(a.device ? { deviceProfile: a.device } : {}) });
        return;
      }
      case 'phone':
        this.phoneNow = this.s.phone(`phone${arg as 'A' | 'B'}` as PhoneName);
        return;
      case 'runFlow':
      case 'repeat':
        return;
    }
  }

  private requireTap(): void {
    if (!this.tapped) throw new Error('this reads what a tap launched: `tapNotification` first');
  }

  private async send(a: {
    from: string;
    to?: string | string[];
    group?: string;
    text?: string;
    custom?: { Data: string; Desc?: string; Ext?: string };
    Title?: string;
    Desc?: string;
    Ext?: string | Record<string, unknown>;
    PushFlag?: 0 | 1;
    Sound?: string;
    OPPOCategory?: string;
    OPPOChannelID?: string;
  }): Promise<void> {
    const from = this.user(a.from).id;
    const group = a.group === undefined ? undefined : this.group(a.group);
    const to = group ? [...group.everMembers].filter((id) => id !== from) : (Array.isArray(a.to) ? a.to : [a.to!]).map((n) => this.user(n).id);
    const android = { ...(a.Sound ? { Sound: a.Sound } : {}), ...(a.OPPOCategory ? { OPPOCategory: a.OPPOCategory } : {}), ...(a.OPPOChannelID ? { OPPOChannelID: a.OPPOChannelID } : {}) };
    const push: OfflinePushInfo = {
      ...(a.PushFlag !== undefined ? { PushFlag: a.PushFlag } : {}),
      ...(a.Title !== undefined ? { Title: a.Title } : {}),
      ...(a.Desc !== undefined ? { Desc: a.Desc } : {}),
      ...(a.Ext !== undefined ? { Ext: typeof a.Ext === 'string' ? a.Ext : JSON.stringify(a.Ext) } : {}),
      ...(Object.keys(android).length > 0 ? { AndroidInfo: android } : {}),
    };
    const body = a.text !== undefined ? [{ MsgType: 'TIMTextElem', MsgContent: { Text: a.text } }] : [{ MsgType: 'TIMCustomElem', MsgContent: a.custom! }];
    const offline = Object.keys(push).length > 0 ? { OfflinePushInfo: push } : {};
    const text = a.text ?? a.custom?.Desc ?? '';
    if (group) {
      const result = await this.s.im.sendGroupMsg({ From_Account: from, GroupId: group.id, MsgBody: body, ...offline });
      this.lastSent = { ...result, from, to, text };
      return;
    }
    if (to.length === 1) {
      const result = await this.s.im.sendMsg({ From_Account: from, To_Account: to[0]!, MsgBody: body, ...offline });
      this.lastSent = { ...result, from, to, text };
      return;
    }
    const result = await this.s.im.batchSendMsg({ From_Account: from, To_Account: to, MsgBody: body, ...offline });
    if (result.ErrorList.length > 0) throw new Error(`batchsendmsg did not reach ${JSON.stringify(result.ErrorList)}`);
    this.lastSent = { ...result, from, to, text };
  }

  /** Straight to OPPO's unicast for the current phone's app (the scenario's OPPO server client, signed on the lab's clock). */
  private async sendToOppo(a: { title: string; content: string; notify_id?: number; show_ttl?: number; style?: 1 | 2 | 3; off_line_ttl?: number; channel_id?: string; action_parameters?: Record<string, string> }): Promise<void> {
    const phone = this.phoneNow;
    const regId = await phone.regId();
    if (!regId) throw new Error(`${phone.name} has no OPPO regId for ${phone.app.packageName} (start the app once so it registers)`);
    const reply = await this.s.oppoApi.unicast({ target_type: 2, target_value: regId, notification: a });
    if (reply.code !== 0) throw new Error(`OPPO refused the unicast: ${reply.code} ${reply.message}`);
  }
}

/** The commands a run of these steps executes: subflows inlined, repeats multiplied. */
export function stepCount(steps: readonly Step[]): number {
  return steps.reduce((n, step) => {
    if (step.command === 'runFlow') return n + stepCount(step.steps ?? []);
    if (step.command === 'repeat') return n + (step.arg as { times: number }).times * stepCount(step.steps ?? []);
    return n + 1;
  }, 0);
}

/** Commands a flow may run within one test timeout of the suite: a flow is many spec tests' worth. */
export const STEPS_PER_TEST_TIMEOUT = 6;

/**
 * The mocha timeout for one flow: the suite's per-test timeout for every STEPS_PER_TEST_TIMEOUT
 * commands it runs, so a long flow on a loaded machine is not cut off where a spec of the same
 * steps, split into tests, would pass. It is a guard against a hang, never a speed check.
 */
export function flowTimeoutMs(flow: Flow, perTestMs: number): number {
  return perTestMs * Math.max(1, Math.ceil(stepCount(flow.steps) / STEPS_PER_TEST_TIMEOUT));
}

/** Runs a flow on a scenario. */
export async function runFlow(s: Scenario, flow: Flow): Promise<void> {
  await new FlowRun(s, flow).run();
}
