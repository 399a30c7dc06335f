/**
 * The OPPO server API on the wire: form (push host) and JSON (device host) requests in, the real
 * `{code, message, data}` envelopes out. Each endpoint reads its fields, calls the rules, renders.
 */
import { CODES, CODE_MESSAGES, OppoError, type OppoCode } from '../core/codes.ts';
import type { App } from '../core/apps.ts';
import { LIMITS } from '../core/notification.ts';
import type { OppoPlatform } from '../core/platform.ts';
import type { UnicastInput } from '../core/records.ts';
import type { Region } from '../core/region.ts';
import { jsonFields, readBool, readInt, readNotification, readString, type FieldSource } from './notification.ts';

export interface Envelope {
  code: number;
  message: string;
  data?: unknown;
}

/** One call as the endpoints see it, whatever the transport. */
export interface ApiCall {
  region: Region;
  /** Form fields (body first, then query string) or, on the device host, the JSON body's own keys. */
  field: FieldSource;
  /** The `auth_token` header. */
  headerToken?: string;
  /** Device host: the body was not a JSON object. */
  badJson?: boolean;
  /** The body was not UTF-8 (code 25). */
  badEncoding?: boolean;
  /** Set once the token named an app (for the journal). */
  appId?: string;
}

export type Endpoint = {
  name: string;
  methods: readonly string[];
  body: 'form' | 'json';
  handle(platform: OppoPlatform, call: ApiCall): Envelope;
};

export function envelopeOf(err: OppoError): Envelope {
  return { code: err.code, message: err.message };
}

export function codeEnvelope(code: OppoCode): Envelope {
  return { code, message: CODE_MESSAGES[code] };
}

function str(call: ApiCall, name: string): string | undefined {
  const v = call.field.get(name);
  return typeof v === 'string' && v.length > 0 ? v : undefined;
}

/** Body field wins over the header (reference §2). */
function tokenOf(call: ApiCall): string | undefined {
  return str(call, 'auth_token') ?? call.headerToken;
}

function appOf(platform: OppoPlatform, call: ApiCall): App {
  const app = platform.appForToken(call.region, tokenOf(call));
  call.appId = app.appId;
  return app;
}

function parseJsonText(text: string | undefined, field: string): unknown {
  if (text === undefined) throw new OppoError(CODES.MISSING_ARGUMENTS, `${field} is required`);
  try {
    return JSON.parse(text);
  } catch {
    throw new OppoError(CODES.INVALID_ARGUMENTS, `${field} is not valid JSON`);
  }
}

/** One unicast `message` object → the rules' input (throws 40/41/67 as the real validation does). */
function readUnicastMessage(platform: OppoPlatform, raw: unknown): UnicastInput {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new OppoError(CODES.INVALID_ARGUMENTS, 'message must be a JSON object');
  const get = jsonFields(raw as Record<string, unknown>);
  const targetType = readInt(get, 'target_type', 0, 100);
  if (targetType === undefined) throw new OppoError(CODES.MISSING_ARGUMENTS, 'target_type is required');
  const targetValue = readString(get, 'target_value');
  if (targetValue === undefined) throw new OppoError(CODES.MISSING_ARGUMENTS, 'target_value is required');
  const notification = get.get('notification');
  if (notification === undefined || notification === null) throw new OppoError(CODES.MISSING_ARGUMENTS, 'notification is required');
  if (typeof notification !== 'object' || Array.isArray(notification)) throw new OppoError(CODES.INVALID_ARGUMENTS, 'notification must be a JSON object');
  const spec = readNotification(jsonFields(notification as Record<string, unknown>), { broadcast: false, settings: platform.settings });
  return { targetType, targetValue, spec, verifyRegistrationId: readBool(get, 'verify_registration_id') ?? false };
}

function targetValueOf(raw: unknown): string {
  if (typeof raw === 'object' && raw !== null && Object.hasOwn(raw, 'target_value')) {
    const v = (raw as Record<string, unknown>).target_value;
    if (typeof v === 'string') return v;
  }
  return '';
}

const auth: Endpoint = {
  name: 'auth',
  methods: ['POST'],
  body: 'form',
  handle(platform, call) {
    const key = str(call, 'app_key');
    if (key !== undefined) call.appId = platform.appByKey(key)?.appId;
    const { authToken, createTime } = platform.authenticate(call.region, str(call, 'app_key'), str(call, 'timestamp'), str(call, 'sign'));
    return { code: 0, message: 'success', data: { auth_token: authToken, create_time: createTime } };
  },
};

const unicast: Endpoint = {
  name: 'unicast',
  methods: ['POST'],
  body: 'form',
  handle(platform, call) {
    const app = appOf(platform, call);
    const input = readUnicastMessage(platform, parseJsonText(str(call, 'message'), 'message'));
    const message = platform.unicast(app, call.region, input);
    return { code: 0, message: '', data: { messageId: message.messageId } };
  },
};

const unicastBatch: Endpoint = {
  name: 'unicast_batch',
  methods: ['POST'],
  body: 'form',
  handle(platform, call) {
    const app = appOf(platform, call);
    const list = parseJsonText(str(call, 'messages'), 'messages');
    if (!Array.isArray(list)) throw new OppoError(CODES.INVALID_ARGUMENTS, 'messages must be a JSON array');
    if (list.length === 0) throw new OppoError(CODES.MISSING_ARGUMENTS, 'messages is empty');
    if (list.length > LIMITS.targetsPerCall) throw new OppoError(CODES.INVALID_ARGUMENTS, `at most ${LIMITS.targetsPerCall} messages per batch`);
    const items = list.map((raw: unknown) => {
      try {
        return readUnicastMessage(platform, raw);
      } catch (err) {
        if (!(err instanceof OppoError)) throw err;
        return { error: err, targetValue: targetValueOf(raw) };
      }
    });
    return { code: 0, message: '', data: platform.unicastBatch(app, call.region, items) };
  },
};

const saveMessageContent: Endpoint = {
  name: 'save_message_content',
  methods: ['POST'],
  body: 'form',
  handle(platform, call) {
    const app = appOf(platform, call);
    const spec = readNotification(call.field, { broadcast: true, settings: platform.settings });
    const saved = platform.saveMessageContent(app, call.region, spec);
    return { code: 0, message: 'success', data: { message_id: saved.messageId } };
  },
};

const broadcast: Endpoint = {
  name: 'broadcast',
  methods: ['POST'],
  body: 'form',
  handle(platform, call) {
    const app = appOf(platform, call);
    const messageId = str(call, 'message_id');
    if (messageId === undefined) throw new OppoError(CODES.MISSING_ARGUMENTS, 'message_id is required');
    const targetType = readInt(call.field, 'target_type', 0, 100);
    if (targetType === undefined) throw new OppoError(CODES.MISSING_ARGUMENTS, 'target_type is required');
    const result = platform.broadcast(app, call.region, messageId, targetType, str(call, 'target_value'));
    return { code: 0, message: 'success', data: { message_id: result.messageId, task_id: result.taskId, ...result.invalid } };
  },
};

const statistics: Endpoint = {
  name: 'statistics',
  methods: ['POST'],
  body: 'form',
  handle(platform, call) {
    const app = appOf(platform, call);
    const messageId = str(call, 'message_id');
    if (messageId === undefined) throw new OppoError(CODES.MISSING_ARGUMENTS, 'message_id is required');
    return { code: 0, message: 'success', data: platform.statistics(app, messageId, str(call, 'task_id')) };
  },
};

const feedback: Endpoint = {
  name: 'fetch_invalid_regidList',
  methods: ['GET', 'POST'],
  body: 'form',
  handle(platform, call) {
    const app = appOf(platform, call);
    const ids = platform.fetchInvalidRegIds(app);
    return { code: 0, message: 'success', data: { registration_ids: ids, totalCount: ids.length } };
  },
};

/** Device-host calls: JSON bodies, token in the `auth_token` header or body key. */
function deviceEndpoint(name: string, run: (platform: OppoPlatform, app: App, call: ApiCall) => unknown): Endpoint {
  return {
    name,
    methods: ['POST'],
    body: 'json',
    handle(platform, call) {
      const app = appOf(platform, call);
      if (call.badJson) throw new OppoError(CODES.INVALID_ARGUMENTS, 'body must be a JSON object');
      const data = run(platform, app, call);
      return data === undefined ? { code: 0, message: 'success' } : { code: 0, message: 'success', data };
    },
  };
}

function required(call: ApiCall, name: string): string {
  const v = readString(call.field, name);
  if (v === undefined) throw new OppoError(CODES.MISSING_ARGUMENTS, `${name} is required`);
  return v;
}

function tagList(call: ApiCall, name: string): string[] {
  const tags = required(call, name).split(';').filter((t) => t.length > 0);
  if (tags.length === 0) throw new OppoError(CODES.MISSING_ARGUMENTS, `${name} is empty`);
  if (tags.some((t) => t.length > 128)) throw new OppoError(CODES.INVALID_ARGUMENTS, `a tag name exceeds 128 characters`);
  return tags;
}

const deviceEndpoints: Record<string, Endpoint> = {
  'device/set_alias': deviceEndpoint('set_alias', (p, app, call) => p.setAlias(app, required(call, 'registration_id'), required(call, 'alias'), call.region)),
  'device/delete_alias': deviceEndpoint('delete_alias', (p, app, call) => p.deleteAlias(app, required(call, 'alias'), call.region)),
  'device/add_tags': deviceEndpoint('add_tags', (p, app, call) => p.addTags(app, tagList(call, 'name'), readString(call.field, 'desc') ?? '')),
  'device/add_tag_group': deviceEndpoint('add_tag_group', (p, app, call) =>
    p.addTags(app, tagList(call, 'tags'), readString(call.field, 'desc') ?? '', required(call, 'group'))),
  'device/subscribe_tags': deviceEndpoint('subscribe_tags', (p, app, call) =>
    p.subscribeTags(app, required(call, 'registration_id'), tagList(call, 'tags'), true, call.region)),
  'device/unsubscribe_tags': deviceEndpoint('unsubscribe_tags', (p, app, call) =>
    p.subscribeTags(app, required(call, 'registration_id'), tagList(call, 'tags'), false, call.region)),
  // [uncertain] response shape: data.tags as an array of names.
  'device/get_all_tags': deviceEndpoint('get_all_tags', (p, app, call) => ({ tags: p.tagsOf(app, required(call, 'registration_id'), call.region) })),
};

/** Paths under `/server/v1/`. */
export const ENDPOINTS: Readonly<Record<string, Endpoint>> = {
  auth,
  'message/notification/unicast': unicast,
  'message/notification/unicast_batch': unicastBatch,
  'message/notification/save_message_content': saveMessageContent,
  'message/notification/broadcast': broadcast,
  'message/statistics': statistics,
  'feedback/fetch_invalid_regidList': feedback,
  ...deviceEndpoints,
};

/** Every regId a call names, for regId-scoped faults (parsed only while faults are active). */
export function regIdsOf(endpoint: Endpoint, call: ApiCall): string[] {
  try {
    switch (endpoint.name) {
      case 'unicast':
        return [targetValueOf(JSON.parse(str(call, 'message') ?? 'null'))];
      case 'unicast_batch': {
        const list: unknown = JSON.parse(str(call, 'messages') ?? '[]');
        return Array.isArray(list) ? list.map(targetValueOf) : [];
      }
      case 'broadcast':
        return (str(call, 'target_value') ?? '').split(';');
      default: {
        const regId = call.field.get('registration_id');
        return typeof regId === 'string' ? [regId] : [];
      }
    }
  } catch {
    return [];
  }
}

/** The app a call belongs to, without judging it (for app-scoped faults and the journal). */
export function appIdOf(platform: OppoPlatform, endpoint: Endpoint, call: ApiCall): { appId?: string; appKey?: string } {
  let app: App | undefined;
  if (endpoint === auth) {
    const key = str(call, 'app_key');
    app = key !== undefined ? platform.appByKey(key) : undefined;
  } else {
    try {
      app = appOf(platform, call);
    } catch {
      app = undefined;
    }
  }
  return app ? { appId: app.appId, appKey: app.appKey } : {};
}
