/**
 * Every code block of every README runs (harness/docs/readme-blocks.ts finds them), so the docs
 * cannot rot: a renamed option, a removed route or a wrong flag fails here, and a new example is
 * picked up without anyone listing it.
 *
 * - `ts`: written as a module to `.doc-examples/` (imports hoisted, relative ones resolved from the
 *   README's folder or the repository root, free names from test/docs/contexts.ts) and run in its own
 *   process, which must exit 0.
 * - spec (`ts` with `describe(`): run by the e2e suite from `.doc-specs/`; here only checked to be
 *   written where the suite looks.
 * - `sh`: line by line — `npm run <server>` is started, awaited until it serves, stopped with Ctrl-C
 *   and must exit 0; the suite and benchmark commands are checked without running them again (they are
 *   `npm test` itself, or measured in bench/); everything else (curl, adb, variables) runs in bash
 *   with `set -e` and a curl that fails on HTTP errors, against the README's context.
 * - `json`: must parse.
 * - `yaml` (a CI job): its steps' calls of this project's CLIs name real subcommands and flags; its
 *   suite lines name real scripts and settings that resolve.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { allCodeBlocks, blockSlug, jsonText, docSpecPath, findReadmes, REPO_ROOT, writeDocSpecs, type CodeBlock } from '../../harness/docs/readme-blocks.ts';
import { resolveProfile } from '../../harness/scenario/profiles.ts';
import { delegationOf, setupContext, VALUE_NAMES, type DocContext } from './contexts.ts';

const EXAMPLES_DIR = join(REPO_ROOT, '.doc-examples');
const PACKAGE = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
/** Commands that serve until Ctrl-C: started, awaited until they print this, then stopped. */
const SERVERS = /^(npm run (mock-oppo|lab)|npx push-lab start)\b/;
const READY = /Ctrl-C to stop\./;
const STEP_TIMEOUT_MS = 120_000;

function run(cmd: string, args: string[], opts: { cwd?: string; env?: Record<string, string>; input?: string } = {}): Promise<{ code: number; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd ?? REPO_ROOT, env: { ...process.env, ...opts.env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), STEP_TIMEOUT_MS);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? 1, out });
    });
    child.stdin.end(opts.input ?? '');
  });
}

// ---- ts blocks ------------------------------------------------------------------------------

/** Splits a block into its import statements and the rest. */
function splitImports(code: string): { imports: string[]; body: string } {
  const lines = code.split('\n');
  const imports: string[] = [];
  let i = 0;
  const body: string[] = [];
  while (i < lines.length) {
    if (/^import\s/.test(lines[i]!)) {
      const statement: string[] = [];
      while (i < lines.length) {
        statement.push(lines[i]!);
        if (/(from\s+|^import\s+)['"][^'"]+['"];?\s*(\/\/.*)?$/.test(lines[i]!)) break;
        i++;
      }
      imports.push(statement.join('\n'));
    } else {
      body.push(lines[i]!);
    }
    i++;
  }
  return { imports, body: body.join('\n') };
}

/** Relative specifiers as written in a README: from its own folder, else from the repository root. */
function resolveImport(statement: string, readme: string): string {
  return statement.replace(/(['"])(\.{1,2}\/[^'"]+)\1/, (_all, quote: string, spec: string) => {
    const candidates = [join(REPO_ROOT, dirname(readme), spec), join(REPO_ROOT, spec)];
    const found = candidates.find((c) => existsSync(c));
    if (!found) throw new Error(`${readme}: cannot resolve the import '${spec}' (tried ${candidates.join(', ')})`);
    return `${quote}${pathToFileURL(found).href}${quote}`;
  });
}

/** Names the block declares or imports itself (a context value of the same name must not shadow them). */
function ownNames(imports: string[], body: string): Set<string> {
  const names = new Set<string>();
  for (const m of body.matchAll(/\b(?:const|let|var|function|class)\s+([A-Za-z_$][\w$]*)/g)) names.add(m[1]!);
  for (const m of body.matchAll(/\b(?:const|let|var)\s*[{[]([^}\]]*)[}\]]\s*=/g)) {
    for (const part of m[1]!.split(',')) {
      const name = part.split(':').pop()!.split('=')[0]!.trim();
      if (name) names.add(name);
    }
  }
  for (const statement of imports) {
    for (const m of statement.replace(/from\s+['"][^'"]+['"]/, '').matchAll(/[A-Za-z_$][\w$]*/g)) names.add(m[0]);
  }
  return names;
}

function tsModule(block: CodeBlock): string {
  const { imports, body } = splitImports(block.code);
  const own = ownNames(imports, body);
  const given = (VALUE_NAMES[block.readme] ?? []).filter((name) => !own.has(name) && new RegExp(`(?<![\\w$.])${name.replace(/\$/g, '\\$')}(?![\\w$])`).test(body));
  return [
    `import { setupContext } from ${JSON.stringify(pathToFileURL(join(REPO_ROOT, 'test/docs/contexts.ts')).href)};`,
    ...imports.map((s) => resolveImport(s, block.readme)),
    `// ${block.readme}:${block.line}`,
    `const __context = await setupContext(${JSON.stringify(block.readme)});`,
    'try {',
    given.length ? `  const { ${given.join(', ')} } = __context.values as Record<string, any>;` : '',
    body,
    '} finally {',
    '  await __context.teardown();',
    '}',
    // An example may leave a server or an interceptor running for brevity: the block is done.
    'process.exit(0);',
    '',
  ].join('\n');
}

/** A README part another test runs: that test exists and does the same thing. */
function checkDelegated(block: CodeBlock, text: string): boolean {
  const delegated = delegationOf(block.readme, text);
  if (!delegated) return false;
  const file = join(REPO_ROOT, delegated.provenBy);
  assert.ok(existsSync(file), `${block.readme}:${block.line}: ${delegated.provenBy}, which should run this, does not exist`);
  const source = readFileSync(file, 'utf8');
  for (const evidence of delegated.evidence) assert.ok(source.includes(evidence), `${delegated.provenBy} no longer does ${JSON.stringify(evidence)}, which ${block.readme}:${block.line} documents`);
  return true;
}

async function runTsBlock(block: CodeBlock): Promise<void> {
  if (checkDelegated(block, block.code)) return;
  mkdirSync(EXAMPLES_DIR, { recursive: true });
  const file = join(EXAMPLES_DIR, `${blockSlug(block)}.ts`);
  writeFileSync(file, tsModule(block));
  const { code, out } = await run(process.execPath, ['--import', 'tsx', file]);
  assert.equal(code, 0, `${block.readme}:${block.line} failed (the module is ${file}):\n${out}`);
}

// ---- sh blocks ------------------------------------------------------------------------------

/** One command per line: `\` continuations joined, comment lines dropped. */
function commandsOf(code: string): string[] {
  return code
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
}

/** A trailing ` # comment`, as the docs write them. */
function withoutComment(command: string): string {
  return command.replace(/\s+#(\s.*)?$/, '').trim();
}

function applyReplacements(text: string, ctx: DocContext): string {
  return ctx.replace.reduce((t, [from, to]) => t.split(from).join(to), text);
}

/** `npm run x -- args` / `npx push-lab start args` as argv with the documented fixed ports made ephemeral. */
function serverArgv(command: string): string[] {
  const words = command.split(/\s+/);
  return words.map((w, i) => (/^--(port|oppo-port|im-port|lab-port|port-base)$/.test(words[i - 1] ?? '') ? '0' : w));
}

async function runServer(command: string, block: CodeBlock): Promise<void> {
  const ctx = await setupContext(block.readme);
  const dir = mkdtempSync(join(tmpdir(), 'readme-server-'));
  try {
    // A file the example names (`--apps my-apps.json`) is the context's, written for the run.
    for (const [name, text] of Object.entries(ctx.files)) writeFileSync(join(dir, name), text);
    const argv = serverArgv(command).map((w) => (w in ctx.files ? join(dir, w) : w));
    await runServerArgv(argv, command, block);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await ctx.teardown();
  }
}

async function runServerArgv([cmd, ...args]: string[], command: string, block: CodeBlock): Promise<void> {
  if (args.includes('--help')) {
    const { code, out } = await run(cmd!, args);
    assert.equal(code, 0, `${block.readme}:${block.line}: \`${command}\` exited ${code}:\n${out}`);
    return;
  }
  // Its own process group, so Ctrl-C reaches every process of it as a terminal's does (npx → sh → node).
  const child = spawn(cmd!, args, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, signal);
    } catch {
      // the group is gone already
    }
  };
  let out = '';
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`\`${command}\` did not say it serves within ${STEP_TIMEOUT_MS} ms:\n${out}`)), STEP_TIMEOUT_MS);
      const onData = (d: Buffer) => {
        out += d.toString();
        if (READY.test(out)) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.once('close', (code) => {
        clearTimeout(timer);
        reject(new Error(`${block.readme}:${block.line}: \`${command}\` exited ${code} before serving:\n${out}`));
      });
    });
    const closed = new Promise<number>((resolve) => child.once('close', (code) => resolve(code ?? 1)));
    const servedUpTo = out.length;
    signalGroup('SIGINT');
    await closed;
    // npm itself answers a Ctrl-C with exit 1 or 130 whatever its script did: the server's own goodbye tells.
    assert.match(out.slice(servedUpTo), /\bstopped\.$/m, `${block.readme}:${block.line}: \`${command}\` did not stop cleanly on Ctrl-C:\n${out}`);
  } finally {
    signalGroup('SIGKILL');
  }
}

/**
 * How one line of an `sh` block is exercised: `undefined` means "with the rest of the block in bash";
 * otherwise the check that stands for it.
 */
function lineRule(command: string, readme: string): ((block: CodeBlock) => Promise<void>) | undefined {
  const line = withoutComment(command);
  if (delegationOf(readme, line)) return async (block) => void checkDelegated(block, line);
  const npmScript = (name: string) => {
    assert.ok(PACKAGE.scripts[name], `\`${line}\`: package.json has no script '${name}'`);
  };
  // `npm ci && npm run e2e`: each part on its own.
  if (line.includes(' && ') && /^npm /.test(line)) {
    const parts = line.split(' && ').map((part) => lineRule(part, readme));
    if (parts.every((p) => p !== undefined)) return async (block) => { for (const p of parts) await p!(block); };
  }
  if (line === 'npm ci') return async () => {}; // this very test runs in the tree `npm ci` installed
  // The suite itself (npm test runs it; CI runs npm test): the script exists and its profile resolves.
  const suite = /^((?:[A-Z0-9_]+=\S+\s+)*)npm (test|run (?:e2e(?::emulator)?|test:unit|typecheck))(?: -- (.+))?$/.exec(line);
  if (suite) {
    return async () => {
      npmScript(suite[2] === 'test' ? 'test' : suite[2]!.split(' ').at(-1)!);
      // `-- --spec a --spec b`: the files exist (the subset itself is proven by test/run/one-run.test.ts).
      const extra = (suite[3] ?? '').split(/\s+/).filter(Boolean);
      extra.forEach((word, i) => {
        if (extra[i - 1] === '--spec') assert.ok(existsSync(join(REPO_ROOT, word)), `\`${line}\`: no spec file ${word}`);
      });
      const env = Object.fromEntries(suite[1]!.trim().split(/\s+/).filter(Boolean).map((kv) => kv.split('=') as [string, string]));
      if (Object.keys(env).length > 0) assert.doesNotThrow(() => resolveProfile(env), `\`${line}\`: the documented settings do not resolve`);
    };
  }
  // Benchmarks are measured in bench/, never in tests: the script exists and answers --help.
  const benchmark = /^npm run (bench:[\w-]+)/.exec(line);
  if (benchmark) {
    return async (block) => {
      npmScript(benchmark[1]!);
      const { code, out } = await run('npm', ['run', '-s', benchmark[1]!, '--', '--help']);
      assert.equal(code, 0, `${block.readme}:${block.line}: \`npm run ${benchmark[1]} -- --help\` exited ${code}:\n${out}`);
    };
  }
  if (SERVERS.test(line)) return (block) => runServer(line, block);
  // The contract commands talk to the real services: checked against the CLI's own help.
  if (OWN_CLI_CALL.test(line)) return async (block) => void (await checkOwnCliCall(line, block));
  // Unit tests run by npm test: the files the command names exist.
  const unit = /^node --import tsx --test (.+)$/.exec(line);
  if (unit) {
    return async () => {
      const { code, out } = await run('bash', ['-c', `ls ${unit[1]}`]);
      assert.equal(code, 0, `\`${line}\` names no test files:\n${out}`);
    };
  }
  // Installing a driver downloads it; the lab runs offline. That the command is Appium's is checked.
  if (/^npx appium driver install /.test(line)) {
    return async () => {
      const { code, out } = await run('npx', ['appium', 'driver', 'install', '--help']);
      assert.equal(code, 0, out);
    };
  }
  return undefined;
}

/**
 * `adb` in an example runs only against a server that listens: Debian's adb starts a daemon of its
 * own on a port where none answers, so an example whose port the test did not map would pass (an
 * empty `devices` list) and leave a daemon behind.
 */
const ADB_GUARD = `adb() {
  local port=\${ANDROID_ADB_SERVER_PORT:-5037} prev= a
  for a in "$@"; do [ "$prev" = -P ] && port=$a; prev=$a; done
  if ! (exec 3<>/dev/tcp/127.0.0.1/"$port") 2>/dev/null; then
    echo "no adb server listens on 127.0.0.1:$port (the example's port is not one this test started)" >&2
    return 1
  fi
  command adb "$@"
}`;

async function runShBlock(block: CodeBlock): Promise<void> {
  const commands = commandsOf(block.code);
  const rules = commands.map((c) => lineRule(c, block.readme));
  for (const rule of rules) if (rule) await rule(block);
  const rest = block.code
    .replace(/\\\n/g, ' \u0000')
    .split('\n')
    .filter((l) => {
      const command = l.replace(/\u0000/g, '').trim();
      return command === '' || command.startsWith('#') || lineRule(command, block.readme) === undefined;
    })
    .join('\n')
    .replace(/ \u0000/g, '\\\n');
  if (rest.trim() === '' || commandsOf(rest).length === 0) return;
  if (/(^|\s)adb\s/.test(rest) && spawnSync('adb', ['version']).error) {
    console.log(`# ${block.readme}:${block.line}: adb commands not run — install Debian's adb (apt-get install adb)`);
    return;
  }
  const ctx = await setupContext(block.readme);
  const dir = mkdtempSync(join(tmpdir(), 'readme-sh-'));
  try {
    for (const [name, text] of Object.entries(ctx.files)) writeFileSync(join(dir, name), text);
    const script = `set -euo pipefail\ncurl() { command curl --fail-with-body "$@"; }\n${ADB_GUARD}\n${applyReplacements(rest, ctx)}\n`;
    const { code, out } = await run('bash', ['-c', script], { cwd: dir, env: ctx.env });
    assert.equal(code, 0, `${block.readme}:${block.line} failed in bash:\n${script}\n--- output\n${out}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await ctx.teardown();
  }
}

// ---- yaml (a CI job for the reader's repository) ---------------------------------------------

/** This project's CLIs as a reader's CI calls them, and how to run them from this checkout. */
const OWN_CLIS: Record<string, string[]> = {
  'mock-oppo': [process.execPath, '--import', 'tsx', 'mock-oppo/cli.ts'],
  'push-lab': [process.execPath, 'bin/push-lab.js'],
};

/** `npx mock-oppo <sub> …` / `npx push-lab <sub> …` somewhere in a line (env prefixes and all). */
const OWN_CLI_CALL = /\bnpx (mock-oppo|push-lab)((?:\s+[a-z][\w-]*)*)((?:\s+\S+)*)/;

/**
 * A call of this project's CLI that cannot run here (it talks to the real OPPO or IM, or runs in the
 * reader's CI): its subcommand answers --help, and every flag it passes is one that help lists.
 */
async function checkOwnCliCall(line: string, block: CodeBlock): Promise<boolean> {
  const call = OWN_CLI_CALL.exec(line);
  if (!call) return false;
  const [cmd, ...args] = OWN_CLIS[call[1]!]!;
  const subcommands = call[2]!.trim().split(/\s+/).filter(Boolean);
  const { code, out } = await run(cmd!, [...args, ...subcommands, '--help']);
  assert.equal(code, 0, `${block.readme}:${block.line}: \`${call[1]} ${subcommands.join(' ')} --help\` exited ${code}:\n${out}`);
  for (const flag of call[3]!.match(/--[\w-]+/g) ?? []) assert.ok(out.includes(flag), `${block.readme}:${block.line}: \`${line}\` passes ${flag}, which \`${call[1]} ${subcommands.join(' ')} --help\` does not list`);
  return true;
}

async function checkCiBlock(block: CodeBlock): Promise<void> {
  const steps = [...block.code.matchAll(/^\s*-?\s*run:\s*(.+)$/gm)].map((m) => withoutComment(m[1]!));
  let checked = 0;
  for (const step of steps) if (await checkOwnCliCall(step, block)) checked++;
  // Script lines that run the suite (`E2E_PROFILE=emulator npm run e2e`): the script exists, the profile resolves.
  for (const raw of block.code.split('\n')) {
    const line = withoutComment(raw.replace(/^\s*(-\s*)?(run:\s*)?/, ''));
    const rule = /^(?:[A-Z0-9_]+=\S+\s+)*npm (test|run )/.test(line) ? lineRule(line, block.readme) : undefined;
    if (rule) {
      await rule(block);
      checked++;
    }
  }
  assert.ok(checked > 0 || steps.length === 0, `${block.readme}:${block.line}: no step calls this project's CLIs, so nothing of it can be checked here`);
}

// ---- the tests --------------------------------------------------------------------------------

const blocks = allCodeBlocks();

test('every README code block is in a language a test runs, and no README points outside the repository', () => {
  assert.ok(blocks.length > 20, `found only ${blocks.length} blocks`);
  for (const readme of findReadmes()) {
    const text = readFileSync(join(REPO_ROOT, readme), 'utf8');
    assert.doesNotMatch(text, /\.\.\/shared\//, `${readme} links into ../shared/, which a clone does not have: say the fact here instead`);
  }
});

test('the README spec examples are written where the e2e suite runs them', () => {
  const written = writeDocSpecs();
  const specs = blocks.filter((b) => b.kind === 'spec');
  assert.ok(specs.length >= 1);
  for (const block of specs) assert.ok(existsSync(docSpecPath(block)), `${block.readme}:${block.line} was not written`);
  assert.equal(written.length, specs.length);
});

for (const block of blocks.filter((b) => b.kind === 'json')) {
  test(`${block.readme}:${block.line} (json) parses`, () => {
    assert.doesNotThrow(() => JSON.parse(jsonText(block)));
  });
}

for (const block of blocks.filter((b) => b.kind === 'ts')) {
  test(`${block.readme}:${block.line} (ts) runs`, () => runTsBlock(block));
}

for (const block of blocks.filter((b) => b.kind === 'ci')) {
  test(`${block.readme}:${block.line} (yaml) calls this project's CLIs as they are`, () => checkCiBlock(block));
}

for (const block of blocks.filter((b) => b.kind === 'sh')) {
  test(`${block.readme}:${block.line} (sh) runs`, () => runShBlock(block));
}
