/** App management with UiAutomator2's names and results (`mobile:` methods and the core app routes). */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { errors } from 'appium/driver.js';
import type { AppSource, AppState, StartActivityOptions } from '../../../phone/api.ts';
import type { VirtualOppoDriver } from '../driver.ts';

function requirePackage(appId: unknown): string {
  if (typeof appId !== 'string' || appId === '') throw new errors.InvalidArgumentError(`'appId' must be a package name, got ${JSON.stringify(appId)}`);
  return appId;
}

/** 0 not installed, 1 not running, 3 background, 4 foreground. */
export async function queryAppState(this: VirtualOppoDriver, appId: string): Promise<AppState> {
  return await this.phone.queryAppState(requirePackage(appId));
}

export async function activateApp(this: VirtualOppoDriver, appId: string): Promise<void> {
  const pkg = requirePackage(appId);
  if (!(await this.phone.isAppInstalled(pkg))) throw new errors.InvalidArgumentError(`The application '${pkg}' is not installed on the device`);
  await this.phone.activateApp(pkg);
}

/** Core route `terminate_app`: true if the app was running and is now stopped. */
export async function terminateApp(this: VirtualOppoDriver, appId: string): Promise<boolean> {
  return await this.phone.terminateApp(requirePackage(appId));
}

/** `mobile: terminateApp`; the stop is immediate on a virtual phone, so `timeout` has nothing to wait for. */
export async function mobileTerminateApp(this: VirtualOppoDriver, appId: string, _timeout?: number): Promise<boolean> {
  return await this.phone.terminateApp(requirePackage(appId));
}

export async function isAppInstalled(this: VirtualOppoDriver, appId: string): Promise<boolean> {
  return await this.phone.isAppInstalled(requirePackage(appId));
}

export async function mobileIsAppInstalled(this: VirtualOppoDriver, appId: string, _user?: string | number): Promise<boolean> {
  return await this.phone.isAppInstalled(requirePackage(appId));
}

/**
 * Core route `install_app` (WebdriverIO `installApp`). The lab knows apps by profile: `appPath` is a
 * profile id, a file name whose base name is one (`tim-demo.apk`), or a profile JSON file on the
 * Appium host (read here and sent as the profile, so a variant needs no fixture in the lab).
 */
export async function installApp(this: VirtualOppoDriver, appPath: string, _options?: unknown): Promise<void> {
  if (typeof appPath !== 'string' || appPath === '') throw new errors.InvalidArgumentError(`'appPath' must be an app profile id or file, got ${JSON.stringify(appPath)}`);
  let app: AppSource = appPath;
  if (/\.json$/i.test(appPath) && existsSync(appPath)) {
    try {
      app = JSON.parse(await readFile(appPath, 'utf8')) as Record<string, unknown>;
    } catch (err) {
      throw new errors.InvalidArgumentError(`'${appPath}' is not an app profile: ${(err as Error).message}`);
    }
  }
  try {
    await this.phone.installApp(app);
  } catch (err) {
    throw new errors.InvalidArgumentError(`cannot install '${appPath}': ${(err as Error).message}`);
  }
}

/** `mobile: installApp`; the install is immediate on a virtual phone, so the timing and replace options change nothing. */
export async function mobileInstallApp(this: VirtualOppoDriver, appPath: string): Promise<void> {
  await installApp.call(this, appPath);
}

/** Core route `remove_app` (WebdriverIO `removeApp`): true if the app was installed and is gone. */
export async function removeApp(this: VirtualOppoDriver, appId: string, _options?: unknown): Promise<boolean> {
  return await this.phone.removeApp(requirePackage(appId));
}

/** `mobile: removeApp`; `keepData` has nothing to keep on a virtual phone (an uninstall clears the app's data). */
export async function mobileRemoveApp(this: VirtualOppoDriver, appId: string): Promise<boolean> {
  return await this.phone.removeApp(requirePackage(appId));
}

/** seconds < 0 (the default): stay in the background; else come back after that much phone time. */
export async function mobileBackgroundApp(this: VirtualOppoDriver, seconds: number = -1): Promise<void> {
  if (typeof seconds !== 'number' || !Number.isFinite(seconds)) throw new errors.InvalidArgumentError(`'seconds' must be a number, got ${JSON.stringify(seconds)}`);
  await this.phone.backgroundApp(seconds);
}

/** Answers with `am start`'s output, like UiA2; an `Error:` line in it is the caller's to read. */
export async function mobileStartActivity(
  this: VirtualOppoDriver,
  wait?: boolean,
  stop?: boolean,
  _windowingMode?: string | number,
  _activityType?: string | number,
  _display?: string | number,
  _user?: string | number,
  intent?: string,
  action?: string,
  pkg?: string,
  uri?: string,
  mimeType?: string,
  _identifier?: string,
  component?: string,
  categories?: string | string[],
  extras?: Array<[string, string, string?]>,
  flags?: string,
): Promise<string> {
  if (!intent && !action && !component && !uri) {
    throw new errors.InvalidArgumentError("give at least one of 'intent', 'component', 'action' or 'uri'");
  }
  const options: StartActivityOptions = { wait, stop, intent, action, package: pkg, uri, mimeType, component, categories, extras, flags };
  return await this.phone.startActivity(
    Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as StartActivityOptions,
  );
}

export async function getCurrentActivity(this: VirtualOppoDriver): Promise<string | null> {
  return await this.phone.currentActivity();
}

export async function getCurrentPackage(this: VirtualOppoDriver): Promise<string | null> {
  return await this.phone.currentPackage();
}
