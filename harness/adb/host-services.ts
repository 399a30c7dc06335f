/**
 * The ADB server's own services (AOSP `SERVICES.TXT`, `adb.cpp` handle_host_request): version,
 * device lists and tracking, features, state queries, the transport switch, and forward
 * bookkeeping. Every request that is not one of them is answered FAIL at once — a newer client's
 * unknown query must never hang.
 */
import type { Socket } from 'node:net';
import type { VirtualPhone } from '../phone/phone.ts';
import { DeviceNotFound, type DeviceRegistry, type Selector } from './devices.ts';
import { ADB_SERVER_VERSION, deviceFeatures, HOST_FEATURES } from './features.ts';
import { ForwardError, type ForwardTable } from './forwards.ts';
import { fail, hex4, okay, OKAY, value } from './wire/smart-socket.ts';

export interface HostContext {
  devices: DeviceRegistry;
  forwards: ForwardTable;
  socket: Socket;
  /** The device this socket switched to (`host:tport:...`), if it did. */
  bound?: VirtualPhone;
}

/** What a host request led to: the socket now belongs to a device, or the answer is complete. */
export type HostOutcome = { bind: VirtualPhone } | 'done';

const DEVICE_COMMAND = /^(features|forward:|killforward|list-forward|get-state|get-serialno|get-devpath|wait-for-|transport|tport|reconnect)/;

/** Splits `host[-serial:S|-transport-id:N|-usb|-local]:COMMAND`; undefined when it is not a host request. */
export function parseHostRequest(request: string): { selector?: Selector; command: string } | undefined {
  if (request.startsWith('host:')) return { command: request.slice(5) };
  if (request.startsWith('host-usb:')) return { selector: { kind: 'usb' }, command: request.slice(9) };
  if (request.startsWith('host-local:')) return { selector: { kind: 'local' }, command: request.slice(11) };
  if (request.startsWith('host-transport-id:')) {
    const m = /^host-transport-id:(\d+):(.*)$/s.exec(request);
    return m ? { selector: { kind: 'id', id: Number(m[1]) }, command: m[2]! } : { command: '' };
  }
  if (request.startsWith('host-serial:')) {
    const rest = request.slice(12);
    // A serial may itself hold colons (`127.0.0.1:5555`): split before the first word that is a command.
    for (let i = rest.indexOf(':'); i >= 0; i = rest.indexOf(':', i + 1)) {
      if (DEVICE_COMMAND.test(rest.slice(i + 1))) return { selector: { kind: 'serial', serial: rest.slice(0, i) }, command: rest.slice(i + 1) };
    }
    return { command: '' };
  }
  return undefined;
}

function transportSelector(spec: string): Selector | undefined {
  if (spec === 'any' || spec === '-any') return { kind: 'any' };
  if (spec === 'usb' || spec === '-usb') return { kind: 'usb' };
  if (spec === 'local' || spec === '-local') return { kind: 'local' };
  let m = /^(?::|serial:)(.+)$/s.exec(spec);
  if (m) return { kind: 'serial', serial: m[1]! };
  m = /^(?:-id:|id:)(\d+)$/.exec(spec);
  if (m) return { kind: 'id', id: Number(m[1]) };
  return undefined;
}

export async function handleHostRequest(request: { selector?: Selector; command: string }, ctx: HostContext): Promise<HostOutcome> {
  const { socket, devices } = ctx;
  const { command } = request;
  const reply = (data: Buffer): HostOutcome => {
    socket.end(data);
    return 'done';
  };
  const target = (): VirtualPhone => ctx.bound ?? devices.select(request.selector ?? { kind: 'any' });
  try {
    if (command === 'version') return reply(okay(hex4(ADB_SERVER_VERSION)));
    // The lab owns this endpoint's lifetime: `adb kill-server` is acknowledged, and the endpoint keeps serving [deliberate].
    if (command === 'kill') return reply(OKAY);
    if (command === 'devices' || command === 'devices-l') return reply(okay(devices.render(command === 'devices-l')));
    if (command === 'track-devices' || command === 'track-devices-l') return trackDevices(ctx, command === 'track-devices-l');
    if (command === 'host-features') return reply(okay(HOST_FEATURES.join(',')));
    if (command === 'features') return reply(okay(deviceFeatures(target().sdk).join(',')));
    if (command === 'get-state') return reply(okay(target() ? 'device' : 'unknown'));
    if (command === 'get-serialno') return reply(okay(target().serial));
    if (command === 'get-devpath') return reply(okay(devices.usbPath(target())));
    if (command.startsWith('wait-for-')) return waitFor(ctx, request.selector, command.slice('wait-for-'.length));
    if (command.startsWith('tport:') || command.startsWith('transport')) {
      const tport = command.startsWith('tport:');
      const selector = transportSelector(tport ? command.slice(6) : command.slice('transport'.length));
      if (!selector) return reply(fail(`unknown host service '${command}'`));
      const phone = devices.select(selector);
      if (tport) {
        const id = Buffer.alloc(8);
        id.writeBigUInt64LE(BigInt(devices.transportId(phone)));
        socket.write(Buffer.concat([OKAY, id]));
      } else socket.write(OKAY);
      return { bind: phone };
    }
    if (command.startsWith('forward:')) {
      let spec = command.slice('forward:'.length);
      const norebind = spec.startsWith('norebind:');
      if (norebind) spec = spec.slice('norebind:'.length);
      const [local, remote] = spec.split(';');
      if (!local || !remote) return reply(fail(`bad forward: ${spec}`));
      const phone = target();
      const port = await ctx.forwards.add(phone.serial, local, remote, norebind);
      // AOSP sends OKAY twice (the second for old servers) and the port only when tcp:0 was resolved.
      return reply(local === 'tcp:0' ? Buffer.concat([OKAY, OKAY, value(String(port))]) : Buffer.concat([OKAY, OKAY]));
    }
    if (command === 'killforward-all') {
      await ctx.forwards.removeAll(ctx.bound?.serial ?? (request.selector ? target().serial : undefined));
      return reply(Buffer.concat([OKAY, OKAY]));
    }
    if (command.startsWith('killforward:')) {
      await ctx.forwards.remove(command.slice('killforward:'.length), ctx.bound?.serial ?? (request.selector ? target().serial : undefined));
      return reply(Buffer.concat([OKAY, OKAY]));
    }
    if (command === 'list-forward') return reply(okay(ctx.forwards.list(ctx.bound?.serial ?? (request.selector ? target().serial : undefined))));
    return reply(fail(`unknown host service '${command.slice(0, 200)}' (this is the oppo-push-harness lab's ADB endpoint)`));
  } catch (e) {
    if (e instanceof DeviceNotFound || e instanceof ForwardError) return reply(fail(e.message));
    throw e;
  }
}

/** `host:track-devices`: the list now and again on every change, until the client hangs up. */
function trackDevices(ctx: HostContext, long: boolean): HostOutcome {
  const { socket, devices } = ctx;
  let last = devices.render(long);
  socket.write(okay(last));
  const stop = devices.farm.onChange(() => {
    const now = devices.render(long);
    if (now === last || socket.destroyed) return;
    last = now;
    socket.write(value(now));
  });
  socket.once('close', stop);
  socket.on('error', () => socket.destroy());
  socket.resume();
  return 'done';
}

/**
 * `wait-for-<transport>-<state>`: OKAY when the request is understood, a second OKAY once a
 * matching device is there (or, for `disconnect`, gone). Waits on the farm, never on a timer.
 */
function waitFor(ctx: HostContext, selector: Selector | undefined, spec: string): HostOutcome {
  const { socket, devices } = ctx;
  const m = /^(?:(any|usb|local)-)?(device|recovery|rescue|sideload|bootloader|disconnect|any)$/.exec(spec);
  if (!m) {
    socket.end(fail(`bad wait-for request '${spec}'`));
    return 'done';
  }
  const transport = (m[1] ?? 'any') as 'any' | 'usb' | 'local';
  const state = m[2]!;
  const want: Selector = selector ?? { kind: transport };
  const present = (): boolean => {
    try {
      devices.select(want);
      return true;
    } catch (e) {
      // "more than one device" still means a device of that kind is there for wait-for-any.
      return e instanceof DeviceNotFound && /more than one/.test(e.message);
    }
  };
  // Virtual phones are never in recovery, sideload or the bootloader: only device/any/disconnect can be reached.
  const reached = (): boolean => (state === 'disconnect' ? !present() : (state === 'device' || state === 'any') && present());
  socket.write(OKAY);
  if (reached()) {
    socket.end(OKAY);
    return 'done';
  }
  const stop = devices.farm.onChange(() => {
    if (!reached() || socket.destroyed) return;
    stop();
    socket.end(OKAY);
  });
  socket.once('close', stop);
  socket.on('error', () => socket.destroy());
  socket.resume();
  return 'done';
}
