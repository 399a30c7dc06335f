/** App management with UiAutomator2's names and results (`mobile:` methods and the core app routes). */
import { errors } from 'appium/driver.js';
import type { AppState, StartActivityOptions } from '../../../phone/api.ts';
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
