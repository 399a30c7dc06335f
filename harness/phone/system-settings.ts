/**
 * Android's settings provider (`settings get|put|delete|list global|system|secure`) and the app-ops
 * table (`appops set|get`): plain key/value state the shell tools read and write. A few keys start
 * with the values a retail phone has; `enabled_notification_listeners` is where `cmd notification
 * allow_listener` writes, as on Android.
 */
export type SettingsNamespace = 'global' | 'system' | 'secure';

const DEFAULTS: Record<SettingsNamespace, Record<string, string>> = {
  global: { adb_enabled: '1', development_settings_enabled: '1', stay_on_while_plugged_in: '0', airplane_mode_on: '0', window_animation_scale: '1.0', transition_animation_scale: '1.0', animator_duration_scale: '1.0' },
  system: { screen_off_timeout: '60000', screen_brightness: '102', font_scale: '1.0' },
  secure: { default_input_method: 'com.android.inputmethod.latin/.LatinIME', enabled_notification_listeners: '', location_mode: '3' },
};

export class SystemSettings {
  /** Copied from the defaults on first use: most phones of a fleet never see `settings`, and the three tables were 1 KiB a phone. */
  private tables: Record<SettingsNamespace, Map<string, string>> | undefined;
  private readonly ops = new Map<string, Map<string, string>>();
  /** Packages the user exempted from Doze (`dumpsys deviceidle whitelist +PKG`). */
  readonly deviceIdleWhitelist = new Set<string>();

  constructor(private readonly androidId: string) {}

  private get values(): Record<SettingsNamespace, Map<string, string>> {
    return (this.tables ??= {
      global: new Map(Object.entries(DEFAULTS.global)),
      system: new Map(Object.entries(DEFAULTS.system)),
      secure: new Map(Object.entries({ ...DEFAULTS.secure, android_id: this.androidId })),
    });
  }

  get(ns: SettingsNamespace, key: string): string | undefined {
    return this.values[ns].get(key);
  }

  put(ns: SettingsNamespace, key: string, value: string): void {
    this.values[ns].set(key, value);
  }

  /** Rows removed (0 or 1). */
  delete(ns: SettingsNamespace, key: string): number {
    return this.values[ns].delete(key) ? 1 : 0;
  }

  list(ns: SettingsNamespace): Array<[string, string]> {
    return [...this.values[ns].entries()].sort(([a], [b]) => a.localeCompare(b));
  }

  /** The components in `secure enabled_notification_listeners` (a `:`-separated list). */
  notificationListeners(): string[] {
    return (this.get('secure', 'enabled_notification_listeners') ?? '').split(':').filter(Boolean);
  }

  setNotificationListener(component: string, allowed: boolean): void {
    const now = this.notificationListeners().filter((c) => c !== component);
    if (allowed) now.push(component);
    this.put('secure', 'enabled_notification_listeners', now.join(':'));
  }

  setOp(pkg: string, op: string, mode: string): void {
    let table = this.ops.get(pkg);
    if (!table) {
      table = new Map();
      this.ops.set(pkg, table);
    }
    table.set(op, mode);
  }

  /** Ops set for a package, by name. */
  opsOf(pkg: string): Array<[string, string]> {
    return [...(this.ops.get(pkg) ?? new Map<string, string>()).entries()].sort(([a], [b]) => a.localeCompare(b));
  }

  forgetPackage(pkg: string): void {
    this.ops.delete(pkg);
    this.deviceIdleWhitelist.delete(pkg);
  }
}
