/** Test helper: a command-line server run as a child process until it prints where it listens. */
import { spawn } from 'node:child_process';
import type { TestContext } from 'node:test';

/** Spawns `node <args>`; resolves the URL it prints as "listening on <url>"; `stop()` sends SIGTERM and resolves the exit code. */
export async function spawnListening(t: TestContext, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<{ url: string; stop(): Promise<number | null> }> {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
  t.after(() => child.kill('SIGKILL'));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (c) => {
      out += c;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`exited ${code} before listening: ${out}`)));
  });
  return {
    url,
    stop: () => {
      child.kill('SIGTERM');
      return exited;
    },
  };
}
