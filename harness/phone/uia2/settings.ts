/**
 * The UiAutomator2 server's settings (`GET/POST /appium/settings`): names and defaults as the server
 * declares them, reset for every new session. Unknown names in an update are skipped, as the server
 * does. The facade honours the ones that change what a virtual phone answers
 * (`disableIdLocatorAutocompletion`, `shouldUseCompactResponses`, `elementResponseAttributes`); the
 * others are kept and echoed (timeouts and rendering switches have nothing to change here).
 */
import { Uia2Error } from './protocol.ts';

export const DEFAULT_SETTINGS = {
  actionAcknowledgmentTimeout: 3000,
  allowInvisibleElements: false,
  ignoreUnimportantViews: false,
  elementResponseAttributes: 'name,text',
  enableMultiWindows: false,
  enableNotificationListener: true,
  enableTopmostWindowFromActivePackage: false,
  keyInjectionDelay: 0,
  scrollAcknowledgmentTimeout: 200,
  shouldUseCompactResponses: true,
  waitForIdleTimeout: 10_000,
  waitForSelectorTimeout: 10_000,
  normalizeTagNames: false,
  enforceXPath1: false,
  disableIdLocatorAutocompletion: false,
  limitXPathContextScope: true,
  includeExtrasInPageSource: false,
  includeA11yActionsInPageSource: false,
  includeExtraRenderingInfo: false,
  shutdownOnPowerDisconnect: true,
  simpleBoundsCalculation: false,
  trackScrollEvents: true,
  // ServerInstrumentation.MAX_TEST_DURATION: a day
  wakeLockTimeout: 24 * 60 * 60 * 1000,
  serverPort: 6790,
  mjpegServerPort: 7810,
  mjpegServerFramerate: 10,
  mjpegScalingFactor: 50,
  mjpegServerScreenshotQuality: 50,
  mjpegBilinearFiltering: false,
  useResourcesForOrientationDetection: false,
  snapshotMaxDepth: 70,
  currentDisplayId: 0,
  alwaysTraversableViewClasses: '',
  deferAccessibilityCacheReset: false,
  mapTestTagToResourceId: false,
} as const;

export type Uia2SettingName = keyof typeof DEFAULT_SETTINGS;
type Values = { -readonly [K in Uia2SettingName]: (typeof DEFAULT_SETTINGS)[K] extends boolean ? boolean : (typeof DEFAULT_SETTINGS)[K] extends number ? number : string };

export class Uia2Settings {
  private values: Values = { ...DEFAULT_SETTINGS };

  get<K extends Uia2SettingName>(name: K): Values[K] {
    return this.values[name];
  }

  all(): Values {
    return { ...this.values };
  }

  reset(): void {
    this.values = { ...DEFAULT_SETTINGS };
  }

  /** Applies known settings (type-checked like the server's setters); unknown names are skipped. */
  update(changes: Record<string, unknown>): void {
    const next = { ...this.values };
    for (const [name, value] of Object.entries(changes)) {
      if (!(name in DEFAULT_SETTINGS)) continue;
      const expected = typeof DEFAULT_SETTINGS[name as Uia2SettingName];
      if (typeof value !== expected) throw new Uia2Error('invalid argument', `The setting '${name}' must be of type ${expected}, got ${JSON.stringify(value)}`);
      (next as Record<string, unknown>)[name] = value;
    }
    this.values = next;
  }
}
