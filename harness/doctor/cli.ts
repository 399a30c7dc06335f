/**
 * `push-lab doctor --user <id>`: the FAQ's checklist for one user, against a running lab (the lab's
 * URL from --lab or E2E_LAB_URL) or, with --live, against Tencent IM, OPPO PUSH and a phone over
 * adb with the `live` profile's settings. Prints each check with what to fix (or JSON with --json);
 * exits 1 when a check failed, 2 on a usage error.
 */
import { parseDuration } from '../../mock-oppo/core/clock.ts';
import { MockOppoControl } from '../../mock-oppo/control-client.ts';
import type { ClientAccess } from '../../mock-oppo/access/client.ts';
import { readCliArgs, tokenFromCli } from '../../mock-oppo/transport/cli-args.ts';
import { genUserSig } from '../im/usersig.ts';
import { LAB_TOKEN_ENV } from '../lab/access.ts';
import { DEMO_APP } from '../scenario/apps/tim-demo.ts';
import { ImConsoleClient, ImConsoleError } from '../scenario/im-console.ts';
import { ImRestClient } from '../scenario/im-rest.ts';
import { LabClient } from '../scenario/lab-client.ts';
import { LAB_ENV } from '../scenario/lab-env.ts';
import { IM_SECRET_KEY_ENV, ProfileError, resolveProfile } from '../scenario/profiles.ts';
import { runChecks, type CheckResult, type DoctorOptions } from './checks.ts';
import { labProbes, type LabClients } from './lab-probes.ts';
import type { DoctorProbes } from './probes.ts';

const HELP = `Usage: npx push-lab doctor --user <id> [options]

Runs the push FAQ's checklist for one user, in its order, and says what to fix:
certificate in the IM console, its AppKey/MasterSecret at OPPO, the app's regId, the token
reported after login with the right certificate ID, the user's state, OPPO's recent answers
and quota, the notification channel and permission on the phone, then a test push to the
killed app followed to the shade.

Options:
  --user <id>          the IM user whose pushes do not arrive (required)
  --lab <url>          the lab's URL (default $${LAB_ENV.lab}; \`npx push-lab start\` prints it)
  --token <t>          the lab token, for a lab off loopback or started with one (or $${LAB_TOKEN_ENV})
  --live               check the real services instead, with the live profile's settings
                       (TIM_SDKAPPID, TIM_SECRET_KEY, OPPO_APP_KEY, OPPO_MASTER_SECRET, E2E_UDID)
  --serial <serial>    the phone (default: the lab phone the user last logged in on; live: E2E_UDID)
  --package <name>     the app (default ${DEMO_APP.packageName})
  --certificate <id>   the IM console certificate ID (default: the lab console's only one; required with --live)
  --channel <id>       the channel to look for when the certificate names none
  --within <duration>  how long the test push may take (default 1m; the lab moves its virtual clock)
  --json               print the results as JSON
  --help               show this help

Exit code: 0 every check passed or was skipped, 1 a check failed, 2 a usage error.`;

const MARK: Record<CheckResult['status'], string> = { pass: 'PASS', fail: 'FAIL', skip: 'SKIP' };

export function formatResults(results: readonly CheckResult[], header: string): string {
  const lines = [header, ''];
  for (const r of results) {
    lines.push(`${MARK[r.status]}  ${r.title}`);
    for (const line of r.detail.split('\n')) lines.push(`      ${line}`);
    if (r.fix) lines.push(`      fix: ${r.fix}`);
  }
  const count = (s: CheckResult['status']) => results.filter((r) => r.status === s).length;
  lines.push('', `${count('pass')} passed, ${count('fail')} failed, ${count('skip')} skipped`);
  return lines.join('\n');
}

/**
 * The admin's UserSig for the lab's IM REST API: minted by the lab, or — when the lab mints none
 * (its IM key is not the fixtures', so `/_im/v1/usersig` is off) — signed here with TIM_SECRET_KEY.
 */
async function adminUserSig(console: ImConsoleClient, lab: LabClient, app: { sdkAppId: number; admin: string }): Promise<string> {
  try {
    return (await console.userSig(app.admin)).userSig;
  } catch (err) {
    if (!(err instanceof ImConsoleError && err.code === 'usersig_disabled')) throw err;
    const secretKey = process.env[IM_SECRET_KEY_ENV]?.trim();
    if (!secretKey) throw new Error(`the lab mints no UserSigs (its IM secret key is not the fixtures' test key): give that key in ${IM_SECRET_KEY_ENV} and the doctor signs the admin's UserSig itself`);
    return genUserSig({ sdkAppId: app.sdkAppId, secretKey, userId: app.admin, now: await lab.now() });
  }
}

async function labClients(labUrl: string, access: ClientAccess): Promise<LabClients> {
  const lab = new LabClient(labUrl, access);
  const services = await lab.services();
  const url = (name: string) => {
    const found = services.find((s) => s.name === name)?.url;
    if (!found) throw new Error(`the lab at ${labUrl} runs no ${name}`);
    return found;
  };
  const console = new ImConsoleClient(url('im'), access);
  const app = await console.app();
  const userSig = await adminUserSig(console, lab, app);
  return { labUrl, access, lab, console, rest: new ImRestClient({ baseUrl: url('im'), sdkAppId: app.sdkAppId, admin: app.admin, userSig: () => userSig }), oppo: new MockOppoControl(url('mock-oppo'), access) };
}

export async function runDoctor(argv: string[]): Promise<number> {
  const args = readCliArgs(
    {
      user: { type: 'string' },
      lab: { type: 'string' },
      token: { type: 'string' },
      live: { type: 'boolean' },
      serial: { type: 'string' },
      package: { type: 'string' },
      certificate: { type: 'string' },
      channel: { type: 'string' },
      within: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean' },
    } as const,
    HELP,
    argv,
  );
  if ('exit' in args) return args.exit;
  const { values } = args;
  const usage = (message: string) => (console.error(`${message}\n\n${HELP}`), 2);
  if (!values.user) return usage('give --user <id>: the IM user whose pushes do not arrive');
  let withinMs: number;
  try {
    withinMs = parseDuration(values.within ?? '1m');
  } catch (err) {
    return usage(`--within: ${(err as Error).message}`);
  }
  const certificate = values.certificate === undefined ? undefined : Number(values.certificate);
  if (certificate !== undefined && !(Number.isInteger(certificate) && certificate > 0)) return usage(`--certificate takes a positive whole number, got '${values.certificate}'`);

  let probes: DoctorProbes;
  let certificateId: number;
  let where: string;
  if (values.live) {
    let profile;
    try {
      profile = resolveProfile({ ...process.env, E2E_PROFILE: 'live', ...(values.serial ? { E2E_UDID: values.serial } : {}) });
    } catch (err) {
      if (err instanceof ProfileError) return usage(err.message);
      throw err;
    }
    if (profile.backend.kind !== 'live') return usage('the live profile has no live backend');
    if (certificate === undefined) return usage('with --live give --certificate <id>: the IM console certificate the app reports its token with');
    const serial = String(profile.phones.phoneA['appium:udid'] ?? '');
    const adbPort = Number(process.env.ANDROID_ADB_SERVER_PORT) || undefined;
    const { liveProbes } = await import('./live-probes.ts');
    probes = liveProbes({ im: profile.backend.im, oppo: profile.backend.oppo, serial, ...(adbPort ? { adbPort } : {}) }, withinMs);
    certificateId = certificate;
    where = `Tencent IM ${profile.backend.im.url}, OPPO PUSH, phone ${serial} over adb`;
  } else {
    const labUrl = values.lab ?? process.env[LAB_ENV.lab];
    if (!labUrl) return usage(`give --lab <url> (or set ${LAB_ENV.lab}), or --live for the real services`);
    const token = tokenFromCli(values.token, LAB_TOKEN_ENV);
    if (typeof token === 'number') return token;
    let clients: LabClients;
    try {
      clients = await labClients(labUrl, { token });
    } catch (err) {
      console.error(`push-lab doctor: cannot reach the lab at ${labUrl}: ${(err as Error).message}`);
      return 2;
    }
    probes = await labProbes(clients, values.user, { ...(values.serial ? { serial: values.serial } : {}), withinMs });
    const ids = await probes.im.certificateIds();
    certificateId = certificate ?? (Array.isArray(ids) && ids.length === 1 ? ids[0]! : Number.NaN);
    if (Number.isNaN(certificateId)) return usage(`the lab's IM console has certificates ${Array.isArray(ids) ? ids.join(', ') : '?'}: pick one with --certificate`);
    where = `lab ${labUrl}${probes.phone ? `, phone ${probes.phone.serial}` : ''}`;
  }
  const options: DoctorOptions = { userId: values.user, certificateId, packageName: values.package ?? DEMO_APP.packageName, ...(values.channel ? { channelId: values.channel } : {}) };
  const results = await runChecks(probes, options);
  const ok = results.every((r) => r.status !== 'fail');
  if (values.json) console.log(JSON.stringify({ user: options.userId, target: probes.target, phone: probes.phone?.serial ?? null, certificateId, ok, checks: results }, null, 2));
  else console.log(formatResults(results, `push-lab doctor: ${options.userId} (certificate ${certificateId}) — ${where}`));
  return ok ? 0 : 1;
}
