/** The device-link WebSocket endpoint: frames from a phone's push service ↔ the platform rules. */
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { wsWire, type WireEnd } from '../transport/wire.ts';
import { CODES, OppoError } from '../core/codes.ts';
import type { OppoPlatform } from '../core/platform.ts';
import type { DeviceSink } from '../core/records.ts';
import type { Region } from '../core/region.ts';
import { upgradeOnlyOn } from '../transport/upgrade.ts';
import { DEVICE_LINK_PATH, type MockToPhone, type PhoneToMock } from './protocol.ts';

/** Close code sent to a link that another connection of the same device replaced, or a reset cut. */
export const CLOSE_REPLACED = 4000;

function send(end: WireEnd, frame: MockToPhone): void {
  if (end.open) end.send(JSON.stringify(frame));
}

function parseFrame(data: unknown): PhoneToMock | undefined {
  try {
    const frame: unknown = JSON.parse(String(data));
    if (typeof frame !== 'object' || frame === null || typeof (frame as { op?: unknown }).op !== 'string') return undefined;
    return frame as PhoneToMock;
  } catch {
    return undefined;
  }
}

function isText(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

/** A refused frame's answer (a plain function: a closure made per frame, an ack each, was measurable). */
function fail(end: WireEnd, id: string | undefined, code: number, message: string): void {
  send(end, { op: 'error', ...(id !== undefined ? { id } : {}), code, message });
}

/** Turns one phone frame into rules calls and answers. */
function onFrame(platform: OppoPlatform, end: WireEnd, state: { deviceId?: string; region: Region; sink: DeviceSink }, frame: PhoneToMock): void {
  const id = 'id' in frame && typeof frame.id === 'string' ? frame.id : undefined;
  if (frame.op === 'hello') {
    if (!isText(frame.deviceId)) return fail(end, id, CODES.MISSING_ARGUMENTS, 'hello needs a deviceId');
    if (state.deviceId !== undefined && state.deviceId !== frame.deviceId) return fail(end, id, CODES.INVALID_ARGUMENTS, 'this link already said hello as another device');
    state.deviceId = frame.deviceId;
    state.region = frame.region === 'INTL' ? 'INTL' : 'CN';
    send(end, { op: 'welcome', deviceId: frame.deviceId, serverTime: platform.clock.now() });
    platform.connectDevice(frame.deviceId, state.region, state.sink);
    return;
  }
  if (frame.op === 'ping') return send(end, { op: 'pong', ...(id !== undefined ? { id } : {}), serverTime: platform.clock.now() });
  if (frame.op === 'sync') {
    if (id === undefined) return fail(end, id, CODES.MISSING_ARGUMENTS, 'sync needs an id');
    return send(end, { op: 'synced', id });
  }
  const deviceId = state.deviceId;
  if (deviceId === undefined) return fail(end, id, CODES.MISSING_ARGUMENTS, 'say hello first');
  switch (frame.op) {
    case 'register': {
      if (id === undefined) return fail(end, id, CODES.MISSING_ARGUMENTS, 'register needs an id');
      try {
        if (!isText(frame.appKey) || !isText(frame.appSecret) || !isText(frame.packageName)) {
          throw new OppoError(CODES.MISSING_ARGUMENTS, 'register needs appKey, appSecret and packageName');
        }
        const reg = platform.register(deviceId, state.region, frame.appKey, frame.appSecret, frame.packageName);
        send(end, { op: 'register_result', id, code: 0, message: 'success', registrationId: reg.regId });
      } catch (err) {
        if (!(err instanceof OppoError)) throw err;
        send(end, { op: 'register_result', id, code: err.code, message: err.message });
      }
      return;
    }
    case 'unregister':
    case 'uninstall': {
      if (id === undefined) return fail(end, id, CODES.MISSING_ARGUMENTS, `${frame.op} needs an id`);
      if (!isText(frame.packageName)) return fail(end, id, CODES.MISSING_ARGUMENTS, `${frame.op} needs a packageName`);
      platform.unregisterPackage(deviceId, frame.packageName, frame.op === 'unregister' ? 'unregistered' : 'uninstalled');
      send(end, { op: frame.op === 'unregister' ? 'unregister_result' : 'uninstall_result', id, code: 0, message: 'success' });
      return;
    }
    case 'ack': {
      if (!isText(frame.messageId) || !isText(frame.registrationId)) return fail(end, id, CODES.MISSING_ARGUMENTS, 'ack needs messageId and registrationId');
      const ok = platform.ack(deviceId, frame.messageId, frame.registrationId, frame.displayed === true, typeof frame.reason === 'string' ? frame.reason : undefined);
      if (!ok) fail(end, id, CODES.DATA_NOT_EXIST, `no delivered message ${frame.messageId} for ${frame.registrationId} on this device`);
      return;
    }
    default:
      return fail(end, id, CODES.INVALID_ARGUMENTS, `unknown op ${String((frame as { op: unknown }).op)}`);
  }
}

export interface DeviceLinkServer {
  close(): Promise<void>;
}

/** The device link's rules side over any wire: a WebSocket, or an in-process end (phones in the lab process). */
export class DeviceLinkEndpoint {
  private readonly ends = new Set<WireEnd>();

  constructor(private readonly platform: OppoPlatform) {}

  accept(end: WireEnd): void {
    const { platform } = this;
    this.ends.add(end);
    // Methods, not arrows: under tsx an arrow in an object property costs a property array (256 bytes) per link.
    const sink: DeviceSink = {
      send(frame) {
        send(end, frame);
      },
      close(reason) {
        end.close(CLOSE_REPLACED, reason.slice(0, 120));
      },
    };
    const state: { deviceId?: string; region: Region; sink: DeviceSink } = { region: 'CN', sink };
    end.onMessage = (data) => {
      const frame = parseFrame(data);
      if (!frame) return send(end, { op: 'error', code: CODES.INVALID_ARGUMENTS, message: 'frames are JSON objects with an op' });
      try {
        onFrame(platform, end, state, frame);
      } catch (err) {
        // A bug must not take the mock down with it; the phone sees it as a service error.
        send(end, { op: 'error', code: CODES.SERVICE_UNAVAILABLE, message: `internal error: ${(err as Error).message}` });
      }
    };
    end.onClose = () => {
      this.ends.delete(end);
      if (state.deviceId !== undefined) platform.disconnectDevice(state.deviceId, sink);
    };
  }

  /** Ends every link (abruptly, as a server going away). */
  closeAll(): void {
    for (const end of [...this.ends]) end.terminate();
  }
}

/**
 * Serves the device link on `DEVICE_LINK_PATH` of an HTTP server; other requests stay plain HTTP (see
 * upgradeOnlyOn). `admit` (the access guard) may refuse the upgrade first; it then answers the socket.
 */
export function attachDeviceLink(
  server: Server,
  platform: OppoPlatform,
  admit?: (req: IncomingMessage, socket: Duplex) => boolean,
  endpoint = new DeviceLinkEndpoint(platform),
): DeviceLinkServer {
  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });
  const detach = upgradeOnlyOn(server, DEVICE_LINK_PATH, wss, admit);
  wss.on('connection', (ws: WebSocket) => endpoint.accept(wsWire(ws)));
  return {
    close: () =>
      new Promise<void>((resolve) => {
        detach();
        endpoint.closeAll();
        for (const client of wss.clients) client.terminate();
        wss.close(() => resolve());
      }),
  };
}
