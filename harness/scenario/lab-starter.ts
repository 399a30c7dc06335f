/**
 * Starts the lab of harness/lab for a run: mock-oppo, the IM server and the phone farm on one clock,
 * with the lab's control API (`/_lab/v1`: clock, phones, switches) that specs and the driver use.
 */
import { VirtualClock } from '../../mock-oppo/core/clock.ts';
import { labTokenFromEnv } from '../lab/access.ts';
import { startLab } from '../lab/lab.ts';
import type { LabStarter } from './lab-service.ts';

export const startLabForRun: LabStarter = async (backend) => {
  // Real phones run on real time: a flowing clock; virtual phones on the frozen one specs advance.
  const clock = new VirtualClock({ flowing: backend.clock === 'system' });
  const token = labTokenFromEnv();
  const lab = await startLab({ clock, host: backend.host, portBase: backend.portBase, ...(backend.allowedHosts ? { allowedHosts: backend.allowedHosts } : {}), ...(token !== undefined ? { token } : {}) });
  return {
    urls: { lab: lab.url, im: lab.im.url, oppo: lab.oppo.url },
    token: lab.access.token,
    async stop() {
      await lab.stop();
      clock.dispose();
    },
  };
};
