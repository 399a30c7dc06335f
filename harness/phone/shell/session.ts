/**
 * A running shell command line: what `adb shell` (v1 and v2), `exec:` and `abb_exec:` attach to,
 * and what `phone.shell()` runs to completion. Output streams while the command runs, so a command
 * may keep running — `logcat` without `-d`, `am instrument -w` — until it returns by itself or the
 * client goes away (`close()`, which aborts `io.signal`). Bytes the client sends arrive on `stdin`.
 *
 * Two kinds of device command exist (see `commands.ts`): a `ShellCommand` computes its whole output
 * at once (most of them: getprop, dumpsys, pm ...); a `StreamingCommand` gets a `ShellIo` and
 * returns its exit code when it is done. Both run in pipelines, `&&`, `;` and redirections alike.
 */
import { PassThrough, type Readable } from 'node:stream';
import type { VirtualPhone } from '../phone.ts';

export interface ShellIo {
  /** What the client sends (adb shell's stdin, the APK bytes of a streamed install); ends when the client closes it. */
  readonly stdin: Readable;
  /** Writes to stdout (text is UTF-8). */
  out(chunk: string | Uint8Array): void;
  /** Writes to stderr (v1 shells and exec: merge it into stdout). */
  err(chunk: string | Uint8Array): void;
  /** Aborted when the client closes the session: a long-running command stops and returns its exit code. */
  readonly signal: AbortSignal;
}

/** A device command that streams: it may read stdin, write as it goes, and run until `io.signal` aborts. */
export type StreamingCommand = (phone: VirtualPhone, args: string[], io: ShellIo) => Promise<number>;

/** Runs one command line against the phone (set by `run.ts`; kept as a parameter to avoid an import cycle). */
export type LineRunner = (phone: VirtualPhone, line: string, io: ShellIo) => Promise<number>;

export class ShellSession {
  /** Write the client's bytes here; end() it when the client closes stdin. */
  readonly stdin = new PassThrough();
  readonly stdout = new PassThrough();
  readonly stderr = new PassThrough();
  /** The exit status (0..255), once the command line has returned and the phone has settled; stdout and stderr have ended by then. */
  readonly exitCode: Promise<number>;
  private readonly abort = new AbortController();

  /** `mergeStderr`: stderr goes to `stdout` in the order written (v1 `shell:` and `exec:`, which have one stream). */
  constructor(phone: VirtualPhone, line: string, run: LineRunner, options: { mergeStderr?: boolean } = {}) {
    const out = (chunk: string | Uint8Array) => {
      if (!this.stdout.writableEnded) this.stdout.write(chunk);
    };
    const io: ShellIo = {
      stdin: this.stdin,
      out,
      err: options.mergeStderr
        ? out
        : (chunk) => {
            if (!this.stderr.writableEnded) this.stderr.write(chunk);
          },
      signal: this.abort.signal,
    };
    this.exitCode = run(phone, line, io)
      .catch((e: unknown) => {
        // A bug in a command must not take the lab down: report it the way a crashing binary would.
        io.err(`/system/bin/sh: ${(e as Error).message ?? e}\n`);
        return 255;
      })
      .then(async (code) => {
        await phone.idle();
        this.stdout.end();
        this.stderr.end();
        // Nobody may read stdin any more: drop what the client still sends.
        this.stdin.resume();
        return code & 0xff;
      });
  }

  /** The client went away (closed the socket): long-running commands stop. Idempotent. */
  close(): void {
    this.abort.abort();
    if (!this.stdin.writableEnded) this.stdin.end();
  }

  get closed(): boolean {
    return this.abort.signal.aborted;
  }
}

/** Resolves when the signal aborts (at once if it already has): what a long-running command awaits. */
export function aborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}

/** Everything a readable gives until it ends, as one buffer (the chunks are joined once, at the end). */
export async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks);
}
