/**
 * `npm run bench:reliability` — auditable at volume: `--messages` (default 100,000) unicasts over
 * `--connections` (default 64) keep-alive HTTP connections to a standalone mock-oppo whose phone is
 * online over its device link and acks each push. The load generator counts the answers with code 0
 * (its own count is the baseline); the mock's totals (`GET /_mock/v1/totals`) must count exactly as
 * many accepted targets, each in one final state with a reason, although retention (10,000) keeps
 * only the newest messages. Prints both counts and the throughput; exits 1 on any mismatch.
 */
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { NotificationFrame } from '../mock-oppo/index.ts';
import { readCliArgs } from '../mock-oppo/transport/cli-args.ts';

const HELP = `Usage: npm run bench:reliability [-- --messages N] [--connections N] [--help]

Unicasts to a standalone mock-oppo whose phone acks each push; the mock's totals
(GET /_mock/v1/totals) must count exactly the accepted targets the load generator counted, although
retention keeps only the newest messages. Exits 1 on any mismatch.

  --messages N     unicasts sent (default 100000)
  --connections N  keep-alive HTTP connections (default 64)`;

const parsed = readCliArgs({ messages: { type: 'string', default: '100000' }, connections: { type: 'string', default: '64' }, help: { type: 'boolean' } } as const, HELP);
if ('exit' in parsed) process.exit(parsed.exit);
// Loaded after the flags are read, so --help and a usage error answer without loading the lab.
const { createMockOppo, DeviceLinkClient, demoApp, MockOppoControl, authSign } = await import('../mock-oppo/index.ts');
const args = parsed.values;
const TOTAL = Number(args.messages);
const CONNECTIONS = Number(args.connections);

const app = demoApp();
// The limit is the lab's speed, not the app's QPS tier (flow control is tested on its own).
const mock = createMockOppo({ apps: [app], settings: { qpsFactor: 1000 } });
const server = await mock.listen({ port: 0 });
const phone = await DeviceLinkClient.connect(server.url, { deviceId: 'reliability-phone' });
phone.on('notification', (f: NotificationFrame) => phone.ack(f.messageId, f.registrationId, { displayed: true }));
const regId = await phone.register({ appKey: app.appKey, appSecret: app.appSecret, packageName: app.packageName! });
const ts = String(Date.now());
const authAnswer = (await (await fetch(`${server.url}/server/v1/auth`, { method: 'POST', body: new URLSearchParams({ app_key: app.appKey, timestamp: ts, sign: authSign(app.appKey, ts, app.masterSecret) }) })).json()) as { data: { auth_token: string } };
const body = new URLSearchParams({
  auth_token: authAnswer.data.auth_token,
  message: JSON.stringify({ target_type: 2, target_value: regId, notification: { title: 'reliability', content: 'count me', channel_id: 'tuikit' } }),
}).toString();

const agent = new Agent({ keepAlive: true, maxSockets: CONNECTIONS });
const url = new URL(`${server.url}/server/v1/message/notification/unicast`);
const answers = new Map<number | string, number>();
function post(): Promise<void> {
  return new Promise((resolve) => {
    const req = request({ agent, host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) } }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c));
      res.on('end', () => {
        let code: number | string = `HTTP ${res.statusCode}`;
        try {
          code = (JSON.parse(text) as { code: number }).code;
        } catch {}
        answers.set(code, (answers.get(code) ?? 0) + 1);
        resolve();
      });
    });
    req.on('error', (err) => {
      answers.set(err.message, (answers.get(err.message) ?? 0) + 1);
      resolve();
    });
    req.end(body);
  });
}

let sent = 0;
const t0 = performance.now();
const cpu0 = process.cpuUsage();
await Promise.all(Array.from({ length: CONNECTIONS }, async () => {
  while (sent < TOTAL) {
    sent++;
    await post();
  }
}));
const seconds = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
await phone.sync();
const totals = await new MockOppoControl(server.url).totals();
agent.destroy();
await phone.close();
await server.close();

const ok = answers.get(0) ?? 0;
const inStates = Object.values(totals.byState).reduce((a, b) => a + b, 0);
const withoutReason = Object.entries(totals.byStateAndReason).reduce((n, [, reasons]) => n + (reasons[''] ?? 0), 0);
console.log(`${TOTAL.toLocaleString('en')} unicasts over ${CONNECTIONS} connections in ${seconds.toFixed(1)} s (${Math.round(TOTAL / seconds).toLocaleString('en')}/s; ${cpuSeconds.toFixed(1)} CPU s for mock, phone and load generator together)`);
console.log(`load generator: answers ${JSON.stringify(Object.fromEntries(answers))}`);
console.log(`mock totals:    accepted ${totals.accepted.toLocaleString('en')}, by state ${JSON.stringify(totals.byStateAndReason)}, messages ${JSON.stringify(totals.messages)}`);
const problems: string[] = [];
if (ok !== TOTAL) problems.push(`${TOTAL - ok} requests were not accepted`);
if (totals.accepted !== ok) problems.push(`the mock counted ${totals.accepted} accepted, the load generator ${ok}`);
if (inStates !== totals.accepted) problems.push(`${totals.accepted - inStates} targets in no state`);
if (withoutReason !== 0) problems.push(`${withoutReason} targets in a state without a reason`);
console.log(problems.length === 0 ? 'exact: every accepted unicast counted once, each in a state with a reason' : `MISMATCH: ${problems.join('; ')}`);
process.exit(problems.length === 0 ? 0 : 1);
