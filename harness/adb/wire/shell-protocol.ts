/**
 * Shell protocol v2 (AOSP `packages/modules/adb/shell_protocol.h`): packets of 1 id byte, a
 * little-endian u32 length and the data, in both directions; the exit packet's data is one byte.
 */
import type { ByteReader } from './byte-reader.ts';

export const ShellPacket = { stdin: 0, stdout: 1, stderr: 2, exit: 3, closeStdin: 4, windowSize: 5 } as const;

/** adbd splits output into packets of at most this much data. */
export const MAX_SHELL_DATA = 64 * 1024;

export function shellPacket(id: number, data: Uint8Array | string = Buffer.alloc(0)): Buffer {
  const bytes = typeof data === 'string' ? Buffer.from(data) : data;
  const head = Buffer.alloc(5);
  head.writeUInt8(id, 0);
  head.writeUInt32LE(bytes.length, 1);
  return Buffer.concat([head, bytes]);
}

/** One packet from the client; null once it closed. */
export async function readShellPacket(reader: ByteReader): Promise<{ id: number; data: Buffer } | null> {
  if (reader.done) return null;
  try {
    const head = await reader.read(5);
    const data = await reader.read(head.readUInt32LE(1));
    return { id: head.readUInt8(0), data };
  } catch {
    return null;
  }
}
