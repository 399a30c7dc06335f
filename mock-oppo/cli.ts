#!/usr/bin/env node
/**
 * `npm run mock-oppo`: the standalone mock on loopback. Prints the base URL (and the demo app's
 * credentials when no --apps file is given) and serves until SIGINT/SIGTERM.
 */
import { readFile } from 'node:fs/promises';
import { MOCK_TOKEN_ENV } from './access/client.ts';
import { parseAppsFile, type AppConfig } from './core/apps.ts';
import { parseRetention, type MockSettings } from './core/settings.ts';
import { describeToken, portInUseMessage, readCliArgs, tokenFromCli, untilStopSignal } from './transport/cli-args.ts';
import { readSettings, SETTINGS_FLAGS } from './transport/settings-args.ts';

const HELP = `Usage: npm run mock-oppo -- [options]
       npm run mock-oppo -- contract record|verify ...   (the contract check; contract --help)

A stateful fake of the OPPO PUSH platform (server API, device link, control API).

Options:
  --port <n>       port to listen on (default 0 = any free port)
  --host <addr>    address to bind (default 127.0.0.1); any other address makes the
                   control API need a token (generated and printed once unless given)
  --token <t>      the control API's token, also on loopback (or ${MOCK_TOKEN_ENV}; 16+ chars)
  --allow-host <name>  a Host name a loopback mock also answers (repeatable; a tunnel's name)
  --apps <file>    JSON array of apps, each at least {"appId","appKey","appSecret","masterSecret"};
                   replaces the built-in demo app (their secrets are never printed)
  --settings <file>  JSON object of named settings (see README "Settings"), e.g. {"tokenTtlMs":60000}
  --set <name=value> one setting (repeatable; applied after --settings), e.g. --set legacyTargetType3=alias;
                   the value is read as JSON when it parses, else as a string
  --retention <n>  messages kept for the control API's list (default 10000; the setting
                   messageRetention); the totals (GET /_mock/v1/totals) count every message whatever this is
  --help           show this help

Docs: mock-oppo/README.md`;

async function main(): Promise<number> {
  if (process.argv[2] === 'contract') return (await import('./contract/cli.ts')).contractMain(process.argv.slice(3));
  const args = readCliArgs({
    port: { type: 'string' }, host: { type: 'string' }, apps: { type: 'string' }, ...SETTINGS_FLAGS, retention: { type: 'string' },
    token: { type: 'string' }, 'allow-host': { type: 'string', multiple: true }, help: { type: 'boolean' },
  } as const, HELP);
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

  let settings: Partial<MockSettings>;
  try {
    settings = await readSettings(values.settings, values.set ?? []);
  } catch (err) {
    console.error((err as Error).message);
    return 2;
  }
  const token = tokenFromCli(values.token, MOCK_TOKEN_ENV);
  if (typeof token === 'number') return token;

  if (retention !== undefined) settings.messageRetention = retention;
  // Loaded once the arguments are good, so a usage error answers without loading the platform.
  const { createMockOppo } = await import('./index.ts');
  const mock = createMockOppo({ ...(apps ? { apps } : {}), settings });
  let server: Awaited<ReturnType<typeof mock.listen>>;
  try {
    server = await mock.listen({ port, host: values.host ?? '127.0.0.1', ...(token ? { token } : {}), allowedHosts: values['allow-host'] ?? [] });
  } catch (err) {
    const inUse = portInUseMessage(err, 'mock-oppo');
    if (!inUse) throw err;
    console.error(`${inUse} (--port)`);
    return 2;
  }
  // Listening before the ready lines: whoever reads them may press Ctrl-C at once.
  const stopped = untilStopSignal();
  console.log(`mock-oppo listening on ${server.url}`);
  console.log(`  server API   ${server.url}/server/v1/...   (intl: ${server.url}/intl/server/v1/...)`);
  console.log(`  control API  ${server.url}/_mock/v1/...`);
  console.log(`  device link  ${server.url.replace(/^http/, 'ws')}/_device/v1/link`);
  const tokenLine = describeToken(server.token, token, MOCK_TOKEN_ENV);
  if (tokenLine) console.log(`  token        ${tokenLine}`);
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

  await stopped;
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
