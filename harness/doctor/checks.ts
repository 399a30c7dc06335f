/**
 * The FAQ's checklist ("How can I identify the cause of failures to receive push messages?"), run
 * in its order: the certificate in the IM console, its AppKey/MasterSecret at OPPO, the app's regId,
 * the token reported after login with the right certificate ID, the user's state, OPPO's recent
 * answers and quota, the channel and the notification permission on the phone, then a test push to
 * the killed app followed to the shade. Each check passes, fails with what to fix, or is skipped
 * with why; the checks read only the probes, so the same list runs against the lab and live.
 */
import { REASONS } from '../../mock-oppo/core/reasons.ts';
import { CODES } from '../../mock-oppo/core/codes.ts';
import { parseNotificationDump } from '../scenario/shade.ts';
import { UNOBSERVABLE, type DoctorProbes, type PhoneProbe } from './probes.ts';

export type CheckStatus = 'pass' | 'fail' | 'skip';

export interface CheckResult {
  id: string;
  title: string;
  status: CheckStatus;
  /** What was found. */
  detail: string;
  /** What to do (failures; also why a check was skipped). */
  fix?: string;
}

export interface DoctorOptions {
  userId: string;
  /** The IM console certificate the app should report its token with. */
  certificateId: number;
  packageName: string;
  /** The channel pushes use when the certificate names none. */
  channelId?: string;
}

/** The app's log lines the checks read (the demo app logs what Tencent's and HeyTap's samples log). */
const LOG = {
  registered: /onRegister\b.*?(?:responseCode|code)=0\b.*?(?:registerID|regId)=(\S+)/,
  registerFailed: /onRegister\b.*?(?:responseCode|code)=(-?[1-9]\d*)/,
  loginOk: /login success user=(\S+)/,
  tokenOk: /setOfflinePushConfig success businessID=(\d+)/,
  tokenFailed: /setOfflinePushConfig failed businessID=(\d+) code=(\d+)/,
};

/** IM's code for a token reported before login, and for an unknown certificate ID. */
const TOKEN_BEFORE_LOGIN = 21005;
/** How often the test push's way to the shade is looked at. */
const POLL_MS = 1000;
const UNKNOWN_CERTIFICATE = 22001;

const pass = (id: string, title: string, detail: string): CheckResult => ({ id, title, status: 'pass', detail });
const fail = (id: string, title: string, detail: string, fix: string): CheckResult => ({ id, title, status: 'fail', detail, fix });
const skip = (id: string, title: string, detail: string): CheckResult => ({ id, title, status: 'skip', detail });

/** What OPPO's auth codes mean for the certificate. */
function authFix(code: number, certificateId: number): string {
  switch (code) {
    case CODES.INVALID_APP_KEY:
    case CODES.MISSING_APP_KEY:
      return `The AppKey of certificate ${certificateId} is not an OPPO app's: copy the AppKey from the OPPO push console into the IM console's certificate.`;
    case CODES.INVALID_SIGNATURE:
      return `The MasterSecret of certificate ${certificateId} does not match the AppKey: copy the MasterSecret (not the AppSecret) from the OPPO push console into the IM console's certificate; the edit takes effect after 10 minutes.`;
    case CODES.INVALID_TIMESTAMP:
      return "OPPO refused the timestamp: the signing server's clock is off by more than 10 minutes.";
    default:
      return `OPPO refused the credentials of certificate ${certificateId} (code ${code}); check the AppKey and MasterSecret in the IM console.`;
  }
}

function lastMatch(lines: readonly string[], pattern: RegExp): RegExpMatchArray | undefined {
  for (let i = lines.length - 1; i >= 0; i--) {
    const m = lines[i]!.match(pattern);
    if (m) return m;
  }
  return undefined;
}

async function sdkOf(phone: PhoneProbe): Promise<number> {
  return Number((await phone.shell('getprop ro.build.version.sdk')).trim()) || 0;
}

/** The channels and the notification switch of a package, from `dumpsys notification --noredact`. */
export function appNotificationSettings(dump: string, pkg: string): { found: boolean; importance?: string; channels: string[] } {
  const start = dump.indexOf(`AppSettings: ${pkg} `);
  if (start < 0) return { found: false, channels: [] };
  const next = dump.indexOf('AppSettings: ', start + 1);
  const block = dump.slice(start, next < 0 ? undefined : next);
  const importance = block.match(/importance=(\w+)/)?.[1];
  const channels = [...block.matchAll(/NotificationChannel\{mId='([^']+)'/g)].map((m) => m[1]!);
  return { found: true, ...(importance ? { importance } : {}), channels };
}

export async function runChecks(probes: DoctorProbes, options: DoctorOptions): Promise<CheckResult[]> {
  const { im, oppo, phone } = probes;
  const { userId, certificateId, packageName } = options;
  const results: CheckResult[] = [];
  const log = phone ? await phone.logcat() : [];
  const noPhone = (id: string, title: string) =>
    skip(id, title, `no phone of ${userId} was found (the user is on no phone of this ${probes.target}); log the user in on the phone, or name it with --serial`);

  // 1. The certificate in the IM console.
  const cert = await im.certificate(certificateId);
  const ids = await im.certificateIds();
  if (cert === UNOBSERVABLE) {
    results.push(skip('certificate', 'certificate in the IM console', "the IM console has no API to read certificates; OPPO authentication below checks the certificate's credentials"));
  } else if (!cert) {
    results.push(
      fail('certificate', 'certificate in the IM console', `the IM console has no OPPO certificate ${certificateId}${ids !== UNOBSERVABLE && ids.length ? ` (it has ${ids.join(', ')})` : ''}`, REASONS.no_certificate.fix),
    );
  } else if (!cert.active) {
    results.push(fail('certificate', 'certificate in the IM console', `certificate ${certificateId} is saved but not active yet (takes effect at ${new Date(cert.pendingEffectiveAt ?? 0).toISOString()})`, REASONS.certificate_inactive.fix));
  } else {
    results.push(pass('certificate', 'certificate in the IM console', `OPPO certificate ${certificateId} is active${cert.channelId ? `, channel ${cert.channelId}` : ''}${cert.pendingEffectiveAt ? `; an edit takes effect at ${new Date(cert.pendingEffectiveAt).toISOString()}` : ''}`));
  }

  // 2. Its AppKey and MasterSecret at OPPO.
  const auth = await oppo.authenticate(certificateId).catch((e: unknown) => ({ code: Number.NaN, message: (e as Error).message }));
  if (auth.code === CODES.SUCCESS) results.push(pass('oppo_auth', 'AppKey/MasterSecret authenticate at OPPO', `OPPO issued an auth token for certificate ${certificateId}'s AppKey`));
  else if (Number.isNaN(auth.code)) results.push(fail('oppo_auth', 'AppKey/MasterSecret authenticate at OPPO', `could not authenticate: ${auth.message}`, 'Check the certificate exists and OPPO is reachable.'));
  else results.push(fail('oppo_auth', 'AppKey/MasterSecret authenticate at OPPO', `OPPO refused them: code ${auth.code} ${auth.message}`, authFix(auth.code, certificateId)));

  // 3. The app obtained a regId.
  let regId: string | undefined;
  if (!phone) results.push(noPhone('regid', 'regId obtained on the phone'));
  else {
    const ok = lastMatch(log, LOG.registered);
    const failed = lastMatch(log, LOG.registerFailed);
    regId = ok?.[1];
    if (regId) results.push(pass('regid', 'regId obtained on the phone', `onRegister gave regId ${regId}`));
    else if (failed) results.push(fail('regid', 'regId obtained on the phone', `onRegister failed with code ${failed[1]}`, "Check the OPPO AppKey and AppSecret the app passes to HeytapPushManager.register, and that the phone's push service is on."));
    else results.push(fail('regid', 'regId obtained on the phone', "the app's log has no onRegister: it never registered for OPPO push", 'Call HeytapPushManager.init and then HeytapPushManager.register(context, appKey, appSecret, callback) when the app starts; report the regId from onRegister.'));
  }

  // 4. The token reported to IM after login, with the right certificate ID.
  const tokens = await im.tokens(userId);
  const failedReport = lastMatch(log, LOG.tokenFailed);
  const reportedOk = lastMatch(log, LOG.tokenOk);
  const device = tokens === UNOBSERVABLE ? undefined : (tokens.find((t) => t.deviceId === phone?.serial) ?? tokens[0]);
  const tokenTitle = 'token reported after login, with the right certificate ID';
  if (tokens !== UNOBSERVABLE && device?.token && device.businessId === certificateId) {
    if (regId && device.token !== regId) results.push(fail('token', tokenTitle, `IM holds regId ${device.token}, the app's latest is ${regId}`, REASONS.registration_id_mismatch.fix));
    else results.push(pass('token', tokenTitle, `IM holds the token for certificate ${certificateId} on ${device.deviceId}`));
  } else if (tokens !== UNOBSERVABLE && device?.token) {
    results.push(fail('token', tokenTitle, `the token was reported with certificate ID ${device.businessId}, the console's is ${certificateId}`, `Report the token with the IM console's certificate ID ${certificateId}.`));
  } else if (failedReport && Number(failedReport[2]) === UNKNOWN_CERTIFICATE) {
    results.push(fail('token', tokenTitle, `IM refused the token report: certificate ID ${failedReport[1]} is not in the IM console (code 22001)`, `Report the token with the IM console's certificate ID ${certificateId}, not ${failedReport[1]}.`));
  } else if ((tokens !== UNOBSERVABLE && device?.tokenReportedBeforeLogin) || (failedReport && Number(failedReport[2]) === TOKEN_BEFORE_LOGIN)) {
    results.push(fail('token', tokenTitle, 'the app reported its token before IM login (refused, 21005) and not again after login', REASONS.token_before_login.fix));
  } else if (tokens === UNOBSERVABLE && reportedOk) {
    const business = Number(reportedOk[1]);
    const loggedIn = lastMatch(log, LOG.loginOk);
    if (business !== certificateId) results.push(fail('token', tokenTitle, `the app reported its token with certificate ID ${business}, the console's is ${certificateId}`, `Report the token with the IM console's certificate ID ${certificateId}.`));
    else if (!loggedIn || log.indexOf(loggedIn.input!) > log.indexOf(reportedOk.input!)) results.push(fail('token', tokenTitle, 'the token report in the log came before the login', REASONS.token_before_login.fix));
    else results.push(pass('token', tokenTitle, `the app reported its token after login with certificate ${certificateId} (from its log)`));
  } else {
    results.push(fail('token', tokenTitle, tokens === UNOBSERVABLE ? "the app's log shows no successful setOfflinePushConfig" : `IM holds no push token for ${userId}`, REASONS.no_token.fix));
  }

  // 5. The user's state.
  const state = await im.userState(userId).catch((e: unknown) => e as Error);
  if (state instanceof Error) {
    results.push(fail('user_state', 'user state at IM', `IM cannot tell the state of ${userId}: ${state.message}`, 'Check the user ID; the account must be imported (account_import) and have logged in once.'));
  } else if (state === 'Offline') {
    const why = tokens !== UNOBSERVABLE && device ? ` (device ${device.deviceId}: ${device.state})` : '';
    results.push(fail('user_state', 'user state at IM', `${userId} is Offline${why}: logged-out users get no online and no offline push`, 'Log the user in on the phone; kill the app without logging out to test an offline push.'));
  } else results.push(pass('user_state', 'user state at IM', `${userId} is ${state}`));

  // 6. OPPO's recent answers and the quota.
  const answers = await im.recentOppoAnswers(userId);
  const quota = await oppo.quota(cert !== UNOBSERVABLE ? cert?.appKey : undefined);
  if (answers === UNOBSERVABLE) {
    results.push(skip('oppo_recent', "OPPO's recent answers and quota", "IM does not show OPPO's answers here; see the OPPO push console's statistics"));
  } else {
    const refused = answers.filter((a) => a.outcome !== 'accepted');
    const quotaText = quota && quota !== UNOBSERVABLE ? `; public quota ${quota.used}/${quota.limit} today` : '';
    const last = refused.at(-1);
    if (quota && quota !== UNOBSERVABLE && quota.used >= quota.limit) {
      results.push(fail('oppo_recent', "OPPO's recent answers and quota", `the app's daily public quota is spent (${quota.used}/${quota.limit})`, 'Send chat messages as private (IM) messages with the private channel, or wait for the quota to reset at midnight (GMT+8).'));
    } else if (last && answers.at(-1) === last) {
      const code = last.code ?? Number.NaN;
      const fix = code === CODES.DAILY_LIMIT ? 'The daily quota is spent: wait for midnight (GMT+8) or send as private messages.' : code === CODES.FLOW_CONTROL ? REASONS.oppo_unreachable.fix : REASONS.oppo_rejected.fix;
      results.push(fail('oppo_recent', "OPPO's recent answers and quota", `the last push to ${userId} ended ${last.outcome}${last.code === undefined ? '' : ` with code ${last.code}`}${last.message ? ` (${last.message})` : ''}${quotaText}`, fix));
    } else {
      results.push(pass('oppo_recent', "OPPO's recent answers and quota", `${answers.length} recent push(es) to ${userId}, ${refused.length} refused${quotaText}`));
    }
  }

  // 7. and 8. The channel and the notification permission on the phone.
  if (!phone) {
    results.push(noPhone('channel', 'notification channel on the phone'), noPhone('permission', 'notification permission on the phone'));
  } else {
    const sdk = await sdkOf(phone);
    const settings = appNotificationSettings(await phone.shell('dumpsys notification --noredact'), packageName);
    const channel = (cert !== UNOBSERVABLE ? cert?.channelId : undefined) ?? options.channelId;
    if (sdk < 26) results.push(pass('channel', 'notification channel on the phone', `Android API ${sdk} has no channels`));
    else if (!channel) results.push(skip('channel', 'notification channel on the phone', 'no channel to look for: the certificate names none; pass --channel'));
    else if (settings.channels.includes(channel)) results.push(pass('channel', 'notification channel on the phone', `${packageName} has channel ${channel}`));
    else {
      const has = settings.channels.length ? ` (it has ${settings.channels.join(', ')})` : '';
      results.push(fail('channel', 'notification channel on the phone', `${packageName} never created channel ${channel}${has}; Android ${sdk >= 26 ? '8+' : ''} drops pushes to it`, REASONS.channel_missing.fix));
    }
    let granted: boolean;
    if (sdk >= 33) granted = /android\.permission\.POST_NOTIFICATIONS: granted=true/.test(await phone.shell(`dumpsys package ${packageName}`));
    else granted = settings.found && settings.importance !== 'NONE';
    if (granted) results.push(pass('permission', 'notification permission on the phone', `notifications of ${packageName} are allowed`));
    else results.push(fail('permission', 'notification permission on the phone', `notifications of ${packageName} are off`, REASONS.notification_permission_off.fix));
  }

  // 9. A test push to the killed app, followed to the shade.
  results.push(await testPush(probes, options));
  return results;
}

async function testPush(probes: DoctorProbes, options: DoctorOptions): Promise<CheckResult> {
  const { im, phone } = probes;
  const title = 'a test push to the killed app reaches the shade';
  if (!phone) return skip('test_push', title, `no phone of ${options.userId} to follow the push to`);
  await phone.shell(`am force-stop ${options.packageName}`);
  const text = `push-lab doctor test ${Date.now().toString(36)}`;
  let msgKey: string;
  try {
    msgKey = await im.sendTest(options.userId, text);
  } catch (err) {
    return fail('test_push', title, `IM refused the test message: ${(err as Error).message}`, 'Check that the user exists in IM (account_import) and the admin may send.');
  }
  const shown = async () => parseNotificationDump(await phone.shell('dumpsys notification --noredact')).some((r) => r.packageName === options.packageName && r.text === text);
  const deadline = (await probes.now()) + probes.withinMs;
  let where = await im.whereItStopped(msgKey, options.userId, phone.serial);
  while (!(await shown())) {
    if (where !== UNOBSERVABLE && !where.pending) return fail('test_push', title, `the test push (MsgKey ${msgKey}) did not show:\n${where.text}`, 'Fix the first failed check above; the reason says which hop dropped it.');
    if ((await probes.now()) >= deadline) {
      const said = where === UNOBSERVABLE ? '' : `:\n${where.text}`;
      return fail('test_push', title, `the test push (MsgKey ${msgKey}) was not in the shade within ${Math.round(probes.withinMs / 1000)} s${said}`, 'Fix the failed checks above; if all pass, send a test from the OPPO push console to rule out the device.');
    }
    await probes.pause(POLL_MS);
    where = await im.whereItStopped(msgKey, options.userId, phone.serial);
  }
  return pass('test_push', title, `"${text}" showed in the shade of ${phone.serial} (MsgKey ${msgKey})`);
}
