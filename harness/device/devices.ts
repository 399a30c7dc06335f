/**
 * The devices an adb server knows (`adb devices -l`), and picking the one to test on: a named
 * serial that must be there and ready, or the only device attached. Each refusal says what to do.
 */
import type { AdbClient } from './adb-client.ts';
import { AndroidDevice } from './android-device.ts';

export interface AttachedDevice {
  serial: string;
  /** `device` when usable; `unauthorized`, `offline`, `authorizing`, ... otherwise. */
  state: string;
  model?: string;
  product?: string;
  device?: string;
}

export class DevicePickError extends Error {
  override name = 'DevicePickError';
}

/** `model:CPH2307` → `CPH2307` (adbkit keeps the prefixes of `devices -l`). */
function field(value: string | undefined, name: string): string | undefined {
  if (!value) return undefined;
  return value.startsWith(`${name}:`) ? value.slice(name.length + 1) : value;
}

export async function listDevices(client: AdbClient): Promise<AttachedDevice[]> {
  const listed = (await client.listDevicesWithPaths()) as Array<{ id: string; type: string; model?: string; product?: string; device?: string }>;
  return listed.map((d) => {
    const model = field(d.model, 'model');
    const product = field(d.product, 'product');
    const device = field(d.device, 'device');
    return { serial: d.id, state: d.type, ...(model ? { model } : {}), ...(product ? { product } : {}), ...(device ? { device } : {}) };
  });
}

const STATE_HINTS: Record<string, string> = {
  unauthorized: 'accept the "Allow USB debugging?" prompt on the phone (or run `adb kill-server` and replug it)',
  offline: 'replug the phone or restart the emulator; `adb reconnect` may bring it back',
  authorizing: 'wait for the phone to finish authorizing, then retry',
};

/** The device to test on: `serial` if given (it must be attached and ready), else the only one attached. */
export async function pickDevice(client: AdbClient, serial?: string): Promise<AndroidDevice> {
  const devices = await listDevices(client);
  const names = devices.map((d) => `${d.serial} (${d.state})`).join(', ') || 'none';
  let chosen: AttachedDevice | undefined;
  if (serial !== undefined) {
    chosen = devices.find((d) => d.serial === serial);
    if (!chosen) throw new DevicePickError(`device '${serial}' not found (attached: ${names}); check \`adb devices -l\` and E2E_UDID`);
  } else {
    if (devices.length === 0) throw new DevicePickError('no devices/emulators found: attach a phone with USB debugging on, or start an emulator');
    if (devices.length > 1) throw new DevicePickError(`more than one device/emulator (${names}): say which one with E2E_UDID`);
    chosen = devices[0]!;
  }
  if (chosen.state !== 'device') throw new DevicePickError(`device '${chosen.serial}' is ${chosen.state}: ${STATE_HINTS[chosen.state] ?? 'wait until `adb devices` lists it as "device"'}`);
  return new AndroidDevice(client, chosen.serial);
}
