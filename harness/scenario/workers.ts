/**
 * Parallel workers: the suite's spec files spread over `E2E_WORKERS` WDIO workers (`maxInstances`),
 * each worker with a lab of its own (harness/scenario/lab-service.ts starts one per worker).
 *
 * Why a lab per worker and not one shared lab: a Scenario resets the whole lab when it opens
 * (`POST /_lab/v1/reset`: every phone, IM, mock-oppo) and specs move the lab's one virtual clock, so
 * two workers in one lab would wipe each other's sessions and time-travel each other's timers. A lab
 * per worker gives each worker exactly what the one-worker run gives the whole suite; a worker's
 * phones, users, clock and journals are its own, and the results are the same as with one worker.
 * The labs are cheap (a few MB and no phones until a worker boots its two).
 */
import { readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** The environment variable that names the number of workers. */
export const WORKERS_ENV = 'E2E_WORKERS';

/** Every `*.e2e.ts` file under `dirs`, each directory's files sorted, directories in the order given. */
export function specFilesUnder(dirs: readonly string[]): string[] {
  return dirs.flatMap((dir) => {
    let entries: string[];
    try {
      entries = readdirSync(dir, { recursive: true, encoding: 'utf8' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    return entries.filter((e) => e.endsWith('.e2e.ts')).sort().map((e) => join(dir, e));
  });
}

/**
 * The spec files that must run in one worker, in order: a numbered family `<stem>-<n>-….e2e.ts` in
 * one directory (e.g. `isolation-1-leaves-a-mess` then `isolation-2-starts-clean`, whose point is
 * that the second runs after the first in the same lab).
 */
function familyOf(file: string): string {
  const m = /^(.+?)-\d+-/.exec(basename(file));
  return m ? join(dirname(file), m[1]!) : file;
}

/**
 * Splits spec files into at most `workers` WDIO spec groups, one per worker: numbered families stay
 * together and in order, and each family goes to the group with the fewest files so far (so the
 * groups differ by at most one family's size). A worker runs its group one file after another in one
 * pair of sessions, so a run pays worker and session start-up once per worker, not once per file.
 * `specs` is the config's group or the flat list `wdio run --spec a --spec b` leaves (which WDIO
 * would otherwise run as one worker and a second pair of sessions per file, "200% completed").
 */
export function specGroups(specs: ReadonlyArray<string | string[]>, workers: number): string[][] {
  const files = specs.flatMap((s) => (Array.isArray(s) ? s : [s]));
  if (workers <= 1) return files.length ? [files] : [];
  const families = new Map<string, string[]>();
  for (const file of files) {
    const key = familyOf(file);
    families.set(key, [...(families.get(key) ?? []), file]);
  }
  const groups: string[][] = Array.from({ length: workers }, () => []);
  for (const family of families.values()) {
    const smallest = groups.reduce((best, g) => (g.length < best.length ? g : best));
    smallest.push(...family);
  }
  return groups.filter((g) => g.length > 0);
}

/** Which of the run's labs this worker uses: its spec group's index (WDIO's worker id is `<capability>-<group>`). */
export function workerIndex(env: Record<string, string | undefined> = process.env): number {
  const id = env.WDIO_WORKER_ID;
  const m = id ? /^\d+-(\d+)$/.exec(id) : null;
  return m ? Number(m[1]) : 0;
}
