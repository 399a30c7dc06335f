/**
 * Compares two JSON answers by contract, not by value: the same field names at every level, the
 * same JSON type for every field, and the same value only for the fields that name an outcome
 * (`code`, `ErrorCode`, `ActionStatus`, …). Ids, tokens and times must differ between a real
 * service and a fake, so they are compared by type.
 */
export type JsonType = 'null' | 'array' | 'object' | 'string' | 'number' | 'boolean';

export function jsonType(v: unknown): JsonType {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v as JsonType;
}

/** Differences, each one line naming the path (`data.messageId`, `ErrorList[0].ErrorCode`). */
export function shapeDifferences(expected: unknown, actual: unknown, valueFields: ReadonlySet<string>, path = ''): string[] {
  const here = path === '' ? '(answer)' : path;
  const te = jsonType(expected);
  const ta = jsonType(actual);
  if (te !== ta) return [`${here}: ${te} in the recording, ${ta} from the mock`];
  if (te === 'array') {
    const e = expected as unknown[];
    const a = actual as unknown[];
    const out: string[] = [];
    if (e.length !== a.length) out.push(`${here}: ${e.length} entries in the recording, ${a.length} from the mock`);
    for (let i = 0; i < Math.min(e.length, a.length); i++) out.push(...shapeDifferences(e[i], a[i], valueFields, `${path}[${i}]`));
    return out;
  }
  if (te !== 'object') return [];
  const e = expected as Record<string, unknown>;
  const a = actual as Record<string, unknown>;
  const out: string[] = [];
  const join = (k: string) => (path === '' ? k : `${path}.${k}`);
  for (const k of Object.keys(e)) {
    if (!Object.hasOwn(a, k)) {
      out.push(`${join(k)}: field missing from the mock's answer`);
      continue;
    }
    if (valueFields.has(k) && jsonType(e[k]) !== 'object' && jsonType(e[k]) !== 'array' && e[k] !== a[k]) {
      out.push(`${join(k)}: ${JSON.stringify(e[k])} in the recording, ${JSON.stringify(a[k])} from the mock`);
      continue;
    }
    out.push(...shapeDifferences(e[k], a[k], valueFields, join(k)));
  }
  for (const k of Object.keys(a)) if (!Object.hasOwn(e, k)) out.push(`${join(k)}: field only in the mock's answer`);
  return out;
}
