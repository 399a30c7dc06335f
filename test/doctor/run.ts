/** Runs `push-lab doctor` as a user does (the bin, in a process of its own) and collects its output. */
import { spawn } from 'node:child_process';
import { once } from 'node:events';

const BIN = new URL('../../bin/push-lab.js', import.meta.url).pathname;

export interface DoctorRun {
  code: number;
  stdout: string;
  stderr: string;
}

export async function doctor(args: string[], env: Record<string, string> = {}): Promise<DoctorRun> {
  const child = spawn(process.execPath, [BIN, 'doctor', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const [code] = await once(child, 'close');
  return { code: code as number, stdout, stderr };
}
