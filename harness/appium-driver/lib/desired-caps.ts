/**
 * The driver's capabilities (all `appium:`-prefixed on the wire). Semantics follow UiAutomator2:
 *
 * - `labUrl`: base URL of the lab (its phone API is at `/_lab/v1/phones`). Absent: the driver
 *   starts an in-process lab, shared by the sessions of this Appium process while any is open.
 * - `labToken`: the lab's token, for a lab off loopback. Absent: the Appium process's
 *   PUSH_LAB_TOKEN (what our WDIO run uses: a capability shows up in Appium's log).
 * - `udid`: attach to that phone. Absent: boot a fresh one from `deviceProfile` (the lab's default
 *   when absent too) with `appProfile` installed. With `udid`, `deviceProfile`/`appProfile` only
 *   log a warning: an existing phone is not re-provisioned.
 * - `appPackage` (+ `appActivity`): the app under test; else the package of `appProfile`; else no
 *   app (the session just attaches, like UiA2 without `app`/`appPackage`).
 * - `autoLaunch` (default true): launch the app at session start: `appActivity` by component,
 *   else the launcher activity. Like UiA2's `am start -S`, the app is force-stopped first unless
 *   `dontStopAppOnReset` or `noReset` is set.
 * - `noReset`: keep the phone as it is: no force-stop before the launch nor at session end. (A
 *   virtual phone has no app data to clear; ColorOS refuses `pm clear` anyway.) Without it the app
 *   is force-stopped when the session ends, as UiA2 does.
 */
import type { Constraints } from '@appium/types';

export const desiredCapConstraints = {
  platformName: { presence: true, isString: true, inclusionCaseInsensitive: ['Android'] },
  udid: { isString: true },
  deviceProfile: { isString: true },
  appProfile: { isString: true },
  appPackage: { isString: true },
  appActivity: { isString: true },
  autoLaunch: { isBoolean: true },
  noReset: { isBoolean: true },
  dontStopAppOnReset: { isBoolean: true },
  labUrl: { isString: true },
  labToken: { isString: true },
} as const satisfies Constraints;

export type VirtualOppoConstraints = typeof desiredCapConstraints;
