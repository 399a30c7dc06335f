/**
 * What a tool (the Appium driver, the future fake ADB endpoint, a web view) may ask of one phone.
 * A VirtualPhone implements it in the lab process; a remote client implements the same interface
 * over the lab's HTTP API (`/_lab/v1/phones/:serial/...`), so the driver does not care where the
 * phone lives. Shapes follow UiAutomator2 where UiAutomator2 has a command for it.
 */
import type { Gesture } from './input/touch.ts';

/** One node of the screen, rendered like a UiAutomator2 `<hierarchy>` node. */
export interface UiNode {
  /** Stable while the thing it shows exists (e.g. `shade/0|com.pkg|12|null|10086/title`). */
  id: string;
  className: string;
  resourceId: string;
  text: string;
  contentDesc: string;
  packageName: string;
  /** [left, top, right, bottom] in px. */
  bounds: [number, number, number, number];
  checkable: boolean;
  checked: boolean;
  clickable: boolean;
  enabled: boolean;
  focusable: boolean;
  focused: boolean;
  longClickable: boolean;
  password: boolean;
  scrollable: boolean;
  selected: boolean;
  displayed: boolean;
  children: UiNode[];
}

/** One item of UiAutomator2's `mobile: getNotifications` (`statusBarNotifications[]`). */
export interface StatusBarNotification {
  isGroup: boolean;
  packageName: string;
  isClearable: boolean;
  isOngoing: boolean;
  id: number;
  tag: string | null;
  notification: {
    title: string | null;
    bigTitle: string | null;
    text: string | null;
    bigText: string | null;
    tickerText: string | null;
    subText: string | null;
    infoText: string | null;
    template: string | null;
  };
  userHandle: number;
  groupKey: string;
  overrideGroupKey: string | null;
  postTime: number;
  key: string;
  isRemoved: boolean;
}

/** `mobile: getDeviceInfo` of UiAutomator2 (the subset that makes sense for a virtual phone). */
export interface DeviceInfo {
  androidId: string;
  manufacturer: string;
  model: string;
  brand: string;
  apiVersion: string;
  platformVersion: string;
  carrierName: string;
  realDisplaySize: string;
  displayDensity: number;
  networks: unknown[];
  locale: string;
  timeZone: string;
  bluetooth: { state: string };
}

export interface LogcatEntry {
  /** Monotonic index in the phone's ring buffer; pass `index + 1` to `logcat()` to read only newer lines. */
  index: number;
  time: number;
  pid: number;
  tid: number;
  level: 'V' | 'D' | 'I' | 'W' | 'E' | 'F';
  tag: string;
  message: string;
  /** The line as `logcat -v threadtime` prints it. */
  line: string;
}

export interface ShellResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/** `mobile: startActivity` parameters of UiAutomator2. */
export interface StartActivityOptions {
  component?: string;
  intent?: string;
  action?: string;
  package?: string;
  uri?: string;
  mimeType?: string;
  categories?: string | string[];
  extras?: Array<[string, string, string?]>;
  flags?: string;
  wait?: boolean;
  stop?: boolean;
}

/** Appium's screen orientations. */
export type Orientation = 'PORTRAIT' | 'LANDSCAPE';

/** 0 not installed, 1 not running, 2 running in background suspended, 3 background, 4 foreground. */
export type AppState = 0 | 1 | 2 | 3 | 4;

export interface PhoneApi {
  readonly serial: string;
  deviceInfo(): Promise<DeviceInfo>;
  /** The current screen (status bar, app window or shade) as a tree. */
  uiTree(): Promise<UiNode>;
  tap(nodeId: string): Promise<void>;
  setText(nodeId: string, text: string): Promise<void>;
  /** Android keycodes: 3 HOME, 4 BACK, 82 MENU, 83 NOTIFICATION, 187 APP_SWITCH. */
  pressKey(keycode: number): Promise<void>;
  openNotifications(): Promise<void>;
  collapseNotifications(): Promise<void>;
  getNotifications(): Promise<{ statusBarNotifications: StatusBarNotification[] }>;
  queryAppState(packageName: string): Promise<AppState>;
  activateApp(packageName: string): Promise<void>;
  /** true if it was running and is now stopped, false if it was not running (UiAutomator2 semantics). */
  terminateApp(packageName: string): Promise<boolean>;
  /** Sends the foreground app to the background (HOME); seconds >= 0 brings it back after that much virtual time. */
  backgroundApp(seconds: number): Promise<void>;
  startActivity(options: StartActivityOptions): Promise<string>;
  currentActivity(): Promise<string | null>;
  currentPackage(): Promise<string | null>;
  isAppInstalled(packageName: string): Promise<boolean>;
  /**
   * Installs an app the lab knows (or updates it, keeping its data): an app profile id (`tim-demo`), a
   * file name or path whose base name is one (`/data/local/tmp/tim-demo.apk`, `fixtures/apps/tim-demo.json`),
   * or a profile object (it may `extends` a fixture). A fresh install registers a new regId at its first start.
   */
  installApp(app: AppSource): Promise<void>;
  /** Uninstalls: the app's process, data and notifications go, and OPPO invalidates its regId. false if it was not installed. */
  removeApp(packageName: string): Promise<boolean>;
  shell(command: string): Promise<ShellResult>;
  /** Buffered lines with `index >= sinceIndex` (all when absent); a reader passes `last.index + 1`. */
  logcat(sinceIndex?: number): Promise<LogcatEntry[]>;
  /** PNG of the current screen, base64: the text of every node drawn in Roboto. */
  screenshot(): Promise<string>;
  /** The same picture as an SVG document (what the web view shows). */
  screenSvg(): Promise<string>;
  /** The screen in its current orientation. */
  windowSize(): Promise<{ width: number; height: number }>;
  /** A finger gesture at screen coordinates (see input/touch.ts for turning W3C actions into gestures). */
  touch(gesture: Gesture): Promise<void>;
  orientation(): Promise<Orientation>;
  setOrientation(orientation: Orientation): Promise<void>;
}

/** An app the lab knows: a profile id or file name from `fixtures/apps/`, or a profile object (see installApp). */
export type AppSource = string | Record<string, unknown>;

/** What a lab needs to boot one more phone (profile names from `fixtures/`; the lab's defaults when absent). */
export interface BootOptions {
  deviceProfile?: string;
  /** App profiles: ids from `fixtures/apps/`, or profile objects — e.g. a variant `{ id, extends: 'tim-demo', behaviour: {...} }`. */
  appProfiles?: AppSource[];
}
