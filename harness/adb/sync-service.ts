/**
 * `sync:` on the phone's file system: STAT/STA2/LST2, LIST/LIS2, SEND (DATA… DONE), RECV, QUIT, as
 * adbd serves them (AOSP `daemon/file_sync_service.cpp`), with its failure texts.
 */
import type { Socket } from 'node:net';
import { FileError, S_IFDIR, S_IFREG, type DeviceFiles } from '../phone/files.ts';
import type { VirtualPhone } from '../phone/phone.ts';
import type { ByteReader } from './wire/byte-reader.ts';
import { OKAY } from './wire/smart-socket.ts';
import { dentV1, dentV2, listDone, statV1, statV2, SYNC_DATA_MAX, syncFail, syncMessage } from './wire/sync-protocol.ts';

/** Longest path adbd accepts in a request (1024). */
const SYNC_PATH_MAX = 1024;

export async function serveSync(socket: Socket, reader: ByteReader, phone: VirtualPhone): Promise<void> {
  socket.write(OKAY);
  const files = phone.files;
  try {
    for (;;) {
      if (reader.done) break;
      const head = await reader.read(8);
      const id = head.toString('latin1', 0, 4);
      const length = head.readUInt32LE(4);
      if (id === 'QUIT') break;
      if (length > SYNC_PATH_MAX) {
        socket.end(syncFail(`path too long: ${length}`));
        return;
      }
      const path = (await reader.read(length)).toString('utf8');
      switch (id) {
        case 'STAT':
          socket.write(statV1(files.lstat(path)));
          break;
        case 'STA2':
        case 'LST2': {
          const stat = id === 'STA2' ? files.stat(path) : files.lstat(path);
          socket.write(statV2(id, stat, 2));
          break;
        }
        case 'LIST':
        case 'LIS2':
          list(socket, files, path, id === 'LIS2');
          break;
        case 'SEND':
          if (!(await receiveFile(socket, reader, files, path))) return;
          break;
        case 'RECV':
          sendFile(socket, files, path);
          break;
        default:
          socket.end(syncFail(`unknown command ${JSON.stringify(id)}`));
          return;
      }
    }
  } catch {
    // The client hung up in the middle of a request: nothing to answer.
  }
  socket.end();
}

function list(socket: Socket, files: DeviceFiles, path: string, v2: boolean): void {
  let entries: ReturnType<DeviceFiles['list']> = [];
  try {
    const self = files.stat(path)!;
    entries = [{ name: '.', stat: self }, { name: '..', stat: self }, ...files.list(path)];
  } catch {
    // adbd lists nothing for a path it cannot open and still ends with DONE.
  }
  for (const e of entries) socket.write(v2 ? dentV2(e.name, e.stat) : dentV1(e.name, e.stat));
  socket.write(listDone(v2));
}

/** SEND "path,mode": DATA chunks then DONE(mtime); OKAY or FAIL once all is read. False when the stream broke. */
async function receiveFile(socket: Socket, reader: ByteReader, files: DeviceFiles, spec: string): Promise<boolean> {
  const comma = spec.lastIndexOf(',');
  const path = comma >= 0 ? spec.slice(0, comma) : spec;
  const mode = comma >= 0 ? Number(spec.slice(comma + 1)) : 0o644;
  const chunks: Buffer[] = [];
  let mtime = 0;
  for (;;) {
    const head = await reader.read(8);
    const id = head.toString('latin1', 0, 4);
    const n = head.readUInt32LE(4);
    if (id === 'DONE') {
      mtime = n;
      break;
    }
    if (id !== 'DATA' || n > SYNC_DATA_MAX) {
      socket.end(syncFail(id === 'DATA' ? `data chunk of ${n} bytes is over ${SYNC_DATA_MAX}` : `unexpected ${JSON.stringify(id)} in a SEND`));
      return false;
    }
    chunks.push(await reader.read(n));
  }
  if (Number.isNaN(mode) || (mode & S_IFDIR) === S_IFDIR) {
    socket.write(syncFail(`couldn't create file: Is a directory`));
    return true;
  }
  try {
    files.write(path, chunks, { mode: mode & 0o7777 || 0o644, mtime });
    socket.write(syncMessage('OKAY', 0));
  } catch (e) {
    if (!(e instanceof FileError)) throw e;
    socket.write(syncFail(`couldn't create file: ${e.reason}`));
  }
  return true;
}

function sendFile(socket: Socket, files: DeviceFiles, path: string): void {
  let chunks: Buffer[];
  try {
    const stat = files.stat(path);
    if (stat && (stat.mode & S_IFREG) !== S_IFREG) throw new FileError(21, path);
    chunks = files.readChunks(path);
  } catch (e) {
    if (!(e instanceof FileError)) throw e;
    socket.write(syncFail(`open failed: ${e.reason}`));
    return;
  }
  for (const chunk of chunks) {
    for (let at = 0; at < chunk.length; at += SYNC_DATA_MAX) {
      const part = chunk.subarray(at, at + SYNC_DATA_MAX);
      socket.write(syncMessage('DATA', part.length, part));
    }
  }
  socket.write(syncMessage('DONE', 0));
}
