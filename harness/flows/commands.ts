/**
 * The flow commands: each one's name (Maestro's word where Maestro has one), the shape of its
 * argument as a JSON Schema fragment, what the run target must offer (the spec groups of
 * harness/scenario/profiles.ts), and one line for `push-lab test --help` and the README. The
 * parser, the JSON Schema editors load and the runner all read this table.
 */
import { REASONS, type Reason } from '../../mock-oppo/core/reasons.ts';
import { MSG_FLAGS } from '../im/rules/groups.ts';
import type { SpecRequirement } from '../scenario/profiles.ts';

export type JsonSchema = Record<string, unknown>;

export interface CommandSpec {
  summary: string;
  /** The argument's schema; absent: the command is a bare word (`- killApp`). */
  arg?: JsonSchema;
  /** A bare word is also accepted when the argument is optional. */
  bare?: boolean;
  requires: SpecRequirement;
}

const str = { type: 'string', minLength: 1 } as const;
const duration = { type: 'string', pattern: '^\\d+(\\.\\d+)?(ms|s|m|h|d)$', description: 'a duration: 500ms, 30s, 10m, 2h, 1d' } as const;
/** A user name: with the flow's tag (18 characters) it must fit IM's 32-byte user ids. */
const userName = { type: 'string', pattern: '^[A-Za-z0-9_]{1,12}$', description: 'a user name: letters, digits, _ (at most 12)' } as const;
const user = { ...userName, description: 'a user name declared with `user:`' } as const;
const users = { type: 'array', items: user, minItems: 1 } as const;
const group = { ...userName, description: 'a group name declared with `group:`' } as const;
const extrasMap = { type: 'object', additionalProperties: { type: 'string' } } as const;
const notificationMatch = {
  type: 'object',
  properties: { title: str, text: { type: 'string' } },
  required: ['title'],
  additionalProperties: false,
} as const;

export const LAYERS = ['im', 'oppo', 'phone'] as const;
/** What `assertNotPushed` may name: the lab's reason vocabulary, less the reasons of a hop that passed the message on. */
const NOT_PUSHED_REASONS = (Object.keys(REASONS) as Reason[]).filter((r) => REASONS[r].kind !== 'passed');
export const APP_STATES = ['not_installed', 'stopped', 'background', 'foreground'] as const;

export const COMMANDS = {
  user: {
    summary: 'a fresh IM account for this flow: `user: bob` (nick Bob) or `user: {id: bob, nick: Bobby}`',
    arg: {
      anyOf: [
        userName,
        { type: 'object', properties: { id: userName, nick: str }, required: ['id'], additionalProperties: false },
      ],
    },
    requires: 'any',
  },
  login: { summary: "log the phone's app in as a user (through its login screen)", arg: user, requires: 'any' },
  logout: { summary: 'log out through the app', requires: 'any' },
  launchApp: { summary: 'start the app (or bring it to the front)', requires: 'any' },
  killApp: { summary: 'process death: the app goes to the background and the OS reclaims it (no logout)', requires: 'any' },
  stopApp: { summary: 'force-stop (am force-stop): the package is stopped, its notifications cleared (no logout)', requires: 'any' },
  background: { summary: 'HOME: the app stays alive in the background (the IM SDK calls doBackground)', requires: 'any' },
  foreground: { summary: 'bring the app back to the front', requires: 'any' },
  network: { summary: "the phone's network: `network: off` / `network: on`", arg: { enum: ['on', 'off'] }, requires: 'virtual' },
  group: {
    summary: 'an IM group for this flow (create_group): {id: team, owner: alice, members: [bob, carol]}; the owner is a member too',
    arg: {
      type: 'object',
      properties: { id: { ...userName, description: 'a group name: letters, digits, _ (at most 12)' }, name: str, owner: user, members: users },
      required: ['id', 'members'],
      additionalProperties: false,
    },
    requires: 'any',
  },
  addToGroup: {
    summary: 'add users to a group (add_group_member): {group: team, users: [dave]}',
    arg: { type: 'object', properties: { group, users }, required: ['group', 'users'], additionalProperties: false },
    requires: 'any',
  },
  removeFromGroup: {
    summary: "remove users from a group (delete_group_member): the group's later messages reach them no more (not_a_member)",
    arg: { type: 'object', properties: { group, users }, required: ['group', 'users'], additionalProperties: false },
    requires: 'any',
  },
  groupMsgFlag: {
    summary: "a member's message flag (modify_group_member_info): {group: team, user: bob, flag: AcceptNotNotify}; AcceptNotNotify: received, never pushed (group_muted); Discard: not received (group_discarded)",
    arg: { type: 'object', properties: { group, user, flag: { enum: [...MSG_FLAGS] } }, required: ['group', 'user', 'flag'], additionalProperties: false },
    requires: 'any',
  },
  send: {
    summary: 'an IM message from one user to one (`to: bob`) or several (`to: [bob, carol]`, batchsendmsg) users, or to a group (`group: team`, send_group_msg): `text`, or `custom` {Data, Desc, Ext}; push fields Title, Desc, Ext, PushFlag, Sound, OPPOCategory, OPPOChannelID',
    arg: {
      type: 'object',
      properties: {
        from: user,
        to: { anyOf: [user, users] },
        group,
        text: { type: 'string' },
        custom: { type: 'object', properties: { Data: { type: 'string' }, Desc: { type: 'string' }, Ext: { type: 'string' } }, required: ['Data'], additionalProperties: false },
        Title: { type: 'string' },
        Desc: { type: 'string' },
        Ext: { anyOf: [{ type: 'string' }, { type: 'object' }], description: 'a JSON object (sent as its JSON text) or a string as is' },
        PushFlag: { enum: [0, 1] },
        Sound: { type: 'string' },
        OPPOCategory: { type: 'string' },
        OPPOChannelID: { type: 'string' },
      },
      required: ['from'],
      allOf: [{ oneOf: [{ required: ['to'] }, { required: ['group'] }] }, { oneOf: [{ required: ['text'] }, { required: ['custom'] }] }],
      additionalProperties: false,
    },
    requires: 'any',
  },
  sendToOppo: {
    summary: "a notification straight to OPPO's unicast API for the phone's app (no IM): title, content, notify_id, show_ttl, style, off_line_ttl, channel_id, action_parameters",
    arg: {
      type: 'object',
      properties: {
        title: str,
        content: str,
        notify_id: { type: 'integer', minimum: 0 },
        show_ttl: { type: 'integer', minimum: 0 },
        style: { enum: [1, 2, 3] },
        off_line_ttl: { type: 'integer', minimum: 0 },
        channel_id: { type: 'string' },
        action_parameters: extrasMap,
      },
      required: ['title', 'content'],
      additionalProperties: false,
    },
    requires: 'virtual',
  },
  assertNotification: {
    summary: 'the shade shows it: `assertNotification: Alice` (title) or {title, text, channel, within}; within is checked against the last send',
    arg: {
      anyOf: [str, { type: 'object', properties: { title: str, text: { type: 'string' }, channel: str, within: duration }, required: ['title'], additionalProperties: false }],
    },
    requires: 'any',
  },
  tapNotification: {
    summary: 'tap a notification in the shade: the last one asserted (bare), or `tapNotification: Alice` / {title, text}',
    arg: { anyOf: [str, notificationMatch] },
    bare: true,
    requires: 'any',
  },
  assertExtras: {
    summary: 'the extras the app logged since the last tap: `assertExtras: {conv: c2c_alice}`; `{exact: true, extras: {...}}` for nothing more',
    arg: {
      anyOf: [
        { type: 'object', properties: { exact: { type: 'boolean' }, extras: extrasMap }, required: ['extras'], additionalProperties: false },
        extrasMap,
      ],
    },
    requires: 'any',
  },
  assertActivity: {
    summary: 'the activity the last tap launched: `launcher` (the app’s launcher activity) or a class name',
    arg: str,
    requires: 'any',
  },
  assertNotPushed: {
    summary: 'the last message did not reach the phone, stopping at a layer with a reason: {reason: logged_out, layer: im}',
    arg: { type: 'object', properties: { reason: { enum: NOT_PUSHED_REASONS }, layer: { enum: [...LAYERS] } }, required: ['reason'], additionalProperties: false },
    requires: 'fakes',
  },
  assertAppState: { summary: `the app's state: ${APP_STATES.join(' | ')}`, arg: { enum: [...APP_STATES] }, requires: 'any' },
  assertOnlineState: {
    summary: "a user's IM state: {user: bob, state: Offline} (Online | PushOnline | Offline)",
    arg: { type: 'object', properties: { user, state: { enum: ['Online', 'PushOnline', 'Offline'] } }, required: ['user', 'state'], additionalProperties: false },
    requires: 'any',
  },
  assertOnlineMessage: { summary: 'the app in front received this text online (no push)', arg: str, requires: 'any' },
  assertTrace: {
    summary: "the last message's IM trace: {decision, reason, unicast: [-2, 0] (the codes of each unicast call), ignored: 'Sound ignored'}",
    arg: {
      type: 'object',
      properties: { decision: str, reason: str, unicast: { type: 'array', items: { type: 'integer' } }, ignored: str, clickActionType: { type: 'integer' } },
      additionalProperties: false,
      minProperties: 1,
    },
    requires: 'fakes',
  },
  assertOppoTarget: {
    summary: "wait until OPPO holds the last message for the phone's regId in this state (queued, delivered, acked, expired, ...)",
    arg: { enum: ['accepted', 'queued', 'delivered', 'acked', 'expired', 'dropped', 'rejected'] },
    requires: 'fakes',
  },
  advance: { summary: 'move the lab’s virtual clock: `advance: 10m`', arg: duration, requires: 'virtual' },
  fault: {
    summary: 'an OPPO fault for the next calls: `fault: flow_control x2` (preset, times) or {preset, endpoint, times}',
    arg: {
      anyOf: [
        { type: 'string', pattern: '^[a-z_]+( x[1-9][0-9]*)?$' },
        { type: 'object', properties: { preset: str, endpoint: str, times: { type: 'integer', minimum: 1 } }, required: ['preset'], additionalProperties: false },
      ],
    },
    requires: 'fakes',
  },
  clearFaults: { summary: 'remove every OPPO fault', requires: 'fakes' },
  certificate: {
    summary: 'edit the console certificate (default 7005; applies after 10 virtual minutes): {clickAction: {type: open_activity, activity: ...}, channelId}',
    arg: {
      type: 'object',
      properties: {
        id: { type: 'integer' },
        channelId: { type: 'string' },
        clickAction: {
          type: 'object',
          properties: { type: { enum: ['open_app', 'open_url', 'open_activity', 'intent_action'] }, url: str, activity: str, action: str },
          required: ['type'],
          additionalProperties: false,
        },
      },
      additionalProperties: false,
      minProperties: 1,
    },
    requires: 'fakes',
  },
  kick: { summary: "the backend's REST kick of a user (im_open_login_svc/kick)", arg: user, requires: 'any' },
  bootPhone: {
    summary: 'boot one more virtual phone with an app profile and use it from here on: `bootPhone: tim-demo-no-channel`',
    arg: { anyOf: [str, { type: 'object', properties: { app: str, device: str }, required: ['app'], additionalProperties: false }] },
    requires: 'virtual',
  },
  phone: { summary: 'which phone the next commands use: `phone: A` or `phone: B`', arg: { enum: ['A', 'B'] }, requires: 'any' },
  runFlow: { summary: 'run another flow file here (path relative to this file): `runFlow: subflows/process-death.yaml`', arg: str, requires: 'any' },
  repeat: {
    summary: 'run commands several times: {times: 3, commands: [...]}',
    arg: {
      type: 'object',
      properties: { times: { type: 'integer', minimum: 1, maximum: 1000 }, commands: { type: 'array', minItems: 1 } },
      required: ['times', 'commands'],
      additionalProperties: false,
    },
    requires: 'any',
  },
} as const satisfies Record<string, CommandSpec>;

export type CommandName = keyof typeof COMMANDS;
export const COMMAND_NAMES = Object.keys(COMMANDS) as CommandName[];

export function isCommandName(name: string): name is CommandName {
  return Object.hasOwn(COMMANDS, name);
}

/** The flow file's header (the YAML document before `---`), all optional. */
export const HEADER_SCHEMA = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    tags: { type: 'array', items: { type: 'string' } },
  },
  additionalProperties: false,
} as const;
