/**
 * What a run's reports are made of: one JSON file per test or hook (written by the worker that ran
 * it), read back by the launcher to render `reports/index.html`. Every run starts with a clean
 * `reports/` (cleanReports), so nothing of an earlier run survives into this one.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FunnelEntry } from '../scenario/test-funnel.ts';
import type { ShadeSnapshot, StepRecord } from '../scenario/test-record.ts';

/** Where a run writes its reports: `reports/`, or E2E_REPORTS_DIR (the report self-test runs into a temporary folder). */
export const REPORTS_DIR_ENV = 'E2E_REPORTS_DIR';
export const REPORTS_DIR = process.env[REPORTS_DIR_ENV] || 'reports';
/** Per-test JSON (this file's TestReport), the input of index.html. */
export const DATA_DIR = join(REPORTS_DIR, 'data');
/** Per-test funnel text of every failed test or hook. */
export const FUNNEL_DIR = join(REPORTS_DIR, 'funnels');
export const ALLURE_DIR = join(REPORTS_DIR, 'allure-results');
export const LOGS_DIR = join(REPORTS_DIR, 'logs');
export const JUNIT_DIR = join(REPORTS_DIR, 'junit');
export const HTML_REPORT = join(REPORTS_DIR, 'index.html');

export interface TestReport {
  /** The spec file, relative to the project. */
  spec: string;
  /** The describe() chain. */
  suite: string;
  title: string;
  kind: 'test' | 'hook';
  state: 'passed' | 'failed';
  error?: string;
  startedAt: number;
  durationMs: number;
  steps: StepRecord[];
  funnel: FunnelEntry[];
  shades: ShadeSnapshot[];
  logcat: Array<{ phone: string; lines: string[] }>;
  /** Pushes the test sent straight to OPPO, with each target's state. */
  oppoSends?: string;
}

/**
 * Empties `dir` (the run's reports). Synchronous, for wdio.conf.ts to call while the launcher loads
 * it: after that the launcher opens its log file in `logs/`, and removing it then would break that.
 */
export function cleanReports(dir = REPORTS_DIR): void {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
}

/** A file name from a test title: lower case, dashes, at most 100 characters. */
export function reportFileName(title: string, ext: string): string {
  return `${title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 100) || 'test'}.${ext}`;
}

/** Every test report of the run, in the order they ran. */
export async function readTestReports(dir = DATA_DIR): Promise<TestReport[]> {
  let files: string[];
  try {
    files = (await readdir(dir)).filter((f) => f.endsWith('.json'));
  } catch {
    return [];
  }
  const reports = await Promise.all(files.map(async (f) => JSON.parse(await readFile(join(dir, f), 'utf8')) as TestReport));
  return reports.sort((a, b) => a.startedAt - b.startedAt);
}
