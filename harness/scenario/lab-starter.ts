/**
 * Starts the lab of harness/lab for a run: mock-oppo, the IM server and the phone farm on one clock,
 * with the lab's control API (`/_lab/v1`: clock, phones, switches) that specs and the driver use.
 */
import { VirtualClock } from '../../mock-oppo/core/clock.ts';
import { labTokenFromEnv } from '../lab/access.ts';
import { startLab } from '../lab/lab.ts';
import { startWebView, webViewLine } from '../web/server.ts';
import type { LabStarter } from './lab-service.ts';

/** `E2E_WEB_VIEW=1 npm run e2e`: also serve the lab's web view during the run and print its URL. */
export const WEB_VIEW_ENV = 'E2E_WEB_VIEW';

export const startLabForRun: LabStarter = async (backend) => {
  // Real phones run on real time: a flowing clock; virtual phones on the frozen one specs advance.
  const clock = new VirtualClock({ flowing: backend.clock === 'system' });
  const token = labTokenFromEnv();
  const lab = await startLab({ clock, host: backend.host, portBase: backend.portBase, ...(backend.allowedHosts ? { allowedHosts: backend.allowedHosts } : {}), ...(token !== undefined ? { token } : {}) });
  const urls = { lab: lab.url, im: lab.im.url, oppo: lab.oppo.url };
  let web: Awaited<ReturnType<typeof startWebView>> | undefined;
  if (process.env[WEB_VIEW_ENV] === '1') {
    try {
      web = await startWebView({ urls: { ...urls, ...(lab.access.token !== undefined ? { token: lab.access.token } : {}) }, access: lab.access });
    } catch (err) {
      await lab.stop();
      clock.dispose();
      throw err;
    }
    console.log(`lab web view: ${webViewLine(web, lab.access)}`);
  }
  return {
    urls,
    token: lab.access.token,
    async stop() {
      await web?.close();
      await lab.stop();
      clock.dispose();
    },
  };
};
