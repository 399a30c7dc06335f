/**
 * The device's shell services over one client socket, on top of the phone's streaming shell
 * (`ShellSession`): `shell,v2,...:` with the v2 packet framing (stdout, stderr and the exit code
 * kept apart, stdin and close-stdin from the client), and the raw ones (`shell:` v1, `exec:`, and
 * `abb_exec:`), where stdout and stderr share the socket, stdin is the socket's other direction and
 * the end of the output closes it. The client closing its socket ends a long-running command.
 */
import type { Socket } from 'node:net';
import type { ShellSession } from '../phone/shell/session.ts';
import type { ByteReader } from './wire/byte-reader.ts';
import { MAX_SHELL_DATA, readShellPacket, ShellPacket, shellPacket } from './wire/shell-protocol.ts';
import { OKAY } from './wire/smart-socket.ts';

/** What `-t`/`pty` shells do to output: a terminal turns LF into CR LF. */
const toPty = (chunk: Buffer): Buffer => Buffer.from(chunk.toString('latin1').replace(/\r?\n/g, '\r\n'), 'latin1');

function write(socket: Socket, data: Buffer): void {
  if (!socket.destroyed && socket.writable) socket.write(data);
}

function whenOutputEnds(session: ShellSession): Promise<void> {
  const ended = (s: NodeJS.ReadableStream) => new Promise<void>((resolve) => s.once('end', () => resolve()));
  return Promise.all([ended(session.stdout), ended(session.stderr)]).then(() => undefined);
}

function closeOnHangUp(socket: Socket, session: ShellSession): void {
  socket.once('close', () => session.close());
  socket.once('error', () => session.close());
}

/** `shell,v2,<args>:<cmd>` (and `abb:`): packets both ways; the exit packet, then close. */
export async function serveShellV2(socket: Socket, reader: ByteReader, session: ShellSession, pty: boolean): Promise<void> {
  socket.write(OKAY);
  closeOnHangUp(socket, session);
  const send = (id: number) => (chunk: Buffer) => {
    const data = pty ? toPty(chunk) : chunk;
    for (let at = 0; at < data.length; at += MAX_SHELL_DATA) write(socket, shellPacket(id, data.subarray(at, at + MAX_SHELL_DATA)));
  };
  const outputDone = whenOutputEnds(session);
  session.stdout.on('data', send(ShellPacket.stdout));
  // A pty has one stream: stderr reaches the terminal with stdout.
  session.stderr.on('data', send(pty ? ShellPacket.stdout : ShellPacket.stderr));
  void (async () => {
    for (;;) {
      const packet = await readShellPacket(reader);
      if (!packet) break;
      if (packet.id === ShellPacket.stdin && !session.stdin.writableEnded) session.stdin.write(packet.data);
      else if (packet.id === ShellPacket.closeStdin && !session.stdin.writableEnded) session.stdin.end();
    }
    session.close();
  })();
  const code = await session.exitCode;
  await outputDone;
  write(socket, shellPacket(ShellPacket.exit, Buffer.from([code])));
  socket.end();
}

/** `shell:<cmd>`, `exec:<cmd>`, `abb_exec:`: raw bytes both ways; the end of the output closes the socket. */
export async function serveRaw(socket: Socket, reader: ByteReader, session: ShellSession, pty: boolean): Promise<void> {
  socket.write(OKAY);
  closeOnHangUp(socket, session);
  const send = (chunk: Buffer) => write(socket, pty ? toPty(chunk) : chunk);
  const outputDone = whenOutputEnds(session);
  session.stdout.on('data', send);
  session.stderr.on('data', send);
  void (async () => {
    for (;;) {
      const chunk = await reader.readSome();
      if (!chunk) break;
      if (!session.stdin.writableEnded) session.stdin.write(chunk);
    }
    // The client half-closed (or went away): stdin ends; a command still running keeps its output flowing.
    if (!session.stdin.writableEnded) session.stdin.end();
  })();
  await session.exitCode;
  await outputDone;
  socket.end();
}
