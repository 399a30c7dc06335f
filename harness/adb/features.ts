/**
 * What a phone tells adb it can do (`host-serial:S:features`). Clients pick their code paths from
 * it: `shell_v2` gives `adb shell` exit codes and separate stderr, `cmd` streams `adb install` over
 * `exec:cmd package install -S N` (Android 8/9), `abb_exec` over `abb_exec:package\0install...`
 * (Android 10+), `stat_v2`/`ls_v2` switch sync to STA2/LST2/LIS2. Only what the phone really
 * implements is advertised: AOSP adbd also has `sendrecv_v2*` (SND2/RCV2, Android 11+) and
 * `delayed_ack`, which this endpoint does not speak, so clients stay on the v1 sync transfers.
 * Release boundaries follow AOSP `adb/transport.cpp` history [uncertain for ls_v2: P or Q].
 */
export function deviceFeatures(sdk: number): string[] {
  const features = ['shell_v2', 'cmd', 'stat_v2'];
  if (sdk >= 28) features.push('ls_v2', 'fixed_push_mkdir');
  if (sdk >= 29) features.push('apex', 'abb', 'fixed_push_symlink_timestamp', 'abb_exec', 'remount_shell');
  return features;
}

/** `host:host-features`: what the server itself supports (the union of the above). */
export const HOST_FEATURES = deviceFeatures(36);

/** The server version a client must see, or it kills the server and starts its own (adb 1.0.41). */
export const ADB_SERVER_VERSION = 41;
