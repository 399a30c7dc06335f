/**
 * The OPPO PUSH side of the contract check: which fields are secrets in a recording, and how a
 * recording is replayed against the mock (its own app, its own signs, phones registered for the
 * recorded regIds, the clock moved to each recorded instant).
 */
import { authSign } from '../core/sign.ts';
import { VirtualClock } from '../core/clock.ts';
import type { AppConfig } from '../core/apps.ts';
import type { MockSettings } from '../core/settings.ts';
import { CODES } from '../core/codes.ts';
import { HOSTS } from '../wire/http.ts';
import { createMockOppo } from '../index.ts';
import type { RecordedPair } from './pairs.ts';
import type { ContractAdapter, Pseudonyms } from './record.ts';
import { compareAnswer, Substitutions, type ContractReport, type PairDifference } from './replay.ts';

/** Fields whose values are secrets (form, JSON body, query, header), replaced by placeholders. */
const SECRET_FIELDS = ['auth_token', 'sign', 'master_secret', 'app_secret'] as const;

function scrubForm(text: string, names: Pseudonyms): string {
  const form = new URLSearchParams(text);
  for (const key of SECRET_FIELDS) {
    const v = form.get(key);
    if (v !== null) form.set(key, names.name(key, v));
  }
  return form.toString();
}

function scrubJson(value: unknown, names: Pseudonyms): unknown {
  if (Array.isArray(value)) return value.map((v) => scrubJson(v, names));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = (SECRET_FIELDS as readonly string[]).includes(k) && typeof v === 'string' ? names.name(k, v) : scrubJson(v, names);
  }
  return out;
}

export const oppoAdapter: ContractAdapter = {
  keptHeaders: ['auth_token'],
  scrub(pair, names) {
    const { request, answer } = pair;
    const isJson = (request.headers['content-type'] ?? '').includes('json');
    let body = request.body;
    if (isJson) {
      try {
        body = JSON.stringify(scrubJson(JSON.parse(body), names));
      } catch {
        // not JSON after all: stored as sent (the verify reports what the mock says to it)
      }
    } else if (body !== '') {
      body = scrubForm(body, names);
    }
    const headers = { ...request.headers };
    if (headers.auth_token !== undefined) headers.auth_token = names.name('auth_token', headers.auth_token);
    return {
      ...pair,
      request: { ...request, headers, body, query: request.query === '' ? '' : scrubForm(request.query, names) },
      answer: { ...answer, body: scrubJson(answer.body, names) },
    };
  },
};

/** The master secret of the mock's stand-in app: the recording's real one never leaves the recorder. */
const CONTRACT_MASTER_SECRET = 'contract-check-master-secret-0001';

/** Compared by value: the answer's code; the rest by field name and type. */
const OPPO_VALUE_FIELDS: ReadonlySet<string> = new Set(['code']);

/** Keys whose values name a registration in a request (unicast message, broadcast, device calls). */
const REGID_KEYS = new Set(['target_value', 'registration_id', 'registration_ids']);

/** Strings of a request that are regIds: `target_value` of type-2 targets, `registration_id`. */
function regIdsIn(value: unknown, out: Set<string>): void {
  if (typeof value === 'string') {
    if (value.startsWith('{') || value.startsWith('[')) {
      try {
        regIdsIn(JSON.parse(value), out);
      } catch {
        // a plain string
      }
    }
    return;
  }
  if (Array.isArray(value)) {
    for (const v of value) regIdsIn(v, out);
    return;
  }
  if (value === null || typeof value !== 'object') return;
  const obj = value as Record<string, unknown>;
  for (const [k, v] of Object.entries(obj)) {
    const addressedByRegId = k !== 'target_value' || obj.target_type === undefined || String(obj.target_type) === '2';
    if (REGID_KEYS.has(k) && typeof v === 'string' && addressedByRegId) {
      for (const id of v.split(/[;,]/)) if (id !== '') out.add(id);
    } else {
      regIdsIn(v, out);
    }
  }
}

function requestFields(pair: RecordedPair): Record<string, unknown> {
  const { body, headers, query } = pair.request;
  const fields: Record<string, unknown> = Object.fromEntries(new URLSearchParams(query));
  if ((headers['content-type'] ?? '').includes('json')) {
    try {
      Object.assign(fields, JSON.parse(body));
    } catch {
      // not JSON
    }
  } else {
    Object.assign(fields, Object.fromEntries(new URLSearchParams(body)));
  }
  return fields;
}

const answerCode = (pair: RecordedPair): unknown => (pair.answer.body as { code?: unknown } | null)?.code;

/**
 * Replays a recording against a fresh in-process mock (`settings`, `apps` as the real console has
 * them; by default one released app per recorded app_key) and reports every difference.
 */
export async function verifyOppo(pairs: RecordedPair[], opts: { settings?: Partial<MockSettings>; apps?: AppConfig[] } = {}): Promise<ContractReport> {
  const appKeys = [...new Set(pairs.flatMap((p) => {
    const key = requestFields(p).app_key;
    return typeof key === 'string' ? [key] : [];
  }))];
  const apps: AppConfig[] = opts.apps ?? appKeys.map((appKey, i) => ({
    appId: `9000000${i + 1}`, appKey, appSecret: `contract-app-secret-${i + 1}`, masterSecret: CONTRACT_MASTER_SECRET, permission: 'released', privateApproved: true,
  }));
  if (apps.length === 0) apps.push({ appId: '90000001', appKey: 'contract-app-key', appSecret: 'contract-app-secret', masterSecret: CONTRACT_MASTER_SECRET });
  const clock = new VirtualClock({ start: pairs[0]?.at ?? Date.now() });
  const mock = createMockOppo({ clock, apps, ...(opts.settings ? { settings: opts.settings } : {}), receiptSender: async () => {} });
  const server = await mock.listen();
  const subs = new Substitutions();
  const failed: PairDifference[] = [];
  let phones = 0;
  try {
    for (const pair of pairs) {
      if (pair.at > clock.now()) clock.set(pair.at);
      const intl = pair.request.host === HOSTS.apiIntl;
      const fields = requestFields(pair);
      // A sign the real service accepted is made again with the stand-in app's secret.
      const sign = fields.sign;
      if (typeof sign === 'string' && !subs.has(sign)) {
        const app = apps.find((a) => a.appKey === fields.app_key);
        const valid = answerCode(pair) === 0 && app !== undefined && typeof fields.timestamp === 'string';
        subs.set(sign, valid ? authSign(app!.appKey, fields.timestamp as string, app!.masterSecret) : 'not-the-sign');
      }
      // Recorded regIds the real service knew get a phone of their own in the mock.
      const code = answerCode(pair);
      if (code !== CODES.INVALID_REGID && code !== CODES.REGID_UNSUBSCRIBED) {
        const ids = new Set<string>();
        regIdsIn(fields, ids);
        for (const id of ids) {
          if (subs.has(id)) continue;
          const app = mock.platform.listApps()[0]!;
          subs.set(id, mock.platform.registerFor(app, `contract-phone-${++phones}`, intl ? 'INTL' : 'CN').regId);
        }
      }
      const prefix = intl && !pair.request.path.startsWith('/intl/') ? '/intl' : '';
      const query = subs.applyForm(pair.request.query);
      const isJson = (pair.request.headers['content-type'] ?? '').includes('json');
      const headers = Object.fromEntries(Object.entries(pair.request.headers).map(([k, v]) => [k, subs.apply(v)]));
      const res = await fetch(`${server.url}${prefix}${pair.request.path}${query ? `?${query}` : ''}`, {
        method: pair.request.method,
        headers,
        ...(pair.request.method === 'GET' || pair.request.method === 'HEAD' ? {} : { body: isJson ? subs.apply(pair.request.body) : subs.applyForm(pair.request.body) }),
      });
      const diff = await compareAnswer(pair, res, subs, OPPO_VALUE_FIELDS);
      if (diff) failed.push(diff);
    }
  } finally {
    await server.close();
    clock.dispose();
  }
  return { service: 'oppo', pairs: pairs.length, failed };
}
