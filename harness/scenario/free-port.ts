/**
 * A free loopback port, for a server that must be told its port up front (Appium under
 * `@wdio/appium-service`, whose own default probes from 4723 upwards: two runs on one machine
 * could both pick 4723 and one run's sessions end up on the other's Appium).
 */
import { createServer, type AddressInfo } from 'node:net';

export function freeLoopbackPort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, host, () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}
