/**
 * The web view's one page: the panels' places, a stylesheet, and a small script that swaps in the
 * panels the server pushes over SSE, posts the buttons and forms to the view's API, and shows the
 * recorder's YAML. No framework and no build step.
 *
 * The page carries the view's web token (the access guard's `webToken`) and sends it in
 * WEB_TOKEN_HEADER with every change: a page from anywhere else cannot read it (no CORS), so it
 * cannot drive the lab through this view.
 */
import { WEB_TOKEN_HEADER } from '../../mock-oppo/access/guard.ts';

/** The page for a view whose guard's web token is `webToken` (URL-safe base64: safe in an attribute). */
export const pageHtml = (webToken: string): string => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>oppo-push-harness lab</title>
<meta name="push-lab-web-token" content="${webToken}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<style>
@font-face{font-family:Roboto;font-weight:400;src:url(fonts/Roboto_400Regular.ttf)}
@font-face{font-family:Roboto;font-weight:500;src:url(fonts/Roboto_500Medium.ttf)}
body{font:14px/1.4 system-ui,sans-serif;margin:0;background:#f4f6f8;color:#1d2327}
header{display:flex;gap:1em;align-items:center;padding:.6em 1em;background:#263238;color:#eceff1}
header h1{font-size:16px;margin:0} header button{margin-left:.2em}
main{display:grid;grid-template-columns:minmax(0,3fr) minmax(0,2fr);gap:1em;padding:1em}
section{background:#fff;border-radius:8px;padding:.6em 1em;box-shadow:0 1px 2px #0002}
h2{font-size:15px;margin:.2em 0 .5em} h3{font-size:14px;margin:.8em 0 .3em} h4{margin:.6em 0 .2em}
.phone{border-top:1px solid #ddd;padding-top:.5em} .device{display:flex;gap:1em}
.screen svg{width:240px;height:auto;border:6px solid #222;border-radius:14px;background:#000}
.facts{flex:1;min-width:0} dl{display:grid;grid-template-columns:auto 1fr;gap:.1em .6em;margin:0} dt{color:#667}
.mono,pre{font-family:ui-monospace,monospace;font-size:12px;word-break:break-all}
pre.logcat{max-height:12em;overflow:auto;background:#111;color:#cfd8dc;padding:.4em;white-space:pre-wrap}
table{border-collapse:collapse;width:100%} th,td{text-align:left;padding:.15em .4em;border-bottom:1px solid #eee;vertical-align:top}
.empty{color:#889} .state.online,.state.acked{color:#2e7d32} .state.offline,.state.expired,.state.dropped,.state.rejected{color:#c62828}
ol.hops{display:flex;flex-wrap:wrap;gap:.3em;list-style:none;padding:0;margin:.2em 0 .6em}
.hop{padding:.1em .5em;border-radius:10px;background:#e8f5e9} .hop.stop{background:#ffebee} .hop.wait{background:#fff8e1}
.hop+.hop::before{content:"→ ";color:#889}
form{margin:.3em 0} label{margin-right:.5em} #recording{background:#fafafa;border:1px solid #ddd;padding:.5em;min-height:3em}
#error{color:#c62828}
</style></head>
<body>
<header><h1>oppo-push-harness lab</h1><span id="panel-clock"></span><span id="error" role="alert"></span></header>
<main>
<div>
<section><h2>Phones</h2><div id="panel-phones">loading…</div></section>
</div>
<div>
<section><h2>Send a message</h2><div id="panel-send"></div></section>
<section><h2>Traces</h2><div id="panel-traces"></div></section>
<section><h2>Recorder</h2><p>Everything done on this page, as a flow for <code>npx push-lab test</code>.
<button type="button" data-action="recording-reset">Clear</button> <a href="recording.yaml" download="recorded.yaml">Save as YAML</a></p>
<pre id="recording" data-testid="recording"></pre></section>
<section><h2>IM</h2><div id="panel-im"></div></section>
<section><h2>OPPO</h2><div id="panel-oppo"></div></section>
</div>
</main>
<script>
const err = document.getElementById('error');
const webToken = document.querySelector('meta[name=push-lab-web-token]').content;
function swap(id, html) {
  const el = document.getElementById(id);
  if (!el || el.dataset.html === html) return;
  if (el.contains(document.activeElement) && id === 'panel-send') return; // don't wipe what is being typed
  const picked = [...el.querySelectorAll('select')].map((s) => [s.closest('article[data-serial]')?.dataset.serial + s.name + s.dataset.role, s.value]);
  el.innerHTML = html;
  el.dataset.html = html;
  for (const [key, value] of picked) {
    const s = [...el.querySelectorAll('select')].find((x) => x.closest('article[data-serial]')?.dataset.serial + x.name + x.dataset.role === key);
    if (s && [...s.options].some((o) => o.value === value)) s.value = value;
  }
}
const events = new EventSource('events');
events.onmessage = (e) => {
  const { panels, recording } = JSON.parse(e.data);
  for (const [name, html] of Object.entries(panels)) swap('panel-' + name, html);
  document.getElementById('recording').textContent = recording;
  document.body.dataset.live = 'yes';
};
async function post(action, body) {
  err.textContent = '';
  const res = await fetch('api/' + action, { method: 'POST', headers: { 'content-type': 'application/json', '${WEB_TOKEN_HEADER}': webToken }, body: JSON.stringify(body) });
  if (!res.ok) {
    const { error } = await res.json().catch(() => ({}));
    err.textContent = error?.message ?? error ?? res.statusText;
  }
}
document.addEventListener('click', (e) => {
  const b = e.target.closest('button[data-action]');
  if (!b) return;
  const body = { ...b.dataset };
  delete body.action;
  const phone = b.closest('article[data-serial]');
  if (b.dataset.action === 'login') body.user = phone.querySelector('select[data-role=login-user]').value;
  post(b.dataset.action, body);
});
document.addEventListener('submit', (e) => {
  const form = e.target.closest('form[data-form]');
  if (!form) return;
  e.preventDefault();
  post(form.dataset.form, Object.fromEntries(new FormData(form)));
});
</script>
</body></html>
`;
