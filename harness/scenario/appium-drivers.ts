/**
 * Which Appium drivers the Appium that `@wdio/appium-service` starts will find, checked before a run
 * starts: a missing UiAutomator2 driver otherwise surfaces as a generic "Unable to connect" with the
 * cause in no log. Mirrors Appium 3's lookup: `APPIUM_HOME` when set; else the project itself when it
 * depends on `appium` (drivers are its installed packages); else `~/.appium`.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

const PROJECT_ROOT = new URL('../..', import.meta.url).pathname;

function readJson(file: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/** The APPIUM_HOME Appium will use when started from `root`. */
export function appiumHome(env: Record<string, string | undefined> = process.env, root = PROJECT_ROOT): string {
  if (env.APPIUM_HOME) return env.APPIUM_HOME;
  const pkg = readJson(join(root, 'package.json'));
  const deps = { ...(pkg?.dependencies as object | undefined), ...(pkg?.devDependencies as object | undefined) };
  return 'appium' in deps ? root : join(homedir(), '.appium');
}

/** The `appium.driverName` of every package installed under `home`. */
export function installedDrivers(home: string): string[] {
  const modules = join(home, 'node_modules');
  if (!existsSync(modules)) return [];
  const dirs = readdirSync(modules).flatMap((name) => (name.startsWith('@') ? readdirSync(join(modules, name)).map((sub) => join(name, sub)) : [name]));
  return dirs
    .map((dir) => (readJson(join(modules, dir, 'package.json'))?.appium as { driverName?: unknown } | undefined)?.driverName)
    .filter((name): name is string => typeof name === 'string')
    .sort();
}

/** One problem line per driver the run needs and Appium would not find (empty when all are there). */
export function missingDriverProblems(drivers: readonly string[], env: Record<string, string | undefined> = process.env, root = PROJECT_ROOT): string[] {
  const home = appiumHome(env, root);
  const installed = new Set(installedDrivers(home));
  return drivers
    .filter((d) => !installed.has(d))
    .map((d) => `Appium has no '${d}' driver in ${home} (installed: ${[...installed].join(', ') || 'none'}): run \`npx appium driver install ${d}\`${env.APPIUM_HOME ? ' with this APPIUM_HOME' : ''}, or set E2E_APPIUM_URL to an Appium that has it`);
}
