/**
 * The IM REST side of the contract check (mock-oppo/contract does the recording and the
 * comparison): the admin's UserSig is the secret of a recording; a replay signs again with the
 * fake's own key, imports the accounts the real service knew, and compares ErrorCode and
 * ActionStatus by value, everything else by field name and JSON type.
 */
import { VirtualClock } from '../../mock-oppo/core/clock.ts';
import { compareAnswer, Substitutions, type ContractReport, type PairDifference } from '../../mock-oppo/contract/replay.ts';
import type { ContractAdapter } from '../../mock-oppo/contract/record.ts';
import type { RecordedPair } from '../../mock-oppo/contract/pairs.ts';
import { IM_ERRORS } from './errors.ts';
import { createImServer } from './server.ts';
import type { ImSettings } from './settings.ts';
import { genUserSig } from './usersig.ts';

export const imAdapter: ContractAdapter = {
  keptHeaders: [],
  scrub(pair, names) {
    const query = new URLSearchParams(pair.request.query);
    const sig = query.get('usersig');
    if (sig !== null) query.set('usersig', names.name('usersig', sig));
    return { ...pair, request: { ...pair.request, query: query.toString() } };
  },
};

/** Answers that say an account was unknown: the replay must not import those accounts first. */
const UNKNOWN_ACCOUNT_CODES: ReadonlySet<number> = new Set(
  (['ACCOUNT_NOT_IMPORTED', 'TO_ACCOUNT_NOT_REGISTERED', 'FROM_ACCOUNT_INVALID', 'GROUP_ACCOUNT_MISSING', 'PROFILE_ACCOUNT_MISSING', 'SNS_ACCOUNT_MISSING'] as const).map((n) => IM_ERRORS[n][0]),
);

/** Body keys whose values are UserIDs (single or in arrays). */
const ACCOUNT_KEYS = new Set(['From_Account', 'To_Account', 'UserID', 'Identifier', 'Member_Account', 'Owner_Account', 'MemberToDel_Account']);

function accountsIn(value: unknown, out: Set<string>, key?: string): void {
  if (typeof value === 'string') {
    if (key !== undefined && ACCOUNT_KEYS.has(key)) out.add(value);
    return;
  }
  if (Array.isArray(value)) {
    for (const v of value) accountsIn(v, out, key);
    return;
  }
  if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) accountsIn(v, out, k);
}

/** Compared by value: the outcome fields; the rest by field name and type. */
const IM_VALUE_FIELDS: ReadonlySet<string> = new Set(['ErrorCode', 'ActionStatus']);

const CONTRACT_SECRET_KEY = 'contract-check-im-secret-key-000000000000000000000000000000000001';

/** Replays an IM REST recording against a fresh fake IM server (`settings` for the choices to compare). */
export async function verifyIm(pairs: RecordedPair[], opts: { settings?: Partial<ImSettings> } = {}): Promise<ContractReport> {
  const first = new URLSearchParams(pairs[0]?.request.query ?? '');
  const sdkAppId = Number(first.get('sdkappid') ?? 1400000001);
  const admin = first.get('identifier') ?? 'administrator';
  const clock = new VirtualClock({ start: pairs[0]?.at ?? Date.now() });
  const server = createImServer({
    clock, app: { sdkAppId, secretKey: CONTRACT_SECRET_KEY, admin }, accounts: [], ...(opts.settings ? { settings: opts.settings } : {}),
    // No phone is connected during a replay, so nothing is pushed; a push attempt must not leave the machine.
    fetch: async () => new Response('{"code":-1,"message":"contract replay: no OPPO"}', { status: 200 }),
  });
  const { url, close } = await server.listen({ port: 0 });
  const subs = new Substitutions();
  const failed: PairDifference[] = [];
  try {
    for (const pair of pairs) {
      if (pair.at > clock.now()) clock.set(pair.at);
      const code = (pair.answer.body as { ErrorCode?: unknown } | null)?.ErrorCode;
      let body: unknown;
      try {
        body = JSON.parse(pair.request.body);
      } catch {
        body = undefined;
      }
      if (typeof code !== 'number' || !UNKNOWN_ACCOUNT_CODES.has(code)) {
        const ids = new Set<string>();
        accountsIn(body, ids);
        for (const id of ids) if (!server.accounts.has(id) && !server.accounts.isDeleted(id)) server.accounts.import(id);
      }
      const query = new URLSearchParams(subs.applyForm(pair.request.query));
      // A UserSig the service accepted is issued again by the fake's key at the replayed instant.
      if (query.has('usersig') && !(typeof code === 'number' && code >= 70001 && code <= 70052)) {
        query.set('usersig', genUserSig({ sdkAppId, secretKey: CONTRACT_SECRET_KEY, userId: query.get('identifier') ?? admin, now: clock.now() }));
      }
      const res = await fetch(`${url}${pair.request.path}?${query}`, { method: pair.request.method, headers: pair.request.headers, body: subs.apply(pair.request.body) });
      const diff = await compareAnswer(pair, res, subs, IM_VALUE_FIELDS);
      if (diff) failed.push(diff);
    }
  } finally {
    await close();
    clock.dispose();
  }
  return { service: 'im', pairs: pairs.length, failed };
}
