/**
 * The worker's side of the run report, called from wdio.conf.ts's test and hook hooks: each test
 * (and each hook that failed or sent messages) gets its own record, and at its end a report of only
 * its messages, on only the phones involved — as JSON for `reports/index.html`, as a JUnit property
 * and system-out (on failure), as Allure attachments (funnel, shade screenshots, logcat excerpt),
 * and for a failure as `reports/funnels/<test>.txt`.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { addAttachment } from '@wdio/allure-reporter';
import { addProperty } from '@wdio/junit-reporter';
import { DATA_DIR, FUNNEL_DIR, reportFileName, type TestReport } from '../reports/model.ts';
import { Scenario } from './scenario.ts';
import { describeOppoSends, funnelText, testFunnel, type FunnelEntry } from './test-funnel.ts';
import { beginRecord, currentRecord, type TestRecord } from './test-record.ts';

/** What WDIO's mocha adapter passes for a test or a hook (the fields we read). */
export interface WdioTestInfo {
  title?: string;
  parent?: string;
  file?: string;
  fullTitle?: string;
}

export interface WdioResult {
  passed: boolean;
  error?: unknown;
  duration?: number;
}

let written = 0;

export function onTestStart(test: WdioTestInfo): void {
  beginRecord(`${test.parent ?? ''} ${test.title ?? ''}`.trim(), 'test');
}

/** Mocha's names for the hooks WDIO calls by their function name. */
const HOOK_TITLES: Record<string, string> = { before: '"before all" hook', after: '"after all" hook', beforeEach: '"before each" hook', afterEach: '"after each" hook' };

export function onHookStart(hookName: string, test: WdioTestInfo): void {
  beginRecord(`${test.parent ?? ''} ${HOOK_TITLES[hookName] ?? hookName}`.trim(), 'hook');
}

/** Finishes the running test's record and writes its report; returns the report (undefined: nothing to report). */
export async function onTestEnd(test: WdioTestInfo, result: WdioResult): Promise<TestReport | undefined> {
  const record = currentRecord();
  if (!record || record.kind !== 'test') return undefined;
  return finish(record, test, result);
}

export async function onHookEnd(test: WdioTestInfo, result: WdioResult): Promise<TestReport | undefined> {
  const record = currentRecord();
  if (!record || record.kind !== 'hook') return undefined;
  if (result.passed && record.sent.length === 0) return undefined;
  return finish(record, test, result);
}

function messageOf(error: unknown): string | undefined {
  if (error === undefined || error === null) return undefined;
  return error instanceof Error ? error.message : String(error);
}

async function finish(record: TestRecord, test: WdioTestInfo, result: WdioResult): Promise<TestReport> {
  const scenario = Scenario.current;
  const failed = !result.passed;
  let funnel: FunnelEntry[] = [];
  let funnelProblem: string | undefined;
  if (scenario?.lab && record.sent.length > 0) {
    funnel = await testFunnel(scenario.lab, record.sent, scenario.phoneRefs(), record.phones).catch((e: unknown) => {
      funnelProblem = `(the push funnel could not be read: ${(e as Error).message})`;
      return [];
    });
  }
  for (const entry of funnel) entry.stages.extras &&= record.extrasVerified.has(entry.phone);
  const involved = new Set([...record.phones, ...funnel.map((e) => e.phone)]);
  const phones = (scenario?.allPhones() ?? []).filter((p) => involved.has(p.name));
  if (failed) {
    // The shade at the moment of failure, for each phone the test involved.
    for (const phone of phones) {
      const shown = await phone.notifications().catch(() => undefined);
      const screenshot = await phone.screenshot().catch(() => undefined);
      if (shown) record.shades.push({ step: 'at the failure', phone: phone.name, at: Date.now(), notifications: shown.map((n) => ({ title: n.title, ...(n.text === undefined ? {} : { text: n.text }) })), ...(screenshot ? { screenshot } : {}) });
    }
  }
  const logcat: TestReport['logcat'] = [];
  for (const phone of phones) {
    const lines = await phone.logcatExcerpt().catch(() => undefined);
    if (lines?.length) logcat.push({ phone: phone.name, lines });
  }
  const oppoText = record.oppoSends.length ? await describeOppoSends(scenario?.observers.oppo, record.oppoSends) : '';
  const error = messageOf(result.error);
  const report: TestReport = {
    spec: test.file ? relative(process.cwd(), test.file) : '',
    suite: test.parent ?? '',
    title: record.title,
    kind: record.kind,
    state: failed ? 'failed' : 'passed',
    ...(error ? { error } : {}),
    startedAt: record.startedAt,
    durationMs: result.duration ?? Date.now() - record.startedAt,
    steps: record.steps,
    funnel,
    shades: record.shades,
    logcat,
    ...(oppoText ? { oppoSends: oppoText } : {}),
  };
  const text = [funnelProblem ?? (record.sent.length || !oppoText ? funnelText(funnel) : ''), oppoText].filter(Boolean).join('\n\n');
  await mkdir(DATA_DIR, { recursive: true });
  await writeFile(join(DATA_DIR, `${String(++written).padStart(4, '0')}-${process.pid}-${reportFileName(record.title, 'json')}`), JSON.stringify(report));
  if (record.sent.length > 0 || oppoText) addProperty('push-funnel', text);
  await addAttachment('push funnel', text, 'text/plain');
  for (const shade of record.shades) if (shade.screenshot) await addAttachment(`shade of ${shade.phone} (${shade.step})`, Buffer.from(shade.screenshot, 'base64'), 'image/png');
  for (const l of logcat) await addAttachment(`logcat of ${l.phone}`, l.lines.join('\n'), 'text/plain');
  if (failed && record.kind === 'hook' && result.error instanceof Error && record.sent.length > 0) {
    // A hook has no test case of its own to attach to: its error carries the funnel to every reporter.
    result.error.message += `\n\nThe push funnel of this hook's messages:\n${text}`;
  }
  if (failed) {
    await mkdir(FUNNEL_DIR, { recursive: true });
    const file = join(FUNNEL_DIR, reportFileName(record.title, 'txt'));
    await writeFile(file, `${record.title}\n\n${error ?? ''}\n\nThe push funnel of this ${record.kind}'s messages:\n${text}\n`);
    // Goes to the JUnit system-out of the failed test (addWorkerLogs) and the console.
    console.log(`push funnel of this ${record.kind}'s messages (${file}):\n${text}`);
  }
  return report;
}
