/** Test double of the lab process: fake phones behind the real phone router on an ephemeral port. */
import express from 'express';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createPhoneRouter } from '../../harness/phone/http/router.ts';
import { PHONES_PATH } from '../../harness/phone/http/routes.ts';
import type { BootOptions } from '../../harness/phone/api.ts';
import { FakePhone } from './fake-phone.ts';

export interface FakeLab {
  url: string;
  phones: Map<string, FakePhone>;
  boots: BootOptions[];
  boot(options?: BootOptions): Promise<string>;
  close(): Promise<void>;
}

export async function startFakeLab(): Promise<FakeLab> {
  const phones = new Map<string, FakePhone>();
  const boots: BootOptions[] = [];
  const boot = async (options: BootOptions = {}) => {
    if (options.deviceProfile === 'no-such-model') throw new Error(`unknown device profile '${options.deviceProfile}'`);
    boots.push(options);
    const serial = `virtual-oppo-${phones.size + 1}`;
    phones.set(serial, new FakePhone(serial));
    return serial;
  };
  const app = express();
  app.use(PHONES_PATH, createPhoneRouter((serial) => phones.get(serial), { boot, list: () => phones.keys(), shutdown: async (serial) => phones.delete(serial) }));
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    phones,
    boots,
    boot,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
