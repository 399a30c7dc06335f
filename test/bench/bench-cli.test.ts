/** The benchmarks' command lines: --help, usage errors, and an exit code that says whether the targets were met. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = new URL('../..', import.meta.url).pathname;
/** Every `npm run bench:*` script's file under bench/. */
const BENCH_FILES = Object.entries((JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts)
  .filter(([name]) => name.startsWith('bench:'))
  .map(([name, command]) => {
    const file = /\bbench\/([\w.-]+\.ts)\b/.exec(command)?.[1];
    assert.ok(file, `${name} runs no file of bench/: ${command}`);
    return file;
  });

async function bench(file: string, args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', `bench/${file}`, ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const [code] = (await once(child, 'close')) as [number];
  return { code, stdout, stderr };
}

test('every benchmark: --help prints the usage and exits 0 without measuring; a bad flag is a usage error (exit 2), not a stack trace', async () => {
  assert.ok(BENCH_FILES.length >= 5, `bench scripts: ${BENCH_FILES}`);
  for (const file of BENCH_FILES) {
    const help = await bench(file, ['--help']);
    assert.equal(help.code, 0, `${file}: ${help.stderr}`);
    assert.match(help.stdout, /^Usage: npm run bench:/, file);
    assert.doesNotMatch(help.stdout, /autocannon:|Push latency:|median/, `${file}: nothing was measured`);
    const bad = await bench(file, ['--no-such-flag']);
    assert.equal(bad.code, 2, file);
    assert.match(bad.stderr, /Unknown option '--no-such-flag'/);
    assert.doesNotMatch(bad.stderr, /\n\s+at /, 'no stack trace');
  }
  const runs = await bench('e2e.bench.ts', ['--runs', '0']);
  assert.equal(runs.code, 2);
  assert.match(runs.stderr, /--runs takes a whole number of at least 1, got '0'/);
});

test('bench:oppo exits 1 exactly when it prints that a target was missed', async () => {
  // One short round: the verdict may go either way on a loaded machine; the exit code must agree with it.
  const run = await bench('oppo-unicast.bench.ts', [], { BENCH_DURATION: '1', BENCH_ROUNDS: '1', BENCH_CONNECTIONS: '2' });
  const verdict = /^targets (NOT )?met$/m.exec(run.stdout);
  assert.ok(verdict, run.stdout + run.stderr);
  assert.equal(run.code, verdict[1] ? 1 : 0);
});
