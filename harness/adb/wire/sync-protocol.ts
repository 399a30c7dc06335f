/**
 * The sync protocol (`adb push`/`pull`/`ls`; AOSP `SYNC.TXT` and `file_sync_protocol.h`): requests
 * are a 4-letter id, a little-endian u32 length and that many bytes; replies are fixed records.
 */
import type { FileStat } from '../../phone/files.ts';

/** Largest DATA chunk either side may send. */
export const SYNC_DATA_MAX = 64 * 1024;

/** `STAT` reply (v1): mode, size, mtime as u32; all zero when the path does not exist. */
export function statV1(stat: FileStat | undefined): Buffer {
  const b = Buffer.alloc(16);
  b.write('STAT', 0, 'latin1');
  if (stat) {
    b.writeUInt32LE(stat.mode, 4);
    b.writeUInt32LE(stat.size >>> 0, 8);
    b.writeUInt32LE(stat.mtime >>> 0, 12);
  }
  return b;
}

/** The 68 bytes after the id of `STA2`/`LST2` replies and `DNT2` entries: error, dev, ino, mode, nlink, uid, gid, size, atime, mtime, ctime. */
function statV2Body(stat: FileStat | undefined, errno: number): Buffer {
  const b = Buffer.alloc(68);
  b.writeUInt32LE(stat ? 0 : errno, 0);
  if (stat) {
    b.writeBigUInt64LE(0xfd00n, 4);
    b.writeBigUInt64LE(BigInt(stat.ino), 12);
    b.writeUInt32LE(stat.mode, 20);
    b.writeUInt32LE(stat.nlink, 24);
    b.writeUInt32LE(stat.uid, 28);
    b.writeUInt32LE(stat.gid, 32);
    b.writeBigUInt64LE(BigInt(stat.size), 36);
    b.writeBigInt64LE(BigInt(stat.mtime), 44);
    b.writeBigInt64LE(BigInt(stat.mtime), 52);
    b.writeBigInt64LE(BigInt(stat.mtime), 60);
  }
  return b;
}

/** `STA2`/`LST2` reply: 72 bytes (a client that asked for v2 hangs on anything shorter). */
export function statV2(id: 'STA2' | 'LST2', stat: FileStat | undefined, errno: number): Buffer {
  return Buffer.concat([Buffer.from(id, 'latin1'), statV2Body(stat, errno)]);
}

export function dentV1(name: string, stat: FileStat): Buffer {
  const n = Buffer.from(name);
  const b = Buffer.alloc(20);
  b.write('DENT', 0, 'latin1');
  b.writeUInt32LE(stat.mode, 4);
  b.writeUInt32LE(stat.size >>> 0, 8);
  b.writeUInt32LE(stat.mtime >>> 0, 12);
  b.writeUInt32LE(n.length, 16);
  return Buffer.concat([b, n]);
}

export function dentV2(name: string, stat: FileStat): Buffer {
  const n = Buffer.from(name);
  const len = Buffer.alloc(4);
  len.writeUInt32LE(n.length, 0);
  return Buffer.concat([Buffer.from('DNT2', 'latin1'), statV2Body(stat, 0), len, n]);
}

/** The end of a listing: `DONE` and a zeroed record of the listing's entry size. */
export function listDone(v2: boolean): Buffer {
  const b = Buffer.alloc(v2 ? 76 : 20);
  b.write('DONE', 0, 'latin1');
  return b;
}

export function syncMessage(id: string, lengthOrValue: number, data?: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.write(id, 0, 'latin1');
  head.writeUInt32LE(lengthOrValue, 4);
  return data ? Buffer.concat([head, data]) : head;
}

export function syncFail(message: string): Buffer {
  const text = Buffer.from(message);
  return syncMessage('FAIL', text.length, text);
}
