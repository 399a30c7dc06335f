/**
 * A lab on loopback, as a browser on the same machine could reach it: a page that DNS-rebinds its
 * own name to 127.0.0.1 (foreign Host) and a cross-site page (foreign Origin) are refused on every
 * control surface with nothing changed; the server APIs and the lab's own tools work unchanged.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VirtualClock } from '../../mock-oppo/core/clock.ts';
import { startLab } from '../../harness/lab/lab.ts';
import { CLIENT_LINK_PATH } from '../../harness/im/client-link/protocol.ts';
import { DEVICE_LINK_PATH } from '../../mock-oppo/device-link/protocol.ts';
import { upgradeStatus } from './http.ts';
import { controlProbes, isStateChanging, sendProbe, seed, serverApisAnswer, snapshot } from './probes.ts';

const START = Date.UTC(2026, 2, 1, 9, 0, 0);

test('loopback lab: foreign Host and foreign Origin are refused on every control surface, nothing changes; our own calls and the server APIs work', async (t) => {
  const lab = await startLab({ clock: new VirtualClock({ start: START }), phones: 1 });
  t.after(() => lab.stop());
  const urls = { oppo: lab.oppo.url, im: lab.im.url, lab: lab.url };
  const serial = lab.farm.list()[0]!.serial;
  const probes = controlProbes(serial);
  assert.equal(lab.access.token, undefined, 'a loopback lab needs no token');
  await seed(urls, serial);
  const before = await snapshot(urls, serial);

  for (const probe of probes) {
    const rebound = await sendProbe(urls, probe, { host: `attacker.example:${new URL(urls[probe.service]).port}` });
    assert.equal(rebound.status, 403, `${probe.method} ${probe.path} with a foreign Host`);
    assert.match(rebound.text, /forbidden_host/);
    if (!isStateChanging(probe)) continue;
    const crossSite = await sendProbe(urls, probe, { origin: 'http://attacker.example', 'content-type': 'text/plain' });
    assert.equal(crossSite.status, 403, `${probe.method} ${probe.path} from a foreign Origin`);
    assert.match(crossSite.text, /forbidden_origin/);
    assert.equal(crossSite.json<{ userSig?: string }>().userSig, undefined);
  }
  assert.deepEqual(await snapshot(urls, serial), before, 'the refused calls changed nothing');

  // Browsers cannot open the device links from another origin either; our clients (no Origin) can.
  const ws = (base: string, path: string) => `${base.replace(/^http/, 'ws')}${path}`;
  assert.equal(await upgradeStatus(ws(urls.oppo, DEVICE_LINK_PATH), 'http://attacker.example'), 403);
  assert.equal(await upgradeStatus(ws(urls.im, CLIENT_LINK_PATH), 'http://attacker.example'), 403);
  assert.equal(await upgradeStatus(ws(urls.oppo, DEVICE_LINK_PATH)), 101);
  assert.equal(await upgradeStatus(ws(urls.im, CLIENT_LINK_PATH)), 101);

  // The server APIs keep only their own auth: a backend behind any Host or Origin calls them unchanged.
  assert.deepEqual(await serverApisAnswer(urls, { host: 'api.push.oppomobile.com', origin: 'http://backend.example' }, lab.clock.now()), { oppoCode: 0, imStatus: 'OK' });

  // The same calls without the intruder's headers are real calls that do change the lab.
  for (const probe of probes) {
    const reply = await sendProbe(urls, probe);
    assert.ok(reply.status >= 200 && reply.status < 300, `${probe.method} ${probe.path}: ${reply.status} ${reply.text}`);
  }
  assert.notDeepEqual(await snapshot(urls, serial), before);
});
