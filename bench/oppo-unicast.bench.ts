/**
 * `npm run bench:oppo`: authenticated unicast against mock-oppo over HTTP vs a bare node:http
 * handler returning a fixed JSON, same load generator (autocannon, in this process), connections
 * and duration, in one process run. Rounds alternate (mock, bare, mock, bare) so a noisy
 * neighbour hits both alike; the best round of each is compared, and the worst mock p99 is shown.
 * Prints req/s and p99 for both and the ratio (target: ≥ 60 %, p99 < 10 ms).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readCliArgs } from '../mock-oppo/transport/cli-args.ts';

const HELP = `Usage: npm run bench:oppo [-- --help]

Authenticated unicast against mock-oppo over HTTP vs a bare node:http server returning fixed JSON,
same load (autocannon, alternating rounds). Targets: mock ≥ 60 % of bare throughput, mock p99 < 10 ms;
exits 1 when one is missed. About (1 + ROUNDS × DURATION) × 2 seconds.

Environment:
  BENCH_CONNECTIONS   connections (default 10)
  BENCH_DURATION      seconds per round (default 4)
  BENCH_ROUNDS        rounds per server (default 3)`;

const parsed = readCliArgs({ help: { type: 'boolean' } } as const, HELP);
if ('exit' in parsed) process.exit(parsed.exit);
// Loaded after the flags are read, so --help and a usage error answer without loading the lab.
const { default: autocannon } = await import('autocannon');
const { createMockOppo, demoApp, authSign } = await import('../mock-oppo/index.ts');

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const DURATION_S = Number(process.env.BENCH_DURATION ?? 4);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const WARMUP_S = 1;

interface Numbers {
  rps: number;
  p99: number;
  non2xx: number;
  errors: number;
}

async function load(url: string, body: string, headers: Record<string, string>, duration: number): Promise<Numbers> {
  const result = await autocannon({ url, method: 'POST', connections: CONNECTIONS, duration, headers, body });
  return { rps: result.requests.average, p99: result.latency.p99, non2xx: result.non2xx, errors: result.errors };
}

function best(rounds: Numbers[]): Numbers {
  const top = rounds.reduce((a, b) => (b.rps > a.rps ? b : a));
  return {
    rps: top.rps,
    p99: Math.max(...rounds.map((r) => r.p99)),
    non2xx: rounds.reduce((n, r) => n + r.non2xx, 0),
    errors: rounds.reduce((n, r) => n + r.errors, 0),
  };
}

function listen(server: Server): Promise<string> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));
}

async function main(): Promise<void> {
  // A large app, so the documented per-app QPS (30 000 targets/s) is not what is being measured.
  const app = { ...demoApp(), cumulativeUsers: 200_000_000 };
  const mock = createMockOppo({ apps: [app] });
  const regId = mock.platform.registerFor(mock.platform.appById(app.appId)!, 'bench-phone', 'CN').regId;
  const server = await mock.listen();
  const bare = createServer((_req, res) => {
    _req.resume();
    _req.on('end', () => {
      const body = '{"code":0,"message":"","data":{"messageId":"30123456-1-1-622ff7cfae27668d2ed3afec"}}';
      res.writeHead(200, { 'content-type': 'application/json;charset=UTF-8', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    });
  });
  const bareUrl = await listen(bare);
  try {
    const ts = String(mock.clock.now());
    const auth = await fetch(`${server.url}/server/v1/auth`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ app_key: app.appKey, timestamp: ts, sign: authSign(app.appKey, ts, app.masterSecret) }),
    }).then((r) => r.json() as Promise<{ data: { auth_token: string } }>);
    const body = new URLSearchParams({
      auth_token: auth.data.auth_token,
      message: JSON.stringify({
        target_type: 2,
        target_value: regId,
        notification: { title: 'New message', content: 'Alice: are you there?', channel_id: 'tuikit', category: 'IM', click_action_type: 0, action_parameters: '{"chatId":"c2c_alice"}' },
      }),
    }).toString();
    const headers = { 'content-type': 'application/x-www-form-urlencoded' };

    const mockUrl = `${server.url}/server/v1/message/notification/unicast`;
    console.log(`autocannon: ${CONNECTIONS} connections, ${ROUNDS} alternating rounds of ${DURATION_S} s each (after ${WARMUP_S} s warm-ups), POST ${body.length} bytes`);
    await load(mockUrl, body, headers, WARMUP_S);
    await load(bareUrl, body, headers, WARMUP_S);
    const mockRounds: Numbers[] = [];
    const bareRounds: Numbers[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      mockRounds.push(await load(mockUrl, body, headers, DURATION_S));
      bareRounds.push(await load(bareUrl, body, headers, DURATION_S));
    }
    const mockNumbers = best(mockRounds);
    const bareNumbers = best(bareRounds);
    console.log(`rounds (req/s): mock ${mockRounds.map((r) => r.rps.toFixed(0)).join(', ')}; bare ${bareRounds.map((r) => r.rps.toFixed(0)).join(', ')}`);
    const codes = new Set(mock.journal().filter((e) => e.endpoint === 'unicast').map((e) => e.code));

    const ratio = mockNumbers.rps / bareNumbers.rps;
    const row = (name: string, n: Numbers) =>
      `${name.padEnd(22)} ${n.rps.toFixed(0).padStart(8)} req/s   p99 ${String(n.p99).padStart(4)} ms   non-2xx ${n.non2xx}   errors ${n.errors}`;
    console.log(row('mock-oppo unicast', mockNumbers));
    console.log(row('bare node:http', bareNumbers));
    console.log(`ratio mock/bare: ${(ratio * 100).toFixed(1)} %  (target ≥ 60 %)   mock p99 ${mockNumbers.p99} ms (target < 10 ms)`);
    console.log(`unicast answer codes seen in the journal: ${[...codes].join(', ')}; messages kept: ${mock.platform.listMessages().length}`);
    const ok = ratio >= 0.6 && mockNumbers.p99 < 10 && codes.size === 1 && codes.has(0) && mockNumbers.errors === 0;
    console.log(ok ? 'targets met' : 'targets NOT met');
    if (!ok) process.exitCode = 1;
  } finally {
    await server.close();
    await new Promise<void>((resolve) => bare.close(() => resolve()));
  }
}

await main();
