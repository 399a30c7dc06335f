/**
 * A phone's identity from its build properties (`getprop`): brand, model, Android version and —
 * on OPPO, realme and OnePlus builds — the ColorOS version (android-automation.md §6.4).
 */

export interface BuildProps {
  brand: string;
  manufacturer: string;
  model: string;
  device: string;
  /** `ro.build.version.release`, e.g. `14`. */
  androidVersion: string;
  /** `ro.build.version.sdk`: 34 for Android 14 (NaN when the phone does not say). */
  sdk: number;
  /** `V14.0.0`-style, absent on a phone that is not ColorOS. */
  colorOsVersion?: string;
}

/** ColorOS 12+ (OPlus era) sets `oplusrom`, older builds `opporom`: oplusrom first, then opporom. */
export function colorOsVersionOf(props: Record<string, string | undefined>): string | undefined {
  return props['ro.build.version.oplusrom'] || props['ro.build.version.opporom'] || undefined;
}

export function readBuildProps(props: Record<string, string | undefined>): BuildProps {
  const colorOs = colorOsVersionOf(props);
  return {
    brand: props['ro.product.brand'] ?? '',
    manufacturer: props['ro.product.manufacturer'] ?? '',
    model: props['ro.product.model'] ?? '',
    device: props['ro.product.device'] ?? '',
    androidVersion: props['ro.build.version.release'] ?? '',
    sdk: Number(props['ro.build.version.sdk'] ?? NaN),
    ...(colorOs ? { colorOsVersion: colorOs } : {}),
  };
}

/** One line a person reads: `OPPO PHZ110, Android 14 (API 34), ColorOS V14.0.0`. */
export function describeBuild(b: BuildProps): string {
  return `${b.brand} ${b.model}, Android ${b.androidVersion} (API ${Number.isNaN(b.sdk) ? '?' : b.sdk})${b.colorOsVersion ? `, ColorOS ${b.colorOsVersion}` : ''}`;
}
