/**
 * Every place the product opens a listener has been looked at for issue 14's rules, and still keeps
 * to what it was found to do: an HTTP server behind the access guard (`guardListener`), a WebSocket
 * server that only takes upgrades a guarded server admitted (`noServer`), or a raw TCP listener held
 * to loopback. A new listener anywhere in harness/, mock-oppo/ or bin/ fails this test until it is
 * put behind the guard (mock-oppo/access) and added here with the rule it keeps — so a surface that
 * lands later cannot skip the review. The rules themselves are proven through real HTTP in the other
 * access tests (lab-loopback, off-loopback, guard, the web view's own).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const ROOT = new URL('../../', import.meta.url).pathname;
const SCANNED = ['harness', 'mock-oppo', 'bin'];
/** Built or installed code, not ours to review here. */
const SKIPPED_DIRS = new Set(['node_modules', 'dist']);
/** What opens a listener: node's http/https/net servers, a ws server, an express app's own listen. */
const OPENS = /\bcreateServer\(|\bnew WebSocketServer\(|\bapp\.listen\(/;

type Rule = 'guarded' | 'upgrades-only' | 'loopback-only' | 'port-probe';

/** What each kind of listener must show on its line (or, for loopback, in its file). */
const CHECKS: Record<Rule, { line?: RegExp; file?: RegExp; says: string }> = {
  guarded: { line: /createServer\((?:\{[^}]*\},\s*)?guardListener\(/, says: 'createServer(guardListener(…)) on the same line' },
  'upgrades-only': { line: /new WebSocketServer\(\{\s*noServer:\s*true/, says: 'new WebSocketServer({ noServer: true, … }) (upgrades come through a guarded server)' },
  'loopback-only': { file: /isLoopback\(|listen\([^)]*'127\.0\.0\.1'/, says: "an isLoopback() check or a listen on '127.0.0.1' in the file" },
  'port-probe': { file: /probe\.close\(/, says: 'the probe closed again' },
};

/**
 * The reviewed listeners: file → the rule it keeps, and why that is enough. `shows`: where the rule
 * is kept when the listener takes its address from its owner (a file, default this one, and what it
 * must contain).
 */
const REVIEWED: Record<string, { rule: Rule; why: string; shows?: { file?: string; pattern: RegExp } }> = {
  'mock-oppo/index.ts': { rule: 'guarded', why: 'mock-oppo: /server/v1 open (OPPO sign/token), /_mock/v1 control' },
  'harness/im/server.ts': { rule: 'guarded', why: 'IM: /v4 open (UserSig), /_im/v1 control' },
  'harness/lab/listen.ts': { rule: 'guarded', why: 'the lab API, and every express app served beside it (listenGuarded)' },
  'harness/phone/uia2/server.ts': { rule: 'guarded', why: 'the UiAutomator2 facade: a loopback guard, reached through an adb forward' },
  'harness/im/client-link/server.ts': { rule: 'upgrades-only', why: "IM's client link: upgrades the IM server's guard admitted" },
  'mock-oppo/device-link/server.ts': { rule: 'upgrades-only', why: "OPPO's device link: upgrades mock-oppo's guard admitted" },
  'harness/adb/server.ts': { rule: 'loopback-only', why: 'the ADB endpoint refuses any other address, as the real adb server does' },
  'harness/adb/forwards.ts': {
    rule: 'loopback-only',
    why: "adb forwards bind the ADB endpoint's host, which refuses anything but loopback",
    shows: { file: 'harness/adb/server.ts', pattern: /^(?=[\s\S]*if \(!isLoopback\(host\)\) throw)(?=[\s\S]*new ForwardTable\(host,)/ },
  },
  'harness/lab/adb-tunnel.ts': { rule: 'loopback-only', why: 'the tunnel client listens on 127.0.0.1; its far end is a guarded upgrade' },
  'harness/scenario/free-port.ts': { rule: 'port-probe', why: 'finds a free port and closes at once' },
  'mock-oppo/contract/record.ts': {
    rule: 'loopback-only',
    why: "the contract recorder: a developer's proxy to the real OPPO that holds no lab secret, on loopback unless told otherwise",
    shows: { pattern: /bindHttpServer\(server, [^,]+, opts\.host \?\? '127\.0\.0\.1'\)/ },
  },
};

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (SKIPPED_DIRS.has(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(path));
    else if (/\.(ts|js|mjs)$/.test(entry.name) && !entry.name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

/** Each file that opens a listener, with the lines that do (comments left out). */
function listeners(): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const file of SCANNED.flatMap((d) => sourceFiles(join(ROOT, d)))) {
    const lines = readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => OPENS.test(l) && !/^\s*(\/\/|\*|\/\*)/.test(l));
    if (lines.length > 0) found.set(relative(ROOT, file), lines);
  }
  return found;
}

test('every listener of the product is reviewed and keeps its rule: guarded, upgrades only, or loopback only', () => {
  const found = listeners();
  assert.ok(found.size >= 8, `the scan finds the known listeners: ${[...found.keys()].join(', ')}`);
  const problems: string[] = [];
  for (const [file, lines] of found) {
    const reviewed = REVIEWED[file];
    if (!reviewed) {
      problems.push(`${file} opens a listener nobody reviewed (${lines[0]!.trim()}): serve it behind the access guard (mock-oppo/access: guardListener, listenGuarded) and add it to REVIEWED in test/access/listeners.test.ts`);
      continue;
    }
    const check = CHECKS[reviewed.rule];
    const { shows } = reviewed;
    const ok = shows
      ? shows.pattern.test(readFileSync(join(ROOT, shows.file ?? file), 'utf8'))
      : check.line
        ? lines.every((l) => check.line!.test(l))
        : check.file!.test(readFileSync(join(ROOT, file), 'utf8'));
    const says = shows ? `${shows.pattern} in ${shows.file ?? file}` : check.says;
    if (!ok) problems.push(`${file} was reviewed as ${reviewed.rule} (${reviewed.why}) but no longer shows ${says}`);
  }
  for (const file of Object.keys(REVIEWED)) if (!found.has(file)) problems.push(`${file} is in REVIEWED but opens no listener any more: remove it`);
  assert.deepEqual(problems, []);
});

test('the scan sees a listener that skips the guard', () => {
  const unguarded = "const server = createServer((req, res) => res.end('state'));";
  assert.ok(OPENS.test(unguarded));
  assert.ok(!CHECKS.guarded.line!.test(unguarded));
  assert.ok(CHECKS.guarded.line!.test('const server = createServer(guardListener(guard, surfaces, app));'));
  assert.ok(CHECKS.guarded.line!.test("this.http = createServer({ keepAlive: true }, guardListener(new AccessGuard({ host: '127.0.0.1' }), () => 'control', app));"));
  assert.ok(!CHECKS['upgrades-only'].line!.test('const wss = new WebSocketServer({ port: 8080 });'));
});
