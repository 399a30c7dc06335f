/**
 * What the package manager reads from an APK: its binary AndroidManifest.xml, decoded by
 * `@devicefarmer/adbkit-apkreader` (package, versions, SDK levels, activities with their launcher
 * filters, services, receivers, instrumentation, requested permissions).
 */
import { createRequire } from 'node:module';

/** The subset of adbkit-apkreader's manifest object that we read (the package ships no types). */
interface RawManifest {
  package: string;
  versionCode?: number;
  versionName?: string;
  split?: string;
  usesSdk?: { minSdkVersion?: number; targetSdkVersion?: number };
  usesPermissions?: Array<{ name: string }>;
  instrumentation?: { name: string; targetPackage: string; label?: string } | null;
  application?: {
    label?: string;
    testOnly?: boolean;
    activities?: Array<{ name: string; exported?: boolean; intentFilters?: Array<{ actions?: Array<{ name: string }>; categories?: Array<{ name: string }> }> }>;
    activityAliases?: Array<{ name: string; targetActivity?: string; intentFilters?: Array<{ actions?: Array<{ name: string }>; categories?: Array<{ name: string }> }> }>;
    services?: Array<{ name: string }>;
    receivers?: Array<{ name: string }>;
  };
}

interface ApkReaderModule {
  open(apk: Buffer | string): Promise<{ readManifest(): Promise<RawManifest> }>;
}

const ApkReader = createRequire(import.meta.url)('@devicefarmer/adbkit-apkreader') as ApkReaderModule;

export interface Instrumentation {
  /** Fully qualified runner class, e.g. androidx.test.runner.AndroidJUnitRunner. */
  name: string;
  targetPackage: string;
  label?: string;
}

export interface ApkManifest {
  packageName: string;
  /** Absent in the manifest means 0, as PackageManager reads it. */
  versionCode: number;
  versionName?: string;
  /** Set on a split APK (`adb install-multiple` base + splits). */
  split?: string;
  minSdk: number;
  targetSdk: number;
  label?: string;
  testOnly: boolean;
  activities: Array<{ name: string; launcher: boolean }>;
  services: string[];
  receivers: string[];
  instrumentations: Instrumentation[];
  permissions: string[];
}

export class ApkParseError extends Error {
  override name = 'ApkParseError';
}

const qualify = (pkg: string, name: string): string => (name.startsWith('.') ? pkg + name : name.includes('.') ? name : `${pkg}.${name}`);

export async function readApkManifest(apk: Buffer): Promise<ApkManifest> {
  let raw: RawManifest;
  try {
    raw = await (await ApkReader.open(apk)).readManifest();
  } catch (e) {
    throw new ApkParseError((e as Error).message);
  }
  if (!raw || typeof raw.package !== 'string' || raw.package === '') throw new ApkParseError('AndroidManifest.xml has no package');
  const pkg = raw.package;
  const app = raw.application ?? {};
  const isLauncher = (filters: Array<{ actions?: Array<{ name: string }>; categories?: Array<{ name: string }> }> = []) =>
    filters.some((f) => (f.actions ?? []).some((a) => a.name === 'android.intent.action.MAIN') && (f.categories ?? []).some((c) => c.name === 'android.intent.category.LAUNCHER'));
  const activities = [
    ...(app.activities ?? []).map((a) => ({ name: qualify(pkg, a.name), launcher: isLauncher(a.intentFilters) })),
    ...(app.activityAliases ?? []).map((a) => ({ name: qualify(pkg, a.name), launcher: isLauncher(a.intentFilters) })),
  ];
  const minSdk = raw.usesSdk?.minSdkVersion ?? 1;
  return {
    packageName: pkg,
    versionCode: raw.versionCode ?? 0,
    ...(raw.versionName !== undefined ? { versionName: String(raw.versionName) } : {}),
    ...(raw.split ? { split: raw.split } : {}),
    minSdk,
    targetSdk: raw.usesSdk?.targetSdkVersion ?? minSdk,
    ...(typeof app.label === 'string' && !app.label.startsWith('resourceId:') ? { label: app.label } : {}),
    testOnly: app.testOnly === true,
    activities,
    services: (app.services ?? []).map((s) => qualify(pkg, s.name)),
    receivers: (app.receivers ?? []).map((r) => qualify(pkg, r.name)),
    instrumentations: raw.instrumentation ? [{ name: qualify(pkg, raw.instrumentation.name), targetPackage: raw.instrumentation.targetPackage, ...(raw.instrumentation.label ? { label: raw.instrumentation.label } : {}) }] : [],
    permissions: (raw.usesPermissions ?? []).map((p) => p.name),
  };
}
