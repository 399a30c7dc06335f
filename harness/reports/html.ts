/**
 * `reports/index.html`: one self-contained page per run (inline CSS, inline SVG, screenshots as data
 * URLs, no script, no network), so it opens from disk or as a CI artifact. Per test or hook: pass or
 * fail, the error, a timeline of the scenario's actions, the push funnel as an SVG bar chart and as
 * lines per message, the shade at each assertion, and the logcat excerpt of the phones involved.
 */
import { writeFile } from 'node:fs/promises';
import { REASONS } from '../../mock-oppo/core/reasons.ts';
import { describeOutcome } from '../trace/trace.ts';
import type { FunnelEntry } from '../scenario/test-funnel.ts';
import { HTML_REPORT, readTestReports, type TestReport } from './model.ts';

const esc = (s: unknown) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The funnel stages, in order, with how to count an entry into each. */
const STAGES: Array<{ label: string; reached: (e: FunnelEntry) => boolean }> = [
  { label: 'planned', reached: () => true },
  { label: 'sent to OPPO', reached: (e) => e.stages.sentToOppo },
  { label: 'accepted', reached: (e) => e.stages.accepted },
  { label: 'delivered', reached: (e) => e.stages.delivered },
  { label: 'shown', reached: (e) => e.stages.shown },
  { label: 'clicked', reached: (e) => e.stages.clicked },
  { label: 'extras verified', reached: (e) => e.stages.extras },
];

/** The funnel as a horizontal bar chart: one bar per stage, the count of messages × phones that reached it. */
export function funnelSvg(entries: readonly FunnelEntry[]): string {
  const total = entries.length;
  const rowH = 22;
  const labelW = 120;
  const barW = 320;
  const rows = STAGES.map((s, i) => {
    const n = entries.filter(s.reached).length;
    const w = total ? Math.round((n / total) * barW) : 0;
    const y = i * rowH;
    return (
      `<g class="stage" data-stage="${esc(s.label)}" data-count="${n}">` +
      `<text x="0" y="${y + 15}" font-size="12">${esc(s.label)}</text>` +
      `<rect x="${labelW}" y="${y + 3}" width="${barW}" height="${rowH - 6}" fill="#eee"/>` +
      `<rect x="${labelW}" y="${y + 3}" width="${w}" height="${rowH - 6}" fill="${n === total ? '#3a7d44' : '#c0392b'}"/>` +
      `<text x="${labelW + barW + 8}" y="${y + 15}" font-size="12">${n}/${total}</text></g>`
    );
  }).join('');
  const losses = entries
    .filter((e) => !e.outcome.shown)
    .map((e) => `<li>${esc(e.phone)}: ${esc(JSON.stringify(e.title))}: ${esc(JSON.stringify(e.text))} — ${esc(describeOutcome(e.outcome))}</li>`)
    .join('');
  return (
    `<svg class="funnel" role="img" aria-label="push funnel" xmlns="http://www.w3.org/2000/svg" width="${labelW + barW + 60}" height="${STAGES.length * rowH}" viewBox="0 0 ${labelW + barW + 60} ${STAGES.length * rowH}">${rows}</svg>` +
    (losses ? `<ul class="losses">${losses}</ul>` : '')
  );
}

function timeline(t: TestReport): string {
  if (t.steps.length === 0) return '<p class="none">no scenario actions</p>';
  const start = t.startedAt;
  const rows = t.steps
    .map((s) => `<tr class="${s.status}"><td>+${s.at - start} ms</td><td style="padding-left:${s.depth * 16}px">${esc(s.title)}</td><td>${s.durationMs} ms</td><td>${s.status}${s.error ? `: ${esc(s.error.split('\n')[0])}` : ''}</td></tr>`)
    .join('');
  return `<table class="timeline"><tr><th>at</th><th>action</th><th>took</th><th>result</th></tr>${rows}</table>`;
}

function funnelDetails(t: TestReport): string {
  const direct = t.oppoSends ? `<h4>Sent straight to OPPO</h4><pre>${esc(t.oppoSends)}</pre>` : '';
  if (t.funnel.length === 0) return (direct || '<p class="none">this test sent no messages</p>');
  const items = t.funnel
    .map((e) => {
      const fix = e.outcome.shown ? '' : `<p class="fix">What to do: ${esc(REASONS[e.outcome.reason].fix)}</p>`;
      return `<div class="message ${e.outcome.shown ? 'shown' : 'lost'}"><pre>${esc(e.description)}</pre>${fix}</div>`;
    })
    .join('');
  return funnelSvg(t.funnel) + items + direct;
}

function shades(t: TestReport): string {
  if (t.shades.length === 0) return '';
  const items = t.shades
    .map((s) => {
      const list = s.notifications.length ? s.notifications.map((n) => `<li>${esc(n.title)}: ${esc(n.text ?? '')}</li>`).join('') : '<li class="none">nothing of the app</li>';
      const img = s.screenshot ? `<img alt="screen of ${esc(s.phone)}" src="data:image/png;base64,${s.screenshot}">` : '';
      return `<figure class="shade"><figcaption>${esc(s.phone)} — ${esc(s.step)}</figcaption>${img}<ul>${list}</ul></figure>`;
    })
    .join('');
  return `<h4>The shade at each assertion</h4><div class="shades">${items}</div>`;
}

function logcat(t: TestReport): string {
  return t.logcat.map((l) => `<details><summary>logcat of ${esc(l.phone)} (last ${l.lines.length} lines)</summary><pre class="logcat">${esc(l.lines.join('\n'))}</pre></details>`).join('');
}

function section(t: TestReport, i: number): string {
  return (
    `<section class="test ${t.state}" id="t${i}" data-state="${t.state}" data-title="${esc(t.title)}">` +
    `<h3><span class="badge">${t.state === 'passed' ? 'PASS' : 'FAIL'}</span> ${esc(t.title)}${t.kind === 'hook' ? ' (hook)' : ''}</h3>` +
    `<p class="meta">${esc(t.spec)} · ${t.durationMs} ms</p>` +
    (t.error ? `<pre class="error">${esc(t.error)}</pre>` : '') +
    `<h4>Timeline</h4>${timeline(t)}<h4>Push funnel</h4>${funnelDetails(t)}${shades(t)}${logcat(t)}</section>`
  );
}

const CSS = `body{font:14px system-ui,sans-serif;margin:2em;color:#222}h1{margin-bottom:0}
.summary span{margin-right:1em}.test{border:1px solid #ccc;border-left:6px solid #3a7d44;padding:0 1em 1em;margin:1em 0}
.test.failed{border-left-color:#c0392b}.badge{font-size:12px;padding:2px 6px;border-radius:3px;background:#3a7d44;color:#fff}
.failed .badge{background:#c0392b}pre{background:#f6f6f6;padding:.5em;overflow:auto;white-space:pre-wrap}
.error{background:#fdecea}.timeline td,.timeline th{padding:2px 8px;text-align:left}.timeline tr.failed{color:#c0392b}
.shades{display:flex;flex-wrap:wrap;gap:1em}.shade img{max-width:200px;border:1px solid #aaa;display:block}.fix{color:#555}.none{color:#888}`;

/** The page for these test reports. */
export function renderHtmlReport(tests: readonly TestReport[], generatedAt = new Date()): string {
  const failed = tests.filter((t) => t.state === 'failed').length;
  const toc = tests.map((t, i) => `<li class="${t.state}"><a href="#t${i}">${t.state === 'passed' ? '✓' : '✗'} ${esc(t.title)}</a></li>`).join('');
  return (
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>push lab run report</title><style>${CSS}</style></head><body>` +
    `<h1>Push lab run report</h1><p class="summary"><span>${tests.length} tests</span><span class="passed">${tests.length - failed} passed</span><span class="failed">${failed} failed</span><span>${esc(generatedAt.toISOString())}</span></p>` +
    `<ol class="toc">${toc}</ol>${tests.map(section).join('')}</body></html>`
  );
}

/** Reads the run's test reports and writes `reports/index.html`; returns its path. */
export async function writeHtmlReport(file = HTML_REPORT, dataDir?: string): Promise<string> {
  await writeFile(file, renderHtmlReport(await readTestReports(dataDir)));
  return file;
}
