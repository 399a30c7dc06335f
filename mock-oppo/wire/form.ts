/**
 * `application/x-www-form-urlencoded` → a prototype-less record (first value of a key wins, as a
 * servlet's getParameter does; `__proto__` is an ordinary key on such an object). Decoded straight from the body bytes in one pass: this sits on every push
 * request, and URLSearchParams (string copy, '+' replace, percent-decode) cost more than the rest
 * of the parse. Malformed escapes are kept as they are and invalid UTF-8 becomes U+FFFD, as
 * URLSearchParams does.
 */
let scratch = Buffer.allocUnsafe(16 * 1024);

/** Hex digit → value, −1 for anything else. */
const HEX = new Int8Array(256).fill(-1);
for (let d = 0; d < 16; d++) {
  HEX[d.toString(16).charCodeAt(0)] = d;
  HEX[d.toString(16).toUpperCase().charCodeAt(0)] = d;
}

function decodeRange(bytes: Uint8Array, start: number, end: number): string {
  if (scratch.length < end - start) scratch = Buffer.allocUnsafe(Math.max(end - start, scratch.length * 2));
  const out = scratch;
  let j = 0;
  for (let i = start; i < end; i++) {
    const c = bytes[i]!;
    if (c === 0x25 && i + 2 < end) {
      const hi = HEX[bytes[i + 1]!]!;
      const lo = HEX[bytes[i + 2]!]!;
      if ((hi | lo) >= 0) {
        out[j++] = (hi << 4) | lo;
        i += 2;
        continue;
      }
    }
    out[j++] = c === 0x2b ? 0x20 : c;
  }
  return out.toString('utf8', 0, j);
}

export type Form = Readonly<Record<string, string>>;

/**
 * Field names the API reads, by byte length. A key that matches one is returned as that constant
 * string: no new string per request, and V8 need not internalize a fresh property key.
 */
const KNOWN_KEYS = new Map<number, Array<{ name: string; bytes: Buffer }>>();
for (const name of [
  'auth_token', 'message', 'messages', 'app_key', 'timestamp', 'sign', 'sdk_version', 'message_id', 'task_id',
  'target_type', 'target_value', 'title', 'sub_title', 'content', 'style', 'channel_id', 'category', 'notify_level',
  'click_action_type', 'click_action_activity', 'click_action_url', 'action_parameters', 'off_line', 'off_line_ttl',
  'call_back_url', 'call_back_parameter', 'app_message_id', 'show_time_type', 'show_start_time', 'show_end_time',
]) {
  const list = KNOWN_KEYS.get(name.length) ?? [];
  list.push({ name, bytes: Buffer.from(name) });
  KNOWN_KEYS.set(name.length, list);
}

function knownKey(bytes: Uint8Array, start: number, end: number): string | undefined {
  const candidates = KNOWN_KEYS.get(end - start);
  if (!candidates) return undefined;
  next: for (const { name, bytes: known } of candidates) {
    for (let i = 0; i < known.length; i++) if (bytes[start + i] !== known[i]) continue next;
    return name;
  }
  return undefined;
}

export function parseForm(body: Uint8Array | string): Form {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  const out: Record<string, string> = Object.create(null);
  let start = 0;
  const length = bytes.length;
  while (start < length) {
    let end = bytes.indexOf(0x26, start);
    if (end === -1) end = length;
    if (end > start) {
      let eq = bytes.indexOf(0x3d, start);
      if (eq === -1 || eq > end) eq = -1;
      const keyEnd = eq === -1 ? end : eq;
      const key = knownKey(bytes, start, keyEnd) ?? decodeRange(bytes, start, keyEnd);
      if (out[key] === undefined) out[key] = eq === -1 ? '' : decodeRange(bytes, eq + 1, end);
    }
    start = end + 1;
  }
  return out;
}

export const EMPTY_FORM: Form = Object.freeze(Object.create(null));
