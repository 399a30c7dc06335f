/**
 * The last spec file of the one run (test/run/one-run.test.ts): sends one push, then fails on purpose so
 * the run writes a push-funnel report, and dumps every journal the lab keeps (OPPO requests, IM
 * traces and sessions, phone logcats) into the run's reports, where one-run.test.ts greps them.
 */
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { multiremotebrowser } from '@wdio/globals';
import { openScenario, expectNotification, type Scenario } from '../../harness/scenario/index.ts';
import { readLabEnv } from '../../harness/scenario/lab-env.ts';
import { REPORTS_DIR } from '../../harness/reports/model.ts';
import { controlInit } from '../../mock-oppo/access/client.ts';
import { DELIBERATE_FAILURE } from './deliberate.ts';


describe('secrets run: the last spec file', () => {
  let s: Scenario;

  before(async () => {
    s = await openScenario('secrets', multiremotebrowser);
  });

  after(async () => {
    const lab = readLabEnv();
    const get = async (base: string, path: string) => (await fetch(`${base}${path}`, controlInit('GET', lab))).json();
    const phones = ((await get(lab.lab, '/_lab/v1/phones')) as { value: Array<{ serial: string }> }).value;
    const state: Record<string, unknown> = {
      oppoJournal: await get(lab.oppo, '/_mock/v1/journal'),
      oppoMessages: await get(lab.oppo, '/_mock/v1/messages'),
      oppoRegistrations: await get(lab.oppo, '/_mock/v1/registrations'),
      oppoReceipts: await get(lab.oppo, '/_mock/v1/receipts'),
      oppoApps: await get(lab.oppo, '/_mock/v1/apps'),
      imTraces: await get(lab.im, '/_im/v1/traces'),
      imSessions: await get(lab.im, '/_im/v1/sessions'),
      imSessionJournal: await get(lab.im, '/_im/v1/sessions/journal'),
      imCertificates: await get(lab.im, '/_im/v1/console/certificates'),
      imSettings: await get(lab.im, '/_im/v1/settings'),
      lab: await get(lab.lab, '/_lab/v1'),
    };
    // The joined trace of every message IM pushed (what `s.lab.trace` and the reports show).
    const msgKeys = new Set(((state.imTraces as { traces: Array<{ msgKey: string }> }).traces ?? []).map((trace) => trace.msgKey));
    for (const msgKey of msgKeys) state[`trace ${msgKey}`] = await get(lab.lab, `/_lab/v1/traces/${encodeURIComponent(msgKey)}`);
    for (const { serial } of phones) {
      state[`logcat ${serial}`] = await get(lab.lab, `/_lab/v1/phones/${serial}/logcat`);
      state[`shade ${serial}`] = await get(lab.lab, `/_lab/v1/phones/${serial}/notifications`);
    }
    await mkdir(join(REPORTS_DIR, 'state'), { recursive: true });
    await writeFile(join(REPORTS_DIR, 'state', 'lab.json'), JSON.stringify(state, null, 2));
    await s?.close();
  });

  it('pushes to a killed app, then fails on purpose', async () => {
    const alice = await s.user('alice', 'Alice');
    const bob = await s.user('bob', 'Bob');
    const phone = s.phone();
    await phone.login(bob);
    await phone.kill('process-death');
    const sent = await s.im.sendText(alice, bob, 'secrets run', { Ext: JSON.stringify({ conv: 'c2c_alice' }) });
    await expectNotification(phone, { title: 'Alice', text: 'secrets run' }, { sent, within: '1m' });
    assert.fail(DELIBERATE_FAILURE);
  });
});
