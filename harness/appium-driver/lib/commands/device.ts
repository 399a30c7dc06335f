/** Device-level commands: shade, keys, shell, device info, screenshots, window size. */
import { errors } from 'appium/driver.js';
import type { Rect } from '@appium/types';
import type { DeviceInfo, StatusBarNotification } from '../../../phone/api.ts';
import type { VirtualOppoDriver } from '../driver.ts';

export async function openNotifications(this: VirtualOppoDriver): Promise<void> {
  await this.phone.openNotifications();
}

export async function mobileGetNotifications(this: VirtualOppoDriver): Promise<{ statusBarNotifications: StatusBarNotification[] }> {
  return await this.phone.getNotifications();
}

/** `cmd statusbar` sub-commands by UiA2 name; the shade ones act directly, the rest run in the phone's shell. */
const STATUS_BAR_COMMANDS: Record<string, string> = {
  expandNotifications: 'expand-notifications',
  expandSettings: 'expand-settings',
  collapse: 'collapse',
  addTile: 'add-tile',
  removeTile: 'remove-tile',
  clickTile: 'click-tile',
  getStatusIcons: 'get-status-icons',
};

export async function mobilePerformStatusBarCommand(this: VirtualOppoDriver, command: string, component?: string): Promise<string> {
  const sub = STATUS_BAR_COMMANDS[command];
  if (!sub) {
    throw new errors.InvalidArgumentError(`The '${command}' status bar command is unknown; supported: ${Object.keys(STATUS_BAR_COMMANDS).join(', ')}`);
  }
  if (command === 'expandNotifications') {
    await this.phone.openNotifications();
    return '';
  }
  if (command === 'collapse') {
    await this.phone.collapseNotifications();
    return '';
  }
  const result = await this.phone.shell(component ? `cmd statusbar ${sub} ${component}` : `cmd statusbar ${sub}`);
  return result.stdout;
}

export async function mobilePressKey(this: VirtualOppoDriver, keycode: number, _metastate?: number, _flags?: number, _isLongPress?: boolean): Promise<void> {
  if (!Number.isInteger(keycode) || keycode < 0) throw new errors.InvalidArgumentError(`'keycode' must be an Android key code, got ${JSON.stringify(keycode)}`);
  await this.phone.pressKey(keycode);
}

/** Joins like `adb shell <command> <args...>`; a non-zero exit throws, as UiA2 does. */
export async function mobileShell(
  this: VirtualOppoDriver,
  command: string,
  args: string[] = [],
  _timeout?: number,
  includeStderr?: boolean,
): Promise<string | { stdout: string; stderr: string }> {
  this.assertFeatureEnabled('adb_shell');
  if (typeof command !== 'string' || command.trim() === '') throw new errors.InvalidArgumentError("'command' must be a non-empty string");
  if (!Array.isArray(args)) args = [String(args)];
  const line = [command, ...args].join(' ');
  const { stdout, stderr, exitCode } = await this.phone.shell(line);
  if (exitCode !== 0) {
    throw new errors.UnknownError(`Cannot execute the '${line}' shell command. Original error: exit code ${exitCode}. StdErr: ${stderr.trim()}`);
  }
  return includeStderr ? { stdout, stderr } : stdout;
}

export async function mobileGetDeviceInfo(this: VirtualOppoDriver): Promise<DeviceInfo> {
  return await this.phone.deviceInfo();
}

export async function getScreenshot(this: VirtualOppoDriver): Promise<string> {
  return await this.phone.screenshot();
}

export async function getWindowRect(this: VirtualOppoDriver): Promise<Rect> {
  const { width, height } = await this.screenSize();
  return { x: 0, y: 0, width, height };
}
