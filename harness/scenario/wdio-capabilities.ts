/**
 * The VirtualOppo driver's own capabilities. WebdriverIO's capability type is closed, so a vendor
 * capability must be declared before a config or a spec can set it (android-automation.md §2.2).
 */
// Type-only: brings WebdriverIO's global namespace (Browser, Capabilities, Config) into the program.
import type {} from 'webdriverio';
import type {} from '@wdio/types';

declare global {
  namespace WebdriverIO {
    interface Capabilities {
      /** A device profile from `fixtures/devices/` (boots a fresh virtual phone when no udid is given). */
      'appium:deviceProfile'?: string;
      /** An app profile from `fixtures/apps/` (instead of appPackage/appActivity). */
      'appium:appProfile'?: string;
      /** Base URL of the lab that holds the virtual phones. */
      'appium:labUrl'?: string;
      /** The lab's token (a lab off loopback). Appium logs capabilities: prefer PUSH_LAB_TOKEN in Appium's environment. */
      'appium:labToken'?: string;
    }
  }
}
