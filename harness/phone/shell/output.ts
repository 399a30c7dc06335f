/** What a device command returns, and the two shapes most of them answer with. */
import { createHash } from 'node:crypto';
import type { VirtualPhone } from '../phone.ts';

export interface Output {
  stdout: string;
  stderr: string;
  exitCode: number;
}

export type ShellCommand = (phone: VirtualPhone, args: string[], stdin: string) => Output | Promise<Output>;

/** Printed on stdout, nothing on stderr (grep's exit 1 for "no match" prints too). */
export const out = (stdout = '', exitCode = 0): Output => ({ stdout, stderr: '', exitCode });
/** Printed on stderr (or nothing at all), nothing on stdout. */
export const fail = (stderr: string, exitCode = 1): Output => ({ stdout: '', stderr, exitCode });

/** A short hex hash of a stable key: the object ids dumpsys prints, deterministic per phone state. */
export const stableHash = (key: string, len = 7): string => createHash('sha1').update(key).digest('hex').slice(0, len);
