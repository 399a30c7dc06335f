/** The `--settings <file>` and `--set name=value` flags every mock-oppo command takes. */
import { readFile } from 'node:fs/promises';
import { checkSettings, type MockSettings } from '../core/settings.ts';

export const SETTINGS_FLAGS = { settings: { type: 'string' }, set: { type: 'string', multiple: true } } as const;

/** `--settings file` then every `--set name=value`, checked as one object. */
export async function readSettings(file: string | undefined, sets: string[]): Promise<Partial<MockSettings>> {
  let fromFile: unknown = {};
  if (file !== undefined) {
    try {
      fromFile = JSON.parse(await readFile(file, 'utf8'));
    } catch (err) {
      throw new Error(`cannot load settings from ${file}: ${(err as Error).message}`);
    }
  }
  if (typeof fromFile !== 'object' || fromFile === null || Array.isArray(fromFile)) throw new Error(`settings in ${file} must be a JSON object`);
  const merged: Record<string, unknown> = { ...fromFile };
  for (const item of sets) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new Error(`--set takes name=value, got ${item}`);
    const raw = item.slice(eq + 1);
    let value: unknown = raw;
    try {
      value = JSON.parse(raw);
    } catch {
      // not JSON: the string itself
    }
    merged[item.slice(0, eq)] = value;
  }
  try {
    return checkSettings(merged);
  } catch (err) {
    throw new Error(`bad settings: ${(err as Error).message}`);
  }
}

