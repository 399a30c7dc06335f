/**
 * On a failed test, the push funnel of every message the spec file sent (IM decision → OPPO →
 * phone, per phone) goes to `reports/funnels/<test>.txt` (under E2E_REPORTS_DIR when set), so the person reading a red CI run sees
 * where each message stopped and why without rerunning anything.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Scenario } from './scenario.ts';

/** Where a run's reports land: `reports/`, or the directory E2E_REPORTS_DIR names. */
export const REPORTS_DIR = process.env.E2E_REPORTS_DIR?.trim() || 'reports';
export const FUNNEL_REPORT_DIR = join(REPORTS_DIR, 'funnels');

export function reportFileName(title: string): string {
  return `${title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 100) || 'test'}.txt`;
}

/** Writes the report of the current spec file's scenario; returns the file, or undefined without one. */
export async function writeFailureReport(title: string, dir = FUNNEL_REPORT_DIR): Promise<string | undefined> {
  const scenario = Scenario.current;
  if (!scenario) return undefined;
  const file = join(dir, reportFileName(title));
  await mkdir(dir, { recursive: true });
  await writeFile(file, `${title}\n\n${await scenario.funnelReport()}\n`);
  return file;
}
