/**
 * Which files a flow run takes: the `*.yaml` / `*.yml` files at the top of a folder (sub-folders
 * hold shared flows for `runFlow`, as Maestro's do), or files named one by one.
 */
import { readdirSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { basename, join, resolve } from 'node:path';
import { FlowError, readFlow, type Flow } from './parse.ts';

export const FLOWS_ENV = 'PUSH_LAB_FLOWS';
export const DEFAULT_FLOWS_DIR = 'flows';

const FLOW_FILE = /\.ya?ml$/;

export function flowFiles(paths: string[]): string[] {
  const files: string[] = [];
  for (const path of paths) {
    let isDir: boolean;
    try {
      isDir = statSync(path).isDirectory();
    } catch {
      throw new Error(`no flow file or folder '${path}'`);
    }
    if (!isDir) files.push(resolve(path));
    else files.push(...readdirSync(path).filter((f) => FLOW_FILE.test(f)).sort().map((f) => resolve(join(path, f))));
  }
  return files;
}

export type Loaded = { file: string; flow: Flow } | { file: string; error: FlowError | Error };

/** Every flow, parsed; a broken one is kept with its error so a run can report it instead of stopping. */
export function loadFlows(paths: string[]): Loaded[] {
  return flowFiles(paths).map((file) => {
    try {
      return { file, flow: readFlow(file) };
    } catch (error) {
      return { file, error: error as Error };
    }
  });
}

/**
 * A scenario tag from the file: keeps each flow's IM users apart (`alice_f3a1c_01_killed_a`). IM user
 * ids are at most 32 bytes, so the tag is short: a hash of the path and the name's start.
 */
export function tagOf(file: string): string {
  const hash = createHash('sha256').update(resolve(file)).digest('hex').slice(0, 4);
  return `f${hash}_${basename(file).replace(FLOW_FILE, '').replace(/[^A-Za-z0-9]+/g, '_').slice(0, 12)}`;
}

/** The paths a run takes from the environment (`PUSH_LAB_FLOWS`, colon-separated), default `flows/`. */
export function flowPathsFromEnv(env: NodeJS.ProcessEnv = process.env): string[] {
  const value = env[FLOWS_ENV];
  return value ? value.split(':').filter(Boolean) : [DEFAULT_FLOWS_DIR];
}
