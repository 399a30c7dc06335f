/**
 * The services a phone serves once a socket switched to it (what adbd does on a real phone, AOSP
 * `daemon/services.cpp`): shell (v1, v2, pty or raw), exec, abb/abb_exec (`cmd` with NUL-separated
 * arguments), sync, reverse and `tcp:` to the phone's own ports. Anything else is refused.
 */
import type { Socket } from 'node:net';
import type { VirtualPhone } from '../phone/phone.ts';
import { shellQuote } from '../phone/shell/parse.ts';
import { ForwardError, type ReverseTable } from './forwards.ts';
import { serveRaw, serveShellV2 } from './shell-service.ts';
import { serveSync } from './sync-service.ts';
import type { ByteReader } from './wire/byte-reader.ts';
import { fail, OKAY, value } from './wire/smart-socket.ts';

export interface DeviceContext {
  phone: VirtualPhone;
  socket: Socket;
  reader: ByteReader;
  reverses: ReverseTable;
}

/** An empty command line is an interactive shell: a prompt per line read from stdin. */
const interactive = (phone: VirtualPhone, command: string): string => (command.trim() === '' ? `sh -i ${shellQuote(phone.device.props['ro.product.device'] ?? 'android')}` : command);

export async function handleDeviceService(service: string, ctx: DeviceContext): Promise<void> {
  const { phone, socket, reader } = ctx;
  const shell = /^shell(,[^:]*)?:(.*)$/s.exec(service);
  if (shell) {
    const args = (shell[1] ?? '').split(',').filter(Boolean);
    const command = interactive(phone, shell[2]!);
    // v1 `shell:` gets a pty only for an interactive session (modern adbd); v2 says raw or pty.
    const pty = args.includes('pty') || (!args.includes('raw') && shell[2]!.trim() === '');
    if (args.includes('v2')) return serveShellV2(socket, reader, phone.spawn(command), pty);
    return serveRaw(socket, reader, phone.spawn(command, { mergeStderr: true }), pty);
  }
  if (service.startsWith('exec:')) return serveRaw(socket, reader, phone.spawn(service.slice(5), { mergeStderr: true }), false);
  if (service.startsWith('abb_exec:') || service.startsWith('abb:')) {
    const exec = service.startsWith('abb_exec:');
    const argv = service.slice(exec ? 9 : 4).split('\0');
    const session = phone.spawn(['cmd', ...argv].map(shellQuote).join(' '), { mergeStderr: exec });
    return exec ? serveRaw(socket, reader, session, false) : serveShellV2(socket, reader, session, false);
  }
  if (service === 'sync:') return serveSync(socket, reader, phone);
  if (service.startsWith('reverse:')) return reverse(service.slice(8), ctx);
  const tcp = /^tcp:(\d{1,5})(?::(.*))?$/.exec(service);
  if (tcp) {
    const port = Number(tcp[1]);
    const host = tcp[2];
    if ((host !== undefined && host !== 'localhost' && host !== '127.0.0.1') || !phone.ports.isListening(port)) {
      socket.end(fail('closed'));
      return;
    }
    socket.write(OKAY);
    const rest = reader.detach();
    if (rest.length > 0) socket.unshift(rest);
    phone.ports.connect(port, socket);
    return;
  }
  if (service === 'root:') {
    // A user build (what every virtual phone is): adbd says so and stays unprivileged.
    socket.end(Buffer.concat([OKAY, Buffer.from('adbd cannot run as root in production builds\n')]));
    return;
  }
  socket.end(fail(`closed`));
}

/**
 * `reverse:...` is served by the phone: the first OKAY is the stream opening, then adbd answers
 * like the server does for forward (OKAY, or FAIL + message; the list as one value).
 */
function reverse(command: string, ctx: DeviceContext): void {
  const { socket, reverses } = ctx;
  socket.write(OKAY);
  try {
    if (command === 'list-forward') return void socket.end(value(reverses.list()));
    if (command === 'killforward-all') {
      reverses.removeAll();
      return void socket.end(OKAY);
    }
    if (command.startsWith('killforward:')) {
      reverses.remove(command.slice('killforward:'.length));
      return void socket.end(OKAY);
    }
    if (command.startsWith('forward:')) {
      let spec = command.slice('forward:'.length);
      const norebind = spec.startsWith('norebind:');
      if (norebind) spec = spec.slice('norebind:'.length);
      const [remote, local] = spec.split(';');
      if (!remote || !local) throw new ForwardError(`bad reverse: ${spec}`);
      const port = reverses.add(remote, local, norebind);
      return void socket.end(remote === 'tcp:0' ? Buffer.concat([OKAY, value(String(port))]) : OKAY);
    }
    socket.end(fail(`unknown reverse service '${command}'`));
  } catch (e) {
    if (e instanceof ForwardError) socket.end(fail(e.message));
    else throw e;
  }
}
