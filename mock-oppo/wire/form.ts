/**
 * `application/x-www-form-urlencoded` → Map (first value of a key wins, as a servlet's
 * getParameter does). Hand-rolled because it sits on every push request and URLSearchParams
 * cost more than the rest of the parse; malformed escapes are kept as they are, as browsers do.
 */
import { unescape } from 'node:querystring';

function decode(text: string): string {
  const spaced = text.includes('+') ? text.replace(/\+/g, ' ') : text;
  if (!spaced.includes('%')) return spaced;
  try {
    return decodeURIComponent(spaced);
  } catch {
    return unescape(spaced);
  }
}

export function parseForm(text: string): Map<string, string> {
  const out = new Map<string, string>();
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('&', start);
    if (end === -1) end = text.length;
    if (end > start) {
      const eq = text.indexOf('=', start);
      const hasValue = eq !== -1 && eq < end;
      const key = decode(text.slice(start, hasValue ? eq : end));
      if (!out.has(key)) out.set(key, hasValue ? decode(text.slice(eq + 1, end)) : '');
    }
    start = end + 1;
  }
  return out;
}

export const EMPTY_FORM: ReadonlyMap<string, string> = new Map();
