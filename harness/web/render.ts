/**
 * The web view's panels as HTML, rendered on the server from a snapshot: the page's script only
 * swaps them in when the server pushes new ones (SSE), so there is one renderer and no front-end
 * build. Every value from the lab is escaped.
 */
import { describeOutcome, type LabTrace, type TraceDevice, type TraceHop } from '../trace/trace.ts';
import type { PhoneSnapshot, Snapshot } from './snapshot.ts';

export function esc(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const APP_STATES: Record<number, string> = { 0: 'not installed', 1: 'not running', 2: 'suspended', 3: 'background', 4: 'foreground' };
const IM_STATES: Record<string, string> = { online: 'Online', background: 'Background', push_online: 'PushOnline', offline: 'Offline' };

function time(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').slice(0, 19);
}

function table(headers: string[], rows: string[][], empty: string): string {
  if (rows.length === 0) return `<p class="empty">${esc(empty)}</p>`;
  return `<table><thead><tr>${headers.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('')}</tbody></table>`;
}

function button(action: string, label: string, data: Record<string, string> = {}): string {
  const attrs = Object.entries(data).map(([k, v]) => ` data-${k}="${esc(v)}"`).join('');
  return `<button type="button" data-action="${esc(action)}"${attrs}>${esc(label)}</button>`;
}

export function renderClock(s: Snapshot): string {
  return `<span class="now" data-testid="clock">${esc(time(s.now))} UTC</span> ${['1m', '10m', '1h', '1d'].map((by) => button('advance', `+${by}`, { by })).join(' ')}`;
}

function renderPhone(p: PhoneSnapshot, users: string[]): string {
  const serial = { serial: p.serial };
  const shade = p.shade.filter((n) => !n.isRemoved);
  const rows = shade.map((n) =>
    `<li data-testid="shade-entry"><b>${esc(n.notification.title)}</b> ${esc(n.notification.text)} <small>${esc(n.packageName)}</small> ${button('tap', 'Tap', { serial: p.serial, key: n.key, title: n.notification.title ?? '', text: n.notification.text ?? '' })}</li>`,
  );
  return `<article class="phone" data-serial="${esc(p.serial)}">
<h3>Phone ${esc(p.name)} <small>${esc(p.serial)} · ${esc(p.model)}</small></h3>
<div class="device"><div class="screen" data-testid="screen">${p.screenSvg}</div>
<div class="facts"><dl>
<dt>app</dt><dd>${esc(p.packageName ?? '—')}</dd>
<dt>state</dt><dd data-testid="app-state">${esc(p.appState === undefined ? '—' : APP_STATES[p.appState])}</dd>
<dt>regId</dt><dd class="mono">${esc(p.regId ?? 'not registered')}</dd>
<dt>network</dt><dd>${p.network ? 'on' : 'off'}</dd></dl>
<p>${button('launch', 'Launch', serial)} ${button('background', 'Home', serial)} ${button('kill', 'Kill (process death)', serial)} ${button('stop', 'Force-stop', serial)} ${button('network', p.network ? 'Network off' : 'Network on', { ...serial, on: String(!p.network) })}</p>
<p><label>Log in as <select data-role="login-user">${users.map((u) => `<option>${esc(u)}</option>`).join('')}</select></label> ${button('login', 'Log in', serial)} ${button('logout', 'Log out', serial)}</p>
<h4>Shade</h4><ul class="shade">${rows.join('') || '<li class="empty">No notifications</li>'}</ul>
</div></div>
<h4>Logcat</h4><pre class="logcat">${p.logcat.map((l) => esc(l.line)).join('\n')}</pre>
</article>`;
}

export function renderPhones(s: Snapshot): string {
  const users = s.accounts.map((a) => a.userId).filter((u) => u !== 'administrator');
  return s.phones.map((p) => renderPhone(p, users)).join('') || '<p class="empty">No phones in the lab (start it with --phones 2).</p>';
}

export function renderIm(s: Snapshot): string {
  const accounts = table(['user', 'nick', 'imported'], s.accounts.map((a) => [esc(a.userId), esc(a.nick ?? ''), esc(time(a.importedAt))]), 'No accounts');
  const sessions = table(
    ['user', 'device', 'state', 'cause', 'link', 'token'],
    s.sessions.map((x) => [esc(x.userId), esc(x.deviceId), `<span class="state ${esc(x.state)}">${esc(IM_STATES[x.state] ?? x.state)}</span>`, esc(x.cause), x.connected ? 'open' : 'closed', x.token ? `<span class="mono">${esc(x.token.businessId)}: ${esc(x.token.token)}</span>` : '—']),
    'No sessions',
  );
  const certs = table(
    ['id', 'click action', 'channel', 'pending edits'],
    s.certificates.map((c) => [esc(c.id), esc(JSON.stringify(c.active?.config.clickAction ?? null)), esc(c.active?.config.channelId ?? ''), esc(c.pending.map((p) => `${JSON.stringify(p.config.clickAction)} at ${time(p.effectiveAt)}`).join('; ') || '—')]),
    'No certificates',
  );
  return `<h3>Accounts</h3>${accounts}<h3>Sessions</h3>${sessions}<h3>Certificates</h3>${certs}`;
}

export function renderOppo(s: Snapshot): string {
  const messages = table(
    ['message', 'title', 'target', 'state', 'reason', 'displayed'],
    s.messages.flatMap((m) =>
      m.targets.map((t) => [`<span class="mono">${esc(m.messageId)}</span>`, esc(m.notification?.title ?? ''), `<span class="mono">${esc(t.registrationId ?? t.targetValue)}</span>`, `<span class="state ${esc(t.state)}">${esc(t.state)}</span>`, esc(t.reason ?? ''), t.displayed === undefined ? '' : String(t.displayed)]),
    ),
    'No messages yet',
  );
  const quotas = table(
    ['app', 'public used / limit', 'per device per day', 'QPS'],
    s.apps.map((a) => [esc(`${a.appId} ${a.packageName ?? ''}`), esc(a.quota ? `${a.quota.publicUsed} / ${a.quota.publicLimit}` : '—'), esc(a.quota?.perDevicePublicDaily ?? '—'), esc(a.quota?.qpsLimit ?? '—')]),
    'No apps',
  );
  const faults = table(['preset', 'endpoint', 'remaining', 'hits'], s.faults.map((f) => [esc(f.preset), esc(f.endpoint ?? 'any'), esc(f.remaining ?? '∞'), esc(f.hits)]), 'No faults');
  return `<h3>Messages</h3>${messages}<h3>Quotas</h3>${quotas}<h3>Faults</h3>${faults}`;
}

type HopKind = 'ok' | 'stop' | 'wait';

/** One hop of the joined trace as the timeline shows it: the layer a person reads, what happened, and whether it went on. */
function hopLine(h: TraceHop): [string, string, HopKind] {
  const why = h.reason ? ` (${h.reason}${h.detail ? `, ${h.detail}` : ''})` : '';
  switch (h.hop) {
    case 'im_decision':
      return ['IM', `${String(h.data?.decision)}${why}`, h.data?.decision === 'suppressed' ? 'stop' : 'ok'];
    case 'oppo_auth':
    case 'oppo_unicast':
      return ['OPPO', `${h.hop.slice(5)} ${h.code ?? (h.data?.error ? 'error' : String(h.data?.httpStatus ?? '?'))}`, h.code === 0 ? 'ok' : 'stop'];
    case 'phone_tapped':
      return ['tap', 'tapped', 'ok'];
    case 'phone_activity':
      return ['activity', String(h.data?.component ?? h.detail ?? '?'), 'ok'];
    case 'phone_extras':
      return ['extras', Object.entries((h.data?.extras ?? {}) as Record<string, string>).map(([k, v]) => `${k}=${v}`).join(', ') || 'none', 'ok'];
    case 'phone_shown':
      return ['phone', `shown${h.data?.channelId ? ` on channel ${String(h.data.channelId)}` : ''}`, 'ok'];
    default: {
      const [layer, what] = h.hop.split('_') as [string, string];
      // A hop went on or ended the way; whether the message is still on its way is the outcome's line.
      const kind: HopKind = ['rejected', 'expired', 'dropped'].includes(what) ? 'stop' : 'ok';
      return [layer === 'oppo' ? 'OPPO' : layer, `${what}${why}`, kind];
    }
  }
}

/** One message's way to one device, from the lab's joined trace: IM's decision, OPPO's calls and target states, the phone, the tap, the activity, the extras, and where it ended. */
function timeline(trace: LabTrace, device: TraceDevice): string {
  const hops = trace.hops.filter((h) => h.to === device.to && h.deviceId === device.deviceId).map(hopLine);
  const o = device.outcome;
  hops.push(['⇒', describeOutcome(o), o.shown ? 'ok' : o.pending ? 'wait' : 'stop']);
  const at = trace.hops.find((h) => h.to === device.to && h.hop === 'im_decision')?.at;
  return `<li class="trace" data-testid="trace"><div class="what"><span class="mono">${esc(trace.msgKey)}</span> ${esc(device.title)} → ${esc(device.to)}${device.deviceId ? ` on <span class="mono">${esc(device.deviceId)}</span>` : ''} <small>${at === undefined ? '' : esc(time(at))}</small></div><ol class="hops">${hops.map(([layer, what, kind]) => `<li class="hop ${kind}"><b>${esc(layer)}</b> ${esc(what)}</li>`).join('')}</ol></li>`;
}

export function renderTraces(s: Snapshot): string {
  const items = [...s.traces].reverse().flatMap((t) => t.devices.map((d) => timeline(t, d)));
  return items.length === 0 ? '<p class="empty">No messages sent yet.</p>' : `<ul class="traces">${items.join('')}</ul>`;
}

export function renderSendForm(s: Snapshot): string {
  const users = s.accounts.map((a) => a.userId).filter((u) => u !== 'administrator');
  const options = users.map((u) => `<option>${esc(u)}</option>`).join('');
  return `<form data-form="send"><label>From <select name="from">${options}</select></label> <label>To <select name="to">${options}</select></label>
<label>Text <input name="text" required value="Are you there?"></label> <label>Ext (JSON) <input name="ext" placeholder='{"conv":"c2c_alice"}'></label> <button type="submit">Send</button></form>
<form data-form="user"><label>New user <input name="id" required pattern="[A-Za-z0-9_]{1,12}" placeholder="alice"></label> <label>Nick <input name="nick" placeholder="Alice"></label> <button type="submit">Create</button></form>`;
}

export type Panels = Record<'clock' | 'phones' | 'send' | 'im' | 'oppo' | 'traces', string>;

export function renderPanels(s: Snapshot): Panels {
  return { clock: renderClock(s), phones: renderPhones(s), send: renderSendForm(s), im: renderIm(s), oppo: renderOppo(s), traces: renderTraces(s) };
}
