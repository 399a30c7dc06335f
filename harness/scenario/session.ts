/**
 * Worker side, just before the WebDriver sessions open (`beforeSession`): on the virtual profile the
 * run's sessions get fresh phones booted in the lab, so no run inherits an earlier one's logins, shade
 * or quotas, and each capability learns the lab URL and its phone's serial. The spec files of the run
 * then share these phones; each resets them when it opens its Scenario.
 */
import './wdio-capabilities.ts';
import { RemotePhone } from '../phone/http/index.ts';
import { readLabEnv } from './lab-env.ts';
import { isVirtualLab, type E2eProfile } from './profiles.ts';
import { appPageFor } from './apps/index.ts';

type RequestedCaps = WebdriverIO.Capabilities | { alwaysMatch: WebdriverIO.Capabilities } | Record<string, { capabilities: unknown }>;

/** The capability objects of a standalone or multiremote request, in instance order. */
export function capabilityObjects(requested: RequestedCaps): WebdriverIO.Capabilities[] {
  if ('alwaysMatch' in requested) return [requested.alwaysMatch as WebdriverIO.Capabilities];
  const values = Object.values(requested);
  const multiremote = values.length > 0 && values.every((v) => typeof v === 'object' && v !== null && 'capabilities' in v);
  if (!multiremote) return [requested as WebdriverIO.Capabilities];
  return values.map((v) => {
    const caps = (v as { capabilities: WebdriverIO.Capabilities | { alwaysMatch: WebdriverIO.Capabilities } }).capabilities;
    return 'alwaysMatch' in caps ? caps.alwaysMatch : caps;
  });
}

export async function prepareSession(profile: E2eProfile, requested: unknown): Promise<void> {
  const devices = profile.backend.kind === 'lab' ? profile.backend.devices : undefined;
  if (devices) {
    // A farm's Appium has its own adb next to its phones; the lab's adb route there is the delivery agent's.
    if (profile.name === 'farm' && !devices.virtual) return;
    // The phones' adb server (an emulator host's, or the run's stand-in phones' endpoint): UiAutomator2 goes through it.
    for (const caps of capabilityObjects(requested as RequestedCaps)) {
      caps['appium:adbPort'] = devices.adb.port;
      caps['appium:remoteAdbHost'] = devices.adb.host;
    }
    return;
  }
  if (!isVirtualLab(profile)) return;
  // The token stays out of the capabilities (Appium logs them): the driver reads PUSH_LAB_TOKEN.
  const { lab, token } = readLabEnv();
  for (const caps of capabilityObjects(requested as RequestedCaps)) {
    caps['appium:labUrl'] = lab;
    if (caps['appium:udid']) continue;
    const deviceProfile = caps['appium:deviceProfile'];
    const phone = await RemotePhone.boot(lab, {
      ...(deviceProfile ? { deviceProfile } : {}),
      appProfiles: [appPageFor(caps).profile],
    }, { token });
    caps['appium:udid'] = phone.serial;
  }
}
