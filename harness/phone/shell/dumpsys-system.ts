/**
 * `dumpsys activity services`, `dumpsys power`, `dumpsys deviceidle` and `dumpsys window policy`:
 * the lines tools read (appium-adb: `isForeground=true`, `mWakefulness=`,
 * `mHoldingDisplaySuspendBlocker=`, `mShowingLockscreen`/`isStatusBarKeyguard`/`showing=`), in the
 * layout of AOSP's ActiveServices, PowerManagerService, DeviceIdleController and PhoneWindowManager
 * dumps (samples in fixtures/shell/). A virtual phone's screen is always on and unlocked.
 */
import { shortComponent } from '../intent.ts';
import type { VirtualPhone } from '../phone.ts';
import { SHELL_PACKAGE } from '../system.ts';
import { out, stableHash, type Output } from './output.ts';

function ago(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  return s >= 60 ? `-${Math.floor(s / 60)}m${s % 60}s` : `-${s}s`;
}

/** `dumpsys activity services [PKG|COMPONENT]`. */
export function services(phone: VirtualPhone, filter: string | undefined): string {
  const now = phone.clock.now();
  const all = phone.apkPackages.runningServices().filter((s) => !filter || s.component === filter || shortComponent(s.component) === filter || s.packageName === filter);
  const lines = ['ACTIVITY MANAGER SERVICES (dumpsys activity services)'];
  if (all.length === 0) return [...lines, '  (nothing)', ''].join('\n');
  lines.push('  User 0 active services:');
  for (const s of all) {
    const short = shortComponent(s.component);
    const uid = phone.apkPackages.get(s.packageName)!.uid;
    const codePath = phone.apkPackages.get(s.packageName)!.codePath;
    lines.push(
      `  * ServiceRecord{${stableHash(s.component)} u0 ${short}}`,
      `    intent={cmp=${short}}`,
      `    packageName=${s.packageName}`,
      `    processName=${s.packageName}`,
      `    baseDir=${codePath}/base.apk`,
      `    dataDir=/data/user/0/${s.packageName}`,
      `    app=ProcessRecord{${stableHash(s.packageName)} ${s.pid}:${s.packageName}/u0a${uid - 10000}}`,
      s.foreground
        ? `    isForeground=true foregroundId=1 foregroundNoti=Notification(channel=${s.channel ?? 'default'} shortcut=null contentView=null vibrate=null sound=null defaults=0x0 flags=0x62 color=0x00000000 vis=PRIVATE)`
        : '    isForeground=false foregroundId=0 foregroundNoti=null',
      `    createTime=${ago(now - s.createTime)} startingBgTimeout=--`,
      `    lastActivity=${ago(now - s.createTime)} restartTime=${ago(now - s.createTime)} createdFromFg=true`,
      '    startRequested=true delayedStop=false stopIfKilled=false callStart=true lastStartId=1',
    );
  }
  return [...lines, ''].join('\n');
}

export function power(phone: VirtualPhone): string {
  return [
    'POWER MANAGER (dumpsys power)',
    '',
    'Power Manager State:',
    `  mDirty=0x0`,
    '  mWakefulness=Awake',
    '  mWakefulnessChanging=false',
    '  mIsPowered=true',
    '  mPlugType=2',
    '  mBatteryLevel=100',
    '  mStayOn=false',
    '  mProximityPositive=false',
    '  mBootCompleted=true',
    '  mSystemReady=true',
    '  mHoldingWakeLockSuspendBlocker=false',
    '  mHoldingDisplaySuspendBlocker=true',
    '',
    'Display Power: state=ON',
    `  (${phone.device.marketName})`,
    '',
  ].join('\n');
}

/** `dumpsys deviceidle whitelist [+PKG|-PKG ...]`; other subcommands print the controller's one-line state. */
export function deviceIdle(phone: VirtualPhone, args: string[]): Output {
  const list = phone.systemSettings.deviceIdleWhitelist;
  if (args[0] !== 'whitelist') return out('  mState=ACTIVE mLightState=ACTIVE\n');
  const changes = args.slice(1);
  if (changes.length === 0) {
    // com.android.shell runs as the shell uid, 2000.
    const rows = [`system-excidle,${SHELL_PACKAGE},2000`];
    for (const pkg of [...list].sort()) rows.push(`user,${pkg},${phone.packageInfo(pkg)?.uid ?? 0}`);
    return out(rows.map((r) => `${r}\n`).join(''));
  }
  let text = '';
  for (const change of changes) {
    const pkg = change.slice(1);
    if (change.startsWith('+')) {
      if (phone.packageInfo(pkg)) {
        list.add(pkg);
        text += `Added: ${pkg}\n`;
      } else text += `Unknown package: ${pkg}\n`;
    } else if (change.startsWith('-')) {
      if (list.delete(pkg)) text += `Removed: ${pkg}\n`;
    } else return out(`Package must be prefixed with +, -, or =: ${change}\n`, 255);
  }
  return out(text);
}

/** The policy part of `dumpsys window`: lock screen, dream and keyguard state. */
export function windowPolicy(phone: VirtualPhone): string {
  return [
    'WINDOW MANAGER POLICY STATE (dumpsys window policy)',
    `    mSafeMode=false mSystemReady=true mSystemBooted=true`,
    `    mLidState=LID_ABSENT mCameraLensCoverState=CAMERA_LENS_COVER_ABSENT`,
    `    mScreenOnEarly=true mScreenOnFully=true`,
    `    mKeyguardDrawComplete=true mWindowManagerDrawComplete=true`,
    `    mShowingDream=false mDreamingLockscreen=false`,
    `    mDockMode=EXTRA_DOCK_STATE_UNDOCKED`,
    `    isStatusBarKeyguard=false`,
    `    mShadeOpen=${phone.shadeOpen}`,
    '    KeyguardServiceDelegate',
    '      showing=false',
    '      showingAndNotOccluded=false',
    '      inputRestricted=false',
    '      occluded=false',
    '      secure=false',
    '',
  ].join('\n');
}
