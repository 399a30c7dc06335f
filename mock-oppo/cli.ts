/**
 * `npm run mock-oppo`: the standalone mock on loopback. Prints the base URL (and the demo app's
 * credentials when no --apps file is given) and serves until SIGINT/SIGTERM.
 */
import { readFile } from 'node:fs/promises';
import { parseAppsFile, type AppConfig } from './core/apps.ts';
import { parseRetention } from './core/settings.ts';
import { createMockOppo } from './index.ts';
import { readCliArgs } from './transport/cli-args.ts';

const HELP = `Usage: npm run mock-oppo -- [options]

A stateful fake of the OPPO PUSH platform (server API, device link, control API).

Options:
  --port <n>       port to listen on (default 0 = any free port)
  --host <addr>    address to bind (default 127.0.0.1)
  --apps <file>    JSON array of apps, each at least {"appId","appKey","appSecret","masterSecret"};
                   replaces the built-in demo app (their secrets are never printed)
  --retention <n>  messages kept for the control API's list (default 10000); the totals
                   (GET /_mock/v1/totals) count every message whatever this is
  --help           show this help

Docs: mock-oppo/README.md`;

async function main(): Promise<number> {
  const args = readCliArgs({ port: { type: 'string' }, host: { type: 'string' }, apps: { type: 'string' }, retention: { type: 'string' }, help: { type: 'boolean' } } as const, HELP);
  if ('exit' in args) return args.exit;
  const { values } = args;
  const port = Number(values.port ?? 0);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`--port must be 0–65535, got ${values.port}`);
    return 2;
  }
  const retention = values.retention === undefined ? undefined : parseRetention(values.retention);
  if (typeof retention === 'object') {
    console.error(retention.problem);
    return 2;
  }
  let apps: AppConfig[] | undefined;
  if (values.apps !== undefined) {
    try {
      apps = parseAppsFile(await readFile(values.apps, 'utf8'));
    } catch (err) {
      console.error(`cannot load apps from ${values.apps}: ${(err as Error).message}`);
      return 2;
    }
  }

  const mock = createMockOppo({ ...(apps ? { apps } : {}), ...(retention !== undefined ? { settings: { messageRetention: retention } } : {}) });
  const server = await mock.listen({ port, host: values.host ?? '127.0.0.1' });
  console.log(`mock-oppo listening on ${server.url}`);
  console.log(`  server API   ${server.url}/server/v1/...   (intl: ${server.url}/intl/server/v1/...)`);
  console.log(`  control API  ${server.url}/_mock/v1/...`);
  console.log(`  device link  ${server.url.replace(/^http/, 'ws')}/_device/v1/link`);
  if (apps) {
    for (const app of mock.platform.listApps()) console.log(`  app ${app.appId} (appKey ${app.appKey}) loaded from ${values.apps}`);
  } else {
    const demo = mock.platform.listApps()[0]!;
    console.log('  demo app (built-in, fixtures/oppo-apps.json):');
    console.log(`    appId        ${demo.appId}`);
    console.log(`    appKey       ${demo.appKey}`);
    console.log(`    appSecret    ${demo.appSecret}`);
    console.log(`    masterSecret ${demo.masterSecret}`);
    console.log(`    package      ${demo.packageName ?? '(any)'}`);
  }
  console.log('Ctrl-C to stop.');

  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await server.close();
  console.log('mock-oppo stopped.');
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
