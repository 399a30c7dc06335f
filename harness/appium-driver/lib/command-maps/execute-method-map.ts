/**
 * The `mobile:` extensions, with UiAutomator2's names and parameter lists (WebdriverIO's helpers
 * call these and do not fall back to legacy routes for a custom driver).
 */
import type { ExecuteMethodMap } from '@appium/types';
import type { VirtualOppoDriver } from '../driver.ts';

const INTENT_PARAMS = ['user', 'intent', 'action', 'package', 'uri', 'mimeType', 'identifier', 'component', 'categories', 'extras', 'flags'] as const;

export const executeMethodMap = {
  'mobile: shell': { command: 'mobileShell', params: { required: ['command'], optional: ['args', 'timeout', 'includeStderr'] } },
  'mobile: getNotifications': { command: 'mobileGetNotifications' },
  'mobile: openNotifications': { command: 'openNotifications' },
  'mobile: statusBar': { command: 'mobilePerformStatusBarCommand', params: { required: ['command'], optional: ['component'] } },
  'mobile: pressKey': { command: 'mobilePressKey', params: { required: ['keycode'], optional: ['metastate', 'flags', 'isLongPress'] } },
  'mobile: deviceInfo': { command: 'mobileGetDeviceInfo' },
  // not a UiA2 name; kept as an alias because the project's specs and issue use it
  'mobile: getDeviceInfo': { command: 'mobileGetDeviceInfo' },
  'mobile: isAppInstalled': { command: 'mobileIsAppInstalled', params: { required: ['appId'], optional: ['user'] } },
  'mobile: queryAppState': { command: 'queryAppState', params: { required: ['appId'] } },
  'mobile: installApp': { command: 'mobileInstallApp', params: { required: ['appPath'], optional: ['timeout', 'allowTestPackages', 'useSdcard', 'grantPermissions', 'replace', 'checkVersion'] } },
  'mobile: removeApp': { command: 'mobileRemoveApp', params: { required: ['appId'], optional: ['timeout', 'keepData', 'skipInstallCheck'] } },
  'mobile: activateApp': { command: 'activateApp', params: { required: ['appId'] } },
  'mobile: terminateApp': { command: 'mobileTerminateApp', params: { required: ['appId'], optional: ['timeout'] } },
  'mobile: backgroundApp': { command: 'mobileBackgroundApp', params: { optional: ['seconds'] } },
  'mobile: startActivity': {
    command: 'mobileStartActivity',
    params: { optional: ['wait', 'stop', 'windowingMode', 'activityType', 'display', ...INTENT_PARAMS] },
  },
  'mobile: getCurrentActivity': { command: 'getCurrentActivity' },
  'mobile: getCurrentPackage': { command: 'getCurrentPackage' },
} as const satisfies ExecuteMethodMap<VirtualOppoDriver>;
