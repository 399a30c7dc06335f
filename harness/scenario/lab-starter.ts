/**
 * Starts the lab of harness/lab for a run: mock-oppo, the IM server and the phone farm on one clock,
 * with the lab's control API (`/_lab/v1`: clock, phones, switches) that specs and the driver use.
 * On the `emulator` and `device` profiles also: the virtual stand-in phones when asked for
 * (`E2E_EMULATOR=virtual`), the lab's side of the phones on the adb server (delivery agent, modelled
 * IM sessions), `adb reverse` of the lab's ports on each phone, and the checks before the run.
 */
import { VirtualClock } from '../../mock-oppo/core/clock.ts';
import { connectAdb } from '../device/adb-client.ts';
import { AndroidDevice } from '../device/android-device.ts';
import { noDeliveryRouteCheck, runDeviceChecks, DEBIAN_ANDROID_HOME } from '../device/checks.ts';
import { labTokenFromEnv } from '../lab/access.ts';
import { startLab, type Lab } from '../lab/lab.ts';
import { startVirtualDevices, type VirtualDevices } from '../lab/virtual-devices.ts';
import { loadAppProfile } from '../phone/profiles.ts';
import { startWebView, webViewLine } from '../web/server.ts';
import type { LabBackend, LabStarter, RunContext } from './lab-service.ts';

/** `E2E_WEB_VIEW=1 npm run e2e`: also serve the lab's web view during the run and print its URL. */
export const WEB_VIEW_ENV = 'E2E_WEB_VIEW';

/** The lab's ports (mock-oppo, IM, the lab API), which a phone reaches at the same numbers through `adb reverse`. */
function labPorts(lab: Lab): number[] {
  return [lab.oppo.url, lab.im.url, lab.url].map((u) => Number(new URL(u).port));
}

export const startLabForRun: LabStarter = async (backend, run) => {
  // Real phones run on real time: a flowing clock; virtual phones on the frozen one specs advance.
  const clock = new VirtualClock({ flowing: backend.clock === 'system' });
  const token = labTokenFromEnv();
  const side = backend.devices;
  let virtual: VirtualDevices | undefined;
  let lab: Lab | undefined;
  let web: Awaited<ReturnType<typeof startWebView>> | undefined;
  const stop = async () => {
    await web?.close();
    await lab?.stop();
    await virtual?.stop();
    clock.dispose();
  };
  try {
    const packageName = run ? loadAppProfile(run.appProfile).packageName : undefined;
    if (side?.virtual) {
      const { serials, deviceProfile } = side.virtual;
      virtual = await startVirtualDevices({ serials, ...(deviceProfile ? { deviceProfile } : {}), ...(packageName ? { launchOnce: [packageName] } : {}) });
    }
    const adb = virtual?.adb ?? side?.adb;
    lab = await startLab({
      clock,
      host: backend.host,
      portBase: backend.portBase,
      ...(backend.allowedHosts ? { allowedHosts: backend.allowedHosts } : {}),
      ...(token !== undefined ? { token } : {}),
      ...(adb ? { devices: { adb } } : {}),
    });
    const urls = { lab: lab.url, im: lab.im.url, oppo: lab.oppo.url };
    if (process.env[WEB_VIEW_ENV] === '1') {
      web = await startWebView({ urls: { ...urls, ...(lab.access.token !== undefined ? { token: lab.access.token } : {}) }, access: lab.access });
      console.log(`lab web view: ${webViewLine(web, lab.access)}`);
    }
    const running = { urls, token: lab.access.token, stop };
    if (backend.noDeliveryRoute && run) return { ...running, checks: [noDeliveryRouteCheck(backend.noDeliveryRoute)] };
    if (!side || !adb || !run) return running;
    const ports = labPorts(lab);
    const client = connectAdb(adb);
    const shell = run.shell ?? true;
    // A phone that cannot be reached gets no reverse: the checks below say so. Without shell the phone
    // reaches the lab through the farm's tunnel, not through adb of ours.
    if (shell) await Promise.allSettled(side.serials.map(async (serial) => Promise.all(ports.map((p) => new AndroidDevice(client, serial).reverse(p, p)))));
    const profile = loadAppProfile(run.appProfile);
    const certificateId = profile.behaviour.reportedCertificateId ?? profile.im.certificateId;
    const certificate = lab.im.server.certificates.lookup(certificateId);
    const channelId = certificate.status === 'active' ? certificate.config.channelId : undefined;
    const checks = await runDeviceChecks({
      client,
      adb,
      serials: side.serials,
      packageName: profile.packageName,
      ...(channelId ? { channelId } : {}),
      labPorts: ports,
      localAppium: run.localAppium,
      androidHome: run.androidHome,
      shell,
    });
    return { ...running, adb, checks };
  } catch (error) {
    await stop();
    throw error;
  }
};

/** The SDK directory Appium's adb layer will use: ANDROID_HOME, ANDROID_SDK_ROOT, else Debian's packages' layout. */
export function androidHomeFor(env: Record<string, string | undefined> = process.env): string {
  return env.ANDROID_HOME || env.ANDROID_SDK_ROOT || DEBIAN_ANDROID_HOME;
}

export type { RunContext, LabBackend };
