/**
 * Runs a parsed command line against a phone: pipelines, `&&`/`||`/`;`, redirections, exit codes,
 * and the few sh builtins harnesses send (`exec`, `export`, `exit`, `cd`). Commands stream: each
 * stage of a pipeline writes into the next one's stdin as it goes, so `logcat | grep X` works while
 * logcat keeps running.
 */
import { PassThrough, type Readable } from 'node:stream';
import type { VirtualPhone } from '../phone.ts';
import { COMMANDS, STREAMING_COMMANDS } from './commands.ts';
import type { ShellCommand } from './output.ts';
import { EXIT_STATUS, parseShell, ShellSyntaxError, type Command } from './parse.ts';
import { readAll, type ShellIo, type StreamingCommand } from './session.ts';

/** `exit N` ends the whole line with N. */
class Exit {
  constructor(readonly code: number) {}
}

export async function runLine(phone: VirtualPhone, line: string, io: ShellIo): Promise<number> {
  let steps;
  try {
    steps = parseShell(line);
  } catch (e) {
    if (e instanceof ShellSyntaxError) {
      io.err(`/system/bin/sh: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
  let exitCode = 0;
  try {
    for (const step of steps) {
      if (step.connector === '&&' && exitCode !== 0) continue;
      if (step.connector === '||' && exitCode === 0) continue;
      exitCode = await runPipeline(phone, step.pipeline, io, exitCode);
    }
  } catch (e) {
    if (e instanceof Exit) return e.code;
    throw e;
  }
  return exitCode;
}

async function runPipeline(phone: VirtualPhone, pipeline: Command[], io: ShellIo, status: number): Promise<number> {
  if (pipeline.length === 1) return runCommand(phone, pipeline[0]!, io, true, status);
  const pipes = pipeline.slice(1).map(() => new PassThrough());
  const codes = await Promise.all(
    pipeline.map((cmd, i) => {
      const last = i === pipeline.length - 1;
      const stage: ShellIo = {
        stdin: i === 0 ? io.stdin : pipes[i - 1]!,
        out: last ? io.out : (chunk) => void pipes[i]!.write(chunk),
        err: io.err,
        signal: io.signal,
      };
      return runCommand(phone, cmd, stage, i === 0, status).finally(() => {
        if (!last) pipes[i]!.end();
      });
    }),
  );
  return codes.at(-1)!;
}

const noop = (): void => {};

async function runCommand(phone: VirtualPhone, cmd: Command, io: ShellIo, first: boolean, status: number): Promise<number> {
  let argv = cmd.argv.map((a) => a.replaceAll(EXIT_STATUS, String(status)));
  while (argv[0] === 'exec' && argv.length > 1) argv = argv.slice(1);
  const [rawName, ...args] = argv as [string, ...string[]];
  const name = rawName.replace(/^\/system\/bin\//, '');
  const discard = (target: (chunk: string | Uint8Array) => void, off: boolean) => (off ? noop : target);
  const err0 = discard(io.err, cmd.discardStderr);
  const out = cmd.stdoutToStderr ? err0 : discard(io.out, cmd.discardStdout);
  const err = cmd.mergeStderr ? out : err0;
  const cio: ShellIo = { stdin: io.stdin, out, err, signal: io.signal };
  // A command that reads no stdin must not wait for the client to close it; only later stages of a pipeline get piped text.
  const stdinText = async (): Promise<string> => (first ? '' : (await readAll(io.stdin)).toString('utf8'));

  switch (name) {
    case 'exit':
      throw new Exit(args[0] === undefined ? 0 : Number(args[0]) & 0xff);
    case 'export':
    case 'cd':
    case ':':
      return 0;
    case 'exec':
      return 0;
    case 'sh':
      if (args[0] === '-c') return runLine(phone, args[1] ?? '', cio);
      return interactive(phone, args[0] === '-i' ? (args[1] ?? 'android') : undefined, cio);
  }
  // A streaming command is registered by name (`logcat`) or by name and subcommand (`am instrument`).
  const own = (key: string): StreamingCommand | undefined => (Object.hasOwn(STREAMING_COMMANDS, key) ? STREAMING_COMMANDS[key] : undefined);
  const bySub = own(`${name} ${args[0] ?? ''}`);
  const streaming = bySub ?? own(name);
  if (streaming) {
    const code = await streaming(phone, bySub ? args.slice(1) : args, cio);
    if (!first) drain(io.stdin);
    return code;
  }
  const impl: ShellCommand | undefined = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!impl) {
    if (!first) drain(io.stdin);
    err(`/system/bin/sh: ${rawName}: inaccessible or not found\n`);
    return 127;
  }
  const result = await impl(phone, args, await stdinText());
  if (result.stdout) out(result.stdout);
  if (result.stderr) err(result.stderr);
  return result.exitCode;
}

/**
 * `sh` reading command lines from stdin (an interactive `adb shell`): each line runs in turn, with
 * mksh's prompt when interactive, until stdin ends or a line says `exit`.
 */
async function interactive(phone: VirtualPhone, deviceName: string | undefined, io: ShellIo): Promise<number> {
  const prompt = () => deviceName && io.out(`${deviceName}:/ $ `);
  let pending = '';
  let code = 0;
  prompt();
  for await (const chunk of io.stdin) {
    pending += (chunk as Buffer).toString('utf8').replace(/\r\n?/g, '\n');
    for (let nl = pending.indexOf('\n'); nl >= 0; nl = pending.indexOf('\n')) {
      const line = pending.slice(0, nl);
      pending = pending.slice(nl + 1);
      if (/^\s*exit(\s|$)/.test(line)) return Number(line.trim().split(/\s+/)[1] ?? code) & 0xff;
      code = await runLine(phone, line, { ...io, stdin: emptyStdin() });
      prompt();
    }
    if (io.signal.aborted) break;
  }
  return code;
}

function emptyStdin(): Readable {
  const s = new PassThrough();
  s.end();
  return s;
}

/** Reads and forgets the rest of a pipe, so the stage writing into it never blocks. */
function drain(stream: Readable): void {
  stream.resume();
}
