/**
 * A real run with a passing test, a failing test and a failing hook (specs/selftest/report.e2e.ts,
 * run alone into a temporary reports folder): what it leaves behind. JUnit and Allure say "failed"
 * for the matcher failure, each carries the push funnel of that test's (or hook's) messages; the run
 * started from an empty folder; no configured secret appears anywhere; and reports/index.html,
 * opened in headless Chromium, renders the funnel of the passed and of the failed test.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import imApp from '../../fixtures/im-app.json' with { type: 'json' };
import oppoApps from '../../fixtures/oppo-apps.json' with { type: 'json' };
import { REPORTS_DIR_ENV } from '../../harness/reports/model.ts';
import { chromiumMissing, launchChromium } from './browser.ts';

const ROOT = new URL('../../', import.meta.url).pathname;
const SPEC = 'specs/selftest/report.e2e.ts';

async function files(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await files(p)));
    else out.push(p);
  }
  return out;
}

function testcases(xml: string): Map<string, string> {
  return new Map([...xml.matchAll(/<testcase [^>]*name="([^"]*)"[\s\S]*?<\/testcase>/g)].map((m) => [m[1]!, m[0]]));
}

test('a run with a passing test, a failing test and a failing hook: JUnit, Allure, funnels and index.html', { timeout: 300_000 }, async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'push-lab-reports-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await mkdir(join(dir, 'funnels'), { recursive: true });
  await writeFile(join(dir, 'funnels', 'stale-from-an-earlier-run.txt'), 'old');

  const child = spawn(process.execPath, [join(ROOT, 'node_modules/@wdio/cli/bin/wdio.js'), 'run', 'wdio.conf.ts', '--spec', SPEC], {
    cwd: ROOT,
    env: { ...process.env, [REPORTS_DIR_ENV]: dir, E2E_PROFILE: 'virtual' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  t.after(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  const [code] = await once(child, 'close');
  assert.equal(code, 1, `the run fails (two deliberate failures)\n${output.slice(-3000)}`);
  assert.equal(existsSync(join(dir, 'funnels', 'stale-from-an-earlier-run.txt')), false, 'the run started with an empty reports folder');

  // Console: the matcher failure says where each message stopped and what the shade held.
  assert.match(output, /phoneA: no notification \{"title":"Alice","text":"after logout"\} in the shade after 1000 ms\./);
  assert.match(output, /⇒ stopped at im: logged_out — Expected after logout/);
  assert.match(output, /The shade held at the deadline: "Alice": "still in the shade"/);

  // JUnit: the failure, the funnel in system-out and as a property; the hook's funnel in its failure.
  const junitDir = join(dir, 'junit');
  const xml = (await Promise.all((await readdir(junitDir)).map((f) => readFile(join(junitDir, f), 'utf8')))).join('\n');
  const cases = testcases(xml);
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
  const allureDir = join(dir, 'allure-results');
  const results = await Promise.all((await readdir(allureDir)).filter((f) => f.endsWith('-result.json')).map(async (f) => JSON.parse(await readFile(join(allureDir, f), 'utf8'))));
  const failedResult = results.find((r) => String(r.name).startsWith('fails on purpose'));
  assert.equal(failedResult.status, 'failed');
  const steps = (failedResult.steps as Array<{ name: string; attachments?: Array<{ name: string; source: string; type: string }> }>);
  assert.ok(steps.some((s) => s.name === 'phoneA: log out'), 'a step per scenario action');
  const attachments = steps.flatMap((s) => s.attachments ?? []);
  for (const name of ['push funnel', 'shade of phoneA (at the failure)', 'logcat of phoneA']) assert.ok(attachments.some((a) => a.name === name), `attachment ${name}`);
  const png = attachments.find((a) => a.type === 'image/png')!;
  assert.deepEqual([...(await readFile(join(allureDir, png.source))).subarray(1, 4)].map((c) => String.fromCharCode(c)).join(''), 'PNG');
  assert.match(await readFile(join(allureDir, attachments.find((a) => a.name === 'push funnel')!.source), 'utf8'), /after logout[\s\S]*logged_out/);

  // Funnel files for the failed test and the failed hook only.
  assert.deepEqual((await readdir(join(dir, 'funnels'))).length, 2);

  // No configured secret in any report file.
  const secrets = [imApp.secretKey, ...oppoApps.flatMap((a) => [a.masterSecret, a.appSecret])];
  for (const file of await files(dir)) {
    const text = (await readFile(file)).toString('latin1');
    for (const secret of secrets) assert.ok(!text.includes(secret), `${file} contains a configured secret`);
  }

  // index.html in a real browser.
  const missing = chromiumMissing();
  if (missing) {
    console.log(`skipped the browser check: ${missing}`);
    t.diagnostic(missing);
    return;
  }
  const browser = await launchChromium();
  t.after(() => browser.close());
  const page = await browser.newPage();
  const blocked: string[] = [];
  page.on('request', (r) => {
    if (!r.url().startsWith('file:') && !r.url().startsWith('data:')) blocked.push(r.url());
  });
  await page.goto(pathToFileURL(join(dir, 'index.html')).href);
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
  assert.match(await failedSection.locator('details pre.logcat').textContent() ?? '', /\S/);
  assert.match(await page.locator('section.test.failed[data-title^="report self-test, failing hook"]').innerText(), /sent in a hook/);
  assert.deepEqual(blocked, [], 'the page fetches nothing');
});
