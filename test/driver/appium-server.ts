/** An in-process Appium 3 server on an ephemeral port (the VirtualOppo driver unless told otherwise), and sessions on it. */
import type { AddressInfo } from 'node:net';
import type { AppiumServer } from '@appium/types';

export type { AppiumServer };

// Imported by name so tsc does not load appium's typings: they ship raw .ts files that this
// project's verbatimModuleSyntax rejects, and skipLibCheck does not cover .ts files.
const APPIUM: string = 'appium';

export async function startAppium(args: Record<string, unknown> = {}): Promise<{ server: AppiumServer; port: number }> {
  const { main } = (await import(APPIUM)) as { main: (args: Record<string, unknown>) => Promise<AppiumServer | undefined> };
  const server = await main({ port: 0, address: '127.0.0.1', useDrivers: ['virtualoppo'], loglevel: 'warn', ...args });
  if (!server) throw new Error('Appium did not start a server');
  return { server, port: (server.address() as AddressInfo).port };
}

/** A WebdriverIO session on that server (no retries: a refused session is the test's answer). */
export async function openSession(port: number, capabilities: Record<string, unknown>): Promise<WebdriverIO.Browser> {
  const { remote } = await import('webdriverio');
  return remote({ hostname: '127.0.0.1', port, logLevel: 'silent', connectionRetryCount: 0, capabilities: { platformName: 'Android', ...capabilities } as WebdriverIO.Capabilities });
}
