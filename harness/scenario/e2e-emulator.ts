/**
 * `npm run e2e:emulator`: the `emulator` profile's suite (groups `any` and `fakes`) with the real
 * UiAutomator2 driver against virtual phones reached only over ADB (`E2E_EMULATOR=virtual`) — the
 * proof that the emulator/device path works, run by `npm test`. UiAutomator2's adb layer needs
 * Debian's `adb` and `aapt` (`ANDROID_HOME=/usr/lib/android-sdk`); without them the run is skipped
 * with a line saying what to install. Reports go to reports/emulator/ so the virtual run's stay.
 */
import { spawn } from 'node:child_process';
import { hostToolsMissing } from '../device/checks.ts';
import { androidHomeFor } from './lab-starter.ts';

const missing = hostToolsMissing(androidHomeFor());
if (missing.length > 0) {
  console.log(`# skipped: the emulator profile's e2e run (the real UiAutomator2 driver over ADB) needs Debian's adb and aapt: apt-get install -y adb aapt (missing: ${missing.join(', ')})`);
  process.exit(0);
}

const child = spawn(process.execPath, [new URL('../../node_modules/@wdio/cli/bin/wdio.js', import.meta.url).pathname, 'run', 'wdio.conf.ts', ...process.argv.slice(2)], {
  stdio: 'inherit',
  env: { E2E_REPORTS_DIR: 'reports/emulator', ...process.env, E2E_PROFILE: 'emulator', E2E_EMULATOR: 'virtual' },
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
