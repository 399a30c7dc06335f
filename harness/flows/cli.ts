/**
 * `npx push-lab test [paths...] [--dry-run]`: checks the flow files (every problem with its
 * file:line:column and the allowed words), then runs them in the WebdriverIO suite's flow spec on
 * the profile `E2E_PROFILE` picks (default: virtual phones in a lab on loopback).
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readCliArgs } from '../../mock-oppo/transport/cli-args.ts';
import { DEFAULT_FLOWS_DIR, FLOWS_ENV, loadFlows } from './load.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const FLOW_SPEC = 'specs/any/flows.e2e.ts';

const HELP = `Usage: npx push-lab test [paths...] [options]

Runs YAML push flows: each file is one test on the suite's phones (E2E_PROFILE picks the target,
default virtual). A path is a flow file or a folder, whose top-level *.yaml files run (sub-folders
hold flows for runFlow). Default: ${DEFAULT_FLOWS_DIR}/.

Options:
  --dry-run   only check the files (commands, values, runFlow paths) and list what each needs
  --help      show this help

Exit: 0 all green, 1 a flow failed or does not parse, 2 a usage error.
How to write one: README.md, "Write a flow".`;

export async function runTest(argv: string[]): Promise<number> {
  const args = readCliArgs({ 'dry-run': { type: 'boolean' }, help: { type: 'boolean' } } as const, HELP, argv, true);
  if ('exit' in args) return args.exit;
  const paths = args.positionals.length > 0 ? args.positionals : [DEFAULT_FLOWS_DIR];
  let loaded;
  try {
    loaded = loadFlows(paths);
  } catch (err) {
    console.error((err as Error).message);
    return 2;
  }
  if (loaded.length === 0) {
    console.error(`no flow files (*.yaml) in ${paths.join(', ')}`);
    return 1;
  }
  let broken = 0;
  for (const l of loaded) {
    const shown = relative(process.cwd(), l.file);
    if ('error' in l) {
      broken++;
      console.error(l.error.message);
    } else if (args.values['dry-run']) {
      console.log(`ok  ${shown}  "${l.flow.name}"  ${l.flow.steps.length} steps, needs: ${l.flow.requires.join(', ')}`);
    }
  }
  if (broken > 0) {
    console.error(`${broken} of ${loaded.length} flow files have problems`);
    return 1;
  }
  if (args.values['dry-run']) return 0;
  // The suite's own runner: the lab, Appium and the phones come up exactly as for npm run e2e.
  const wdio = join(ROOT, 'node_modules', '@wdio', 'cli', 'bin', 'wdio.js');
  const child = spawn(process.execPath, [wdio, 'run', join(ROOT, 'wdio.conf.ts'), '--spec', join(ROOT, FLOW_SPEC)], {
    cwd: ROOT,
    stdio: 'inherit',
    env: { ...process.env, [FLOWS_ENV]: loaded.map((l) => l.file).join(':') },
  });
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  try {
    const [code] = (await once(child, 'close')) as [number | null];
    return code === 0 ? 0 : 1;
  } finally {
    process.off('SIGINT', forward);
    process.off('SIGTERM', forward);
  }
}
