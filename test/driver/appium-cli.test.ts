/**
 * The driver package as Appium loads it in production: a bare `appium` process with a clean
 * environment (no tsx loader, as @wdio/appium-service starts it), so index.js must register tsx
 * itself. One session over plain WebDriver HTTP proves the TypeScript driver loaded and works.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { APP } from './fake-phone.ts';
import { startFakeLab } from './fake-lab.ts';

async function freePort(): Promise<number> {
  const probe = createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

test('a bare appium process from a clean environment loads the TypeScript driver', async (t) => {
  const lab = await startFakeLab();
  t.after(() => lab.close());
  const port = await freePort();
  const appium = spawn(
    process.execPath,
    [createRequire(import.meta.url).resolve('appium/index.js'), 'server', '--address', '127.0.0.1', '--port', String(port), '--use-drivers', 'virtualoppo', '--log-level', 'info', '--log-no-colors'],
    { env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const exited = once(appium, 'exit');
  t.after(async () => {
    if (appium.exitCode === null && appium.signalCode === null) {
      appium.kill('SIGTERM');
      await exited;
    }
  });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Appium REST http interface listener started')) resolve();
    };
    appium.stdout.on('data', onData);
    appium.stderr.on('data', onData);
    appium.once('exit', (code) => reject(new Error(`appium exited with ${code} before listening:\n${output}`)));
  });

  const base = `http://127.0.0.1:${port}`;
  const created = await fetch(`${base}/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      capabilities: {
        alwaysMatch: { platformName: 'Android', 'appium:automationName': 'VirtualOppo', 'appium:labUrl': lab.url, 'appium:appPackage': APP },
      },
    }),
  });
  const body = (await created.json()) as { value: { sessionId: string; capabilities: Record<string, unknown>; message?: string } };
  assert.equal(created.status, 200, body.value.message);
  const { sessionId, capabilities } = body.value;
  const serial = capabilities.udid as string;
  assert.equal(lab.phones.get(serial)?.appState, 4, 'the session launched the app on a phone of the lab');
  const state = await fetch(`${base}/session/${sessionId}/execute/sync`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ script: 'mobile: queryAppState', args: [{ appId: APP }] }),
  });
  assert.deepEqual(await state.json(), { value: 4 });
  const deleted = await fetch(`${base}/session/${sessionId}`, { method: 'DELETE' });
  assert.equal(deleted.status, 200);
});
