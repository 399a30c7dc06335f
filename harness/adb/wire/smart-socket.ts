/**
 * The ADB host ("smart socket") framing, AOSP `packages/modules/adb/SERVICES.TXT` and
 * `protocol.txt`: a request is 4 hex digits of length (adb writes lowercase, adbkit uppercase) and
 * the service name; an answer is `OKAY`, or `FAIL` + 4 hex digits + message; a query's value
 * follows its `OKAY` as 4 hex digits + payload.
 */
import type { ByteReader } from './byte-reader.ts';

export const OKAY = Buffer.from('OKAY');
/** What AOSP allows for one request (MAX_PAYLOAD of the host protocol). */
export const MAX_REQUEST = 1024 * 1024;

export class ProtocolError extends Error {
  override name = 'ProtocolError';
}

export function hex4(n: number): string {
  if (!Number.isInteger(n) || n < 0 || n > 0xffff) throw new RangeError(`length ${n} does not fit 4 hex digits`);
  return n.toString(16).padStart(4, '0');
}

/** A length-prefixed value (the payload of a query, a FAIL message). */
export function value(payload: string | Buffer): Buffer {
  const bytes = typeof payload === 'string' ? Buffer.from(payload) : payload;
  return Buffer.concat([Buffer.from(hex4(bytes.length)), bytes]);
}

export function okay(payload?: string | Buffer): Buffer {
  return payload === undefined ? OKAY : Buffer.concat([OKAY, value(payload)]);
}

export function fail(message: string): Buffer {
  return Buffer.concat([Buffer.from('FAIL'), value(message.slice(0, 0xffff))]);
}

/** Reads one request; null when the peer closed before sending one. */
export async function readRequest(reader: ByteReader): Promise<string | null> {
  if (reader.done) return null;
  let head: Buffer;
  try {
    head = await reader.read(4);
  } catch {
    return null;
  }
  const text = head.toString('latin1');
  if (!/^[0-9a-fA-F]{4}$/.test(text)) throw new ProtocolError(`bad request length '${text.replace(/[^\x20-\x7e]/g, '?')}'`);
  const length = parseInt(text, 16);
  if (length > MAX_REQUEST) throw new ProtocolError(`request of ${length} bytes is too long`);
  return (await reader.read(length)).toString('utf8');
}
