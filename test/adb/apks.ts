/** Real APK files the npm packages ship (appium-uiautomator2-driver brings the UiAutomator2 server and io.appium.settings): nothing is downloaded. */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const driverDir = dirname(require.resolve('appium-uiautomator2-driver/package.json'));
const packageDir = (name: string) => dirname(require.resolve(`${name}/package.json`, { paths: [driverDir] }));

export const SETTINGS_APK = join(packageDir('io.appium.settings'), 'apks', 'settings_apk-debug.apk');
const serverApks = join(packageDir('appium-uiautomator2-server'), 'apks');
const serverVersion = (require(join(packageDir('appium-uiautomator2-server'), 'package.json')) as { version: string }).version;
/** The 18 MB UiAutomator2 server. */
export const UIA2_SERVER_APK = join(serverApks, `appium-uiautomator2-server-v${serverVersion}.apk`);
/** Its instrumentation (test) APK. */
export const UIA2_TEST_APK = join(serverApks, 'appium-uiautomator2-server-debug-androidTest.apk');
