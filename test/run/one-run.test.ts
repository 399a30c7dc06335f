/**
 * One real run of the e2e machinery (`wdio run wdio.conf.ts --spec …`), looked at from three sides.
 * Three separate runs once cost about 100 s of CI; this one makes the same checks.
 *
 * The run, on one worker (E2E_WORKERS=1), into a temporary reports folder, with a lab token enforced
 * on loopback, over these spec files in this order:
 *   - one spec file per kind of client that must carry the lab token (the VirtualOppo driver and page
 *     objects, the mock's control client, IM's REST and console clients, two phones, the trace API,
 *     the OPPO server client) — a client that drops the token fails its spec;
 *   - specs/selftest/report.e2e.ts: a passing test, a failing test and a failing hook, on purpose;
 *   - test/run/secrets-last.e2e.ts: dumps every journal the lab keeps into the reports, fails on purpose.
 *
 * Checked: `--spec a --spec b …` behaves like the full run (one worker, the order given, "1 total
 * (100% completed)", reports for exactly those files); what a failure leaves behind (JUnit, Allure,
 * funnels, index.html in headless Chromium); and no configured secret, UserSig or unmasked auth token
 * in any file the run wrote or in its output.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import oppoApps from '../../fixtures/oppo-apps.json' with { type: 'json' };
import { generateToken } from '../../mock-oppo/access/guard.ts';
import { maskSecret } from '../../mock-oppo/core/apps.ts';
import { LAB_TOKEN_ENV } from '../../harness/lab/access.ts';
import { REPORTS_DIR_ENV, readTestReports } from '../../harness/reports/model.ts';
import { fixtureSecrets, leaksIn } from '../access/secret-scan.ts';
import { chromiumMissing, launchChromium } from '../reports/browser.ts';
import { DELIBERATE_FAILURE } from './deliberate.ts';

const ROOT = new URL('../../', import.meta.url).pathname;
const TOKEN_CLIENT_SPECS = [
  'specs/any/killed-app.e2e.ts',
  'specs/fakes/logout-and-kick.e2e.ts',
  'specs/fakes/vendor-faults.e2e.ts',
  'specs/two-phones/forced-logout.e2e.ts',
  'specs/virtual/certificate.e2e.ts',
  'specs/virtual/trace.e2e.ts',
  'specs/virtual/oppo-direct.e2e.ts',
];
const REPORT_SPEC = 'specs/selftest/report.e2e.ts';
const LAST_SPEC = 'test/run/secrets-last.e2e.ts';
const SPECS = [...TOKEN_CLIENT_SPECS, REPORT_SPEC, LAST_SPEC];

interface Run {
  code: number;
  output: string;
  token: string;
  reports: string;
  /** Every file the run wrote, named as in the reports folder (`junit/…`, `index.html`), and its output as `run.stdout.txt` / `run.stderr.txt`. */
  texts: Map<string, string>;
}

let run: Run;
let cleanup: () => Promise<void> = async () => undefined;

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(path)));
    else out.push(path);
  }
  return out;
}

function testcases(xml: string): Map<string, string> {
  return new Map([...xml.matchAll(/<testcase [^>]*name="([^"]*)"[\s\S]*?<\/testcase>/g)].map((m) => [m[1]!, m[0]]));
}

const junitOf = (r: Run) => [...r.texts].filter(([f]) => f.startsWith('junit/')).map(([, x]) => x).join('\n');

before(async () => {
  const dir = await mkdtemp(join(tmpdir(), 'one-run-'));
  cleanup = () => rm(dir, { recursive: true, force: true });
  // The run empties its reports folder as it starts (a stale file proves it); its output goes beside it.
  const reports = join(dir, 'reports');
  await mkdir(join(reports, 'funnels'), { recursive: true });
  await writeFile(join(reports, 'funnels', 'stale-from-an-earlier-run.txt'), 'old');
  const token = generateToken();
  const child = spawn(process.execPath, [join(ROOT, 'node_modules/@wdio/cli/bin/wdio.js'), 'run', 'wdio.conf.ts', ...SPECS.flatMap((s) => ['--spec', s])], {
    cwd: ROOT,
    env: { ...process.env, [LAB_TOKEN_ENV]: token, [REPORTS_DIR_ENV]: reports, E2E_PROFILE: 'virtual', E2E_WORKERS: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const [code] = (await once(child, 'close')) as [number];
  await writeFile(join(dir, 'run.stdout.txt'), stdout);
  await writeFile(join(dir, 'run.stderr.txt'), stderr);
  const files = await filesUnder(dir);
  const texts = new Map(await Promise.all(files.map(async (f) => [f.slice((f.startsWith(`${reports}/`) ? reports : dir).length + 1), await readFile(f, 'utf8')] as const)));
  run = { code, output: `${stdout}\n${stderr}`, token, reports, texts };
});

after(() => cleanup());

test('the run: every token-carrying spec passed with the token enforced; only the deliberate failures failed; exit 1', () => {
  const junit = junitOf(run);
  const count = (attr: string) => [...junit.matchAll(new RegExp(`<testsuite [^>]*\\b${attr}="(\\d+)"`, 'g'))].reduce((n, m) => n + Number(m[1]), 0);
  assert.ok(count('tests') >= 20, `the cut ran (${count('tests')} tests):\n${run.output.slice(-3000)}`);
  const failed = [...testcases(junit)].filter(([, xml]) => /<failure/.test(xml)).map(([name]) => name);
  const deliberate = [/^fails on purpose/, /before all hook/, /^pushes to a killed app,? then fails on purpose/];
  assert.equal(failed.length, deliberate.length, `only the deliberate failures: ${failed.join(' | ')}\n${run.output.slice(-3000)}`);
  for (const name of deliberate) assert.ok(failed.some((f) => name.test(f)), `${name} failed: ${failed.join(' | ')}`);
  assert.ok(junit.includes(DELIBERATE_FAILURE));
  assert.equal(run.code, 1);
});

test('--spec a --spec b … on one worker: one worker runs every file in the order given, "1 total (100% completed)", reports for exactly those files', async () => {
  assert.match(run.output, /Spec Files:\s+0 passed, 1 failed, 1 total \(100% completed\)/);
  const ran = [...run.output.matchAll(/^» (\S+\.e2e\.ts)$/gm)].map((m) => m[1]);
  assert.deepEqual(ran, SPECS);
  const tests = (await readTestReports(join(run.reports, 'data'))).filter((r) => r.kind === 'test');
  const passed = [...run.output.matchAll(/^\s+✓ /gm)].length;
  assert.equal(tests.filter((r) => r.state === 'passed').length, passed, `a report per passed test (${passed})`);
  assert.deepEqual([...new Set(tests.map((r) => r.spec))], SPECS);
  assert.equal([...junitOf(run).matchAll(/<testcase /g)].length, tests.length + 1, 'JUnit has every test and the failed hook');
  const html = run.texts.get('index.html') ?? '';
  for (const spec of SPECS) assert.ok(html.includes(spec), `index.html names ${spec}`);
});

test('a run with a passing test, a failing test and a failing hook: the console, JUnit, Allure and funnels explain the failure', async () => {
  const { output, reports } = run;
  assert.equal(existsSync(join(reports, 'funnels', 'stale-from-an-earlier-run.txt')), false, 'the run started with an empty reports folder');

  // Console: the matcher failure says where each message stopped and what the shade held.
  assert.match(output, /phoneA: no notification \{"title":"Alice","text":"after logout"\} in the shade after 1000 ms\./);
  assert.match(output, /⇒ stopped at im: logged_out — Expected after logout/);
  assert.match(output, /The shade held at the deadline: "Alice": "still in the shade"/);

  // JUnit: the failure, the funnel in system-out and as a property; the hook's funnel in its failure.
  const cases = testcases(junitOf(run));
  const passed = [...cases].find(([name]) => name.startsWith('passes'))![1];
  const failed = [...cases].find(([name]) => name.startsWith('fails on purpose'))![1];
  const hook = [...cases].find(([name]) => name.includes('before all hook'))![1];
  assert.doesNotMatch(passed, /<failure/);
  assert.match(passed, /<property name="push-funnel" value="&quot;Alice&quot;: &quot;parcel 42&quot; → bob_selftest on phoneA/);
  assert.doesNotMatch(passed, /carol_selftesthook/, "another test's messages are not in this test's funnel");
  assert.match(failed, /<failure/);
  assert.match(failed, /<system-out>[\s\S]*push funnel of this test's messages[\s\S]*stopped at im: logged_out[\s\S]*<\/system-out>/);
  assert.match(hook, /<failure[\s\S]*The push funnel of this hook&apos;s messages|<failure[\s\S]*The push funnel of this hook's messages/);
  assert.match(hook, /sent in a hook/);

  // Allure: "failed", not "broken", with steps per action and the attachments.
  const allureDir = join(reports, 'allure-results');
  const results = await Promise.all((await readdir(allureDir)).filter((f) => f.endsWith('-result.json')).map(async (f) => JSON.parse(await readFile(join(allureDir, f), 'utf8'))));
  const failedResult = results.find((r) => String(r.name).startsWith('fails on purpose'));
  assert.equal(failedResult.status, 'failed');
  const steps = failedResult.steps as Array<{ name: string; attachments?: Array<{ name: string; source: string; type: string }> }>;
  assert.ok(steps.some((s) => s.name === 'phoneA: log out'), 'a step per scenario action');
  const attachments = steps.flatMap((s) => s.attachments ?? []);
  for (const name of ['push funnel', 'shade of phoneA (at the failure)', 'logcat of phoneA']) assert.ok(attachments.some((a) => a.name === name), `attachment ${name}`);
  const png = attachments.find((a) => a.type === 'image/png')!;
  assert.deepEqual([...(await readFile(join(allureDir, png.source))).subarray(1, 4)].map((c) => String.fromCharCode(c)).join(''), 'PNG');
  assert.match(await readFile(join(allureDir, attachments.find((a) => a.name === 'push funnel')!.source), 'utf8'), /after logout[\s\S]*logged_out/);

  // Funnel files for the failed tests and the failed hook only.
  assert.equal((await readdir(join(reports, 'funnels'))).length, 3);
});

test('index.html in headless Chromium renders the funnel of the passed and of the failed test, fetching nothing', async (t) => {
  const missing = chromiumMissing();
  if (missing) {
    console.log(`skipped the browser check: ${missing}`);
    t.skip(missing);
    return;
  }
  const browser = await launchChromium();
  t.after(() => browser.close());
  const page = await browser.newPage();
  const blocked: string[] = [];
  page.on('request', (r) => {
    if (!r.url().startsWith('file:') && !r.url().startsWith('data:')) blocked.push(r.url());
  });
  await page.goto(pathToFileURL(join(run.reports, 'index.html')).href);
  assert.equal(await page.title(), 'push lab run report');
  const passedSection = page.locator('section.test.passed[data-title^="report self-test passes"]');
  const failedSection = page.locator('section.test.failed[data-title^="report self-test fails on purpose"]');
  assert.equal(await passedSection.locator('svg.funnel').isVisible(), true);
  assert.equal(await failedSection.locator('svg.funnel').isVisible(), true);
  assert.equal(await passedSection.locator('svg.funnel g[data-stage="extras verified"]').getAttribute('data-count'), '1');
  assert.equal(await failedSection.locator('svg.funnel g[data-stage="shown"]').getAttribute('data-count'), '1', 'one of its two messages showed');
  assert.match(await failedSection.locator('ul.losses').innerText(), /after logout.*stopped at im: logged_out/);
  const box = await failedSection.locator('svg.funnel').boundingBox();
  assert.ok(box && box.width > 100 && box.height > 100, 'the funnel SVG has a size on the page');
  const shots = failedSection.locator('figure.shade img');
  assert.ok((await shots.count()) > 0);
  assert.ok((await shots.first().evaluate((img: HTMLImageElement) => img.naturalWidth)) > 0, 'the shade screenshot decodes');
  assert.match((await failedSection.locator('details pre.logcat').textContent()) ?? '', /\S/);
  assert.match(await page.locator('section.test.failed[data-title^="report self-test, failing hook"]').innerText(), /sent in a hook/);
  assert.deepEqual(blocked, [], 'the page fetches nothing');
});

test('no secret left behind: not in any file the run wrote, nor in its output; what was searched is the real thing', () => {
  const { texts } = run;
  const state = texts.get('state/lab.json') ?? '';
  assert.ok(state.includes(`"masterSecret": "${maskSecret(oppoApps[0]!.masterSecret)}"`), 'the dump holds the masked certificate');
  assert.match(state, /"auth_token": "\w{4}\*{4}"/, 'the dump holds masked auth tokens');
  assert.match(state, /"trace [^"]+": \{[\s\S]*"hops"/, 'the dump holds a joined trace');
  assert.ok([...texts.keys()].some((f) => f.startsWith('funnels/')), 'a funnel report was written');
  assert.ok(texts.has('index.html'), 'the HTML report was written');
  assert.ok([...texts.keys()].some((f) => f.startsWith('allure-results/')), 'Allure results were written');
  assert.ok([...texts.keys()].some((f) => /^logs\/.*appium.*\.log$/.test(f)), `Appium's log is there: ${[...texts.keys()].join(', ')}`);
  assert.deepEqual(leaksIn(texts, fixtureSecrets(run.token)), []);
});
