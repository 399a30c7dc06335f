/**
 * The phones as the ADB server lists them: serial, state, the USB path adbkit's `devices -l` parser
 * expects in the third column, product/model/device from the build properties, and a transport id
 * that stays the same for as long as the phone is in the lab.
 */
import type { PhoneFarm } from '../phone/farm.ts';
import type { VirtualPhone } from '../phone/phone.ts';

export class DeviceNotFound extends Error {
  override name = 'DeviceNotFound';
}

/** How a client names the device it wants (`-s SERIAL`, `-t ID`, `-d`, `-e`, or none). */
export type Selector = { kind: 'serial'; serial: string } | { kind: 'id'; id: number } | { kind: 'any' | 'usb' | 'local' };

/** `model:` and friends are sanitized by adb to `[A-Za-z0-9_]`. */
const sanitize = (s: string): string => s.replace(/[^A-Za-z0-9_]/g, '_');

export class DeviceRegistry {
  private readonly ids = new Map<string, number>();
  private nextId = 1;

  constructor(readonly farm: PhoneFarm) {}

  list(): VirtualPhone[] {
    return this.farm.list();
  }

  transportId(phone: VirtualPhone): number {
    let id = this.ids.get(phone.serial);
    if (id === undefined) {
      id = this.nextId++;
      this.ids.set(phone.serial, id);
    }
    return id;
  }

  /** The USB port path the phone is "plugged" into: one per transport, like `usb:1-3`. */
  usbPath(phone: VirtualPhone): string {
    return `usb:1-${this.transportId(phone)}`;
  }

  /** AOSP `acquire_one_transport`, with its error texts. Every virtual phone counts as USB-attached. */
  select(selector: Selector): VirtualPhone {
    const phones = this.list();
    switch (selector.kind) {
      case 'serial': {
        const phone = phones.find((p) => p.serial === selector.serial);
        if (!phone) throw new DeviceNotFound(`device '${selector.serial}' not found`);
        return phone;
      }
      case 'id': {
        const phone = phones.find((p) => this.transportId(p) === selector.id);
        if (!phone) throw new DeviceNotFound(`no device with transport id '${selector.id}'`);
        return phone;
      }
      case 'local':
        throw new DeviceNotFound('no emulators found');
      default:
        if (phones.length === 0) throw new DeviceNotFound(selector.kind === 'usb' ? 'no devices found' : 'no devices/emulators found');
        if (phones.length > 1) throw new DeviceNotFound(selector.kind === 'usb' ? 'more than one device' : 'more than one device/emulator');
        return phones[0]!;
    }
  }

  /** `host:devices` (`SERIAL\tdevice`) or `host:devices-l` (`%-22s %s` + path, product, model, device, transport id). */
  render(long: boolean): string {
    return this.list()
      .map((p) => {
        if (!long) return `${p.serial}\tdevice\n`;
        const props = p.device.props;
        const product = sanitize(props['ro.product.name'] ?? props['ro.product.model']!);
        const model = sanitize(props['ro.product.model']!);
        const device = sanitize(props['ro.product.device'] ?? props['ro.product.model']!);
        return `${p.serial.padEnd(22)} device ${this.usbPath(p)} product:${product} model:${model} device:${device} transport_id:${this.transportId(p)}\n`;
      })
      .join('');
  }
}
