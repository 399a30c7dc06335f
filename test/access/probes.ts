/**
 * Every control surface of a lab, one call each (state-changing ones and reads), and a snapshot of
 * the state those calls would change, read through the same APIs. The access tests send the calls
 * the way an intruder would and check that the snapshot did not move.
 */
import { genUserSig } from '../../harness/im/usersig.ts';
import { authSign } from '../../mock-oppo/core/sign.ts';
import { tokenHeaders } from '../../mock-oppo/access/client.ts';
import imApp from '../../fixtures/im-app.json' with { type: 'json' };
import oppoApps from '../../fixtures/oppo-apps.json' with { type: 'json' };
import { send, type RawReply } from './http.ts';

export interface LabUrls {
  oppo: string;
  im: string;
  lab: string;
}

export interface Probe {
  service: keyof LabUrls;
  method: string;
  path: string;
  body?: unknown;
}

const DEMO_PACKAGE = 'com.tencent.qcloud.tim.demo';

/** One call per control route family; `serial` is a phone of the lab (the DELETE shuts it down, so it is last). */
export function controlProbes(serial: string): Probe[] {
  return [
    { service: 'oppo', method: 'POST', path: '/_mock/v1/faults', body: { preset: 'flow_control', endpoint: 'unicast', times: 1 } },
    { service: 'oppo', method: 'POST', path: '/_mock/v1/clock', body: { advance: '1h' } },
    { service: 'oppo', method: 'POST', path: '/_mock/v1/registrations', body: { deviceId: 'intruder' } },
    { service: 'oppo', method: 'GET', path: '/_mock/v1/journal' },
    // Pages and totals (exact counts at any volume): reads a query string does not open.
    { service: 'oppo', method: 'GET', path: '/_mock/v1/journal?endpoint=auth&limit=1&offset=0' },
    { service: 'oppo', method: 'GET', path: '/_mock/v1/messages?limit=1&offset=1' },
    { service: 'oppo', method: 'GET', path: '/_mock/v1/receipts?limit=1' },
    { service: 'oppo', method: 'GET', path: '/_mock/v1/totals' },
    { service: 'oppo', method: 'POST', path: '/_mock/v1/reset' },
    { service: 'im', method: 'PATCH', path: '/_im/v1/console/certificates/7005', body: { channelId: 'marketing' } },
    { service: 'im', method: 'POST', path: '/_im/v1/usersig', body: { userId: 'administrator' } },
    { service: 'im', method: 'GET', path: '/_im/v1/sessions' },
    { service: 'im', method: 'POST', path: '/_im/v1/reset' },
    { service: 'lab', method: 'POST', path: '/_lab/v1/reset' },
    { service: 'lab', method: 'GET', path: '/_lab/v1/adb' },
    { service: 'lab', method: 'DELETE', path: '/_lab/v1/adb' },
    { service: 'lab', method: 'POST', path: '/_lab/v1/adb', body: {} },
    { service: 'lab', method: 'POST', path: '/_lab/v1/clock/advance', body: { by: '1h' } },
    { service: 'lab', method: 'GET', path: '/_lab/v1/phones' },
    { service: 'lab', method: 'POST', path: '/_lab/v1/phones', body: {} },
    { service: 'lab', method: 'POST', path: `/_lab/v1/phones/${serial}/activate-app`, body: { packageName: DEMO_PACKAGE } },
    { service: 'lab', method: 'POST', path: `/_lab/v1/phones/${serial}/network`, body: { on: false } },
    { service: 'lab', method: 'DELETE', path: `/_lab/v1/phones/${serial}` },
  ];
}

export function isStateChanging(probe: Probe): boolean {
  return probe.method !== 'GET';
}

export function sendProbe(urls: LabUrls, probe: Probe, headers: Record<string, string> = {}): Promise<RawReply> {
  return send(urls[probe.service], probe.method, probe.path, { headers, ...(probe.body !== undefined ? { body: probe.body } : {}) });
}

async function read(base: string, path: string, token: string | undefined): Promise<unknown> {
  const reply = await send(base, 'GET', path, { headers: tokenHeaders(token) });
  if (reply.status !== 200) throw new Error(`snapshot GET ${path}: ${reply.status} ${reply.text}`);
  return reply.json();
}

/** State a reset would undo (a fault, a certificate edit, an app in front), so a refused reset shows in the snapshot. */
export async function seed(urls: LabUrls, serial: string, token?: string): Promise<void> {
  const calls: Probe[] = [
    { service: 'oppo', method: 'POST', path: '/_mock/v1/faults', body: { preset: 'flow_control', endpoint: 'broadcast', times: 5 } },
    { service: 'im', method: 'PATCH', path: '/_im/v1/console/certificates/7005', body: { channelId: 'marketing' } },
    { service: 'lab', method: 'POST', path: `/_lab/v1/phones/${serial}/activate-app`, body: { packageName: DEMO_PACKAGE } },
  ];
  for (const call of calls) {
    const reply = await sendProbe(urls, call, tokenHeaders(token));
    if (reply.status >= 300) throw new Error(`seed ${call.method} ${call.path}: ${reply.status} ${reply.text}`);
  }
}

/** What the probes would change: faults, clocks, registrations, certificates, phones, the phone's foreground app. */
export async function snapshot(urls: LabUrls, serial: string, token?: string): Promise<Record<string, unknown>> {
  const registrations = (await read(urls.oppo, '/_mock/v1/registrations', token)) as unknown[];
  const phones = (await read(urls.lab, '/_lab/v1/phones', token)) as { value: Array<{ serial: string }> };
  return {
    faults: await read(urls.oppo, '/_mock/v1/faults', token),
    oppoClock: ((await read(urls.oppo, '/_mock/v1/clock', token)) as { now: number }).now,
    registrations: registrations.length,
    certificates: await read(urls.im, '/_im/v1/console/certificates', token),
    labClock: await read(urls.lab, '/_lab/v1/clock', token),
    phones: phones.value.map((p) => p.serial),
    adb: await read(urls.lab, '/_lab/v1/adb', token),
    foreground: phones.value.some((p) => p.serial === serial) ? await read(urls.lab, `/_lab/v1/phones/${serial}/current-package`, token) : null,
    networks: phones.value.some((p) => p.serial === serial) ? ((await read(urls.lab, `/_lab/v1/phones/${serial}/device-info`, token)) as { value: { networks: unknown[] } }).value.networks.length : null,
  };
}

/** OPPO's auth and IM's REST with their own real credentials (the fixtures'): no lab token. */
export async function serverApisAnswer(urls: LabUrls, headers: Record<string, string> = {}, now = Date.now()): Promise<{ oppoCode: number; imStatus: string }> {
  const app = oppoApps[0]!;
  const form = new URLSearchParams({ app_key: app.appKey, timestamp: String(now), sign: authSign(app.appKey, now, app.masterSecret) }).toString();
  const auth = await send(urls.oppo, 'POST', '/server/v1/auth', { headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' }, body: form });
  const usersig = genUserSig({ sdkAppId: imApp.sdkAppId, secretKey: imApp.secretKey, userId: imApp.admin, now });
  const q = new URLSearchParams({ sdkappid: String(imApp.sdkAppId), identifier: imApp.admin, usersig, random: '1', contenttype: 'json' });
  const rest = await send(urls.im, 'POST', `/v4/im_open_login_svc/account_import?${q}`, { headers, body: { UserID: 'probe_user' } });
  return { oppoCode: auth.json<{ code: number }>().code, imStatus: rest.json<{ ActionStatus: string }>().ActionStatus };
}
