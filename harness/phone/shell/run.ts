/** Runs a parsed command line against a phone: pipelines, `&&`/`||`/`;`, redirections, exit codes. */
import type { ShellResult } from '../api.ts';
import type { VirtualPhone } from '../phone.ts';
import { COMMANDS } from './commands.ts';
import type { Output } from './output.ts';
import { parseShell, ShellSyntaxError, type Command } from './parse.ts';

export async function runShell(phone: VirtualPhone, line: string): Promise<ShellResult> {
  let steps;
  try {
    steps = parseShell(line);
  } catch (e) {
    if (e instanceof ShellSyntaxError) return { stdout: '', stderr: `/system/bin/sh: ${e.message}\n`, exitCode: 1 };
    throw e;
  }
  let stdout = '';
  let stderr = '';
  let exitCode = 0;
  for (const step of steps) {
    if (step.connector === '&&' && exitCode !== 0) continue;
    if (step.connector === '||' && exitCode === 0) continue;
    let stdin = '';
    for (let i = 0; i < step.pipeline.length; i++) {
      const out = await runCommand(phone, step.pipeline[i]!, stdin);
      const last = i === step.pipeline.length - 1;
      stderr += out.stderr;
      if (last) stdout += out.stdout;
      else stdin = out.stdout;
      exitCode = out.exitCode;
    }
  }
  return { stdout, stderr, exitCode };
}

async function runCommand(phone: VirtualPhone, cmd: Command, stdin: string): Promise<Output> {
  const [name, ...args] = cmd.argv as [string, ...string[]];
  const impl = COMMANDS[name.replace(/^\/system\/bin\//, '')];
  const out: Output = impl ? await impl(phone, args, stdin) : { stdout: '', stderr: `/system/bin/sh: ${name}: inaccessible or not found\n`, exitCode: 127 };
  let { stdout, stderr } = out;
  if (cmd.discardStderr) stderr = '';
  if (cmd.mergeStderr) {
    stdout += stderr;
    stderr = '';
  }
  if (cmd.discardStdout) stdout = '';
  return { stdout, stderr, exitCode: out.exitCode };
}
