/** Shared by the lab tests: a lab on a frozen clock with one phone whose app logged in as `bob`. */
import type { TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { VirtualClock } from '../../mock-oppo/core/clock.ts';
import { startLab, type Lab } from '../../harness/lab/lab.ts';
import type { VirtualPhone } from '../../harness/phone/phone.ts';

export const START = Date.UTC(2026, 0, 5, 8, 0, 0);

/** Logs the demo app in through its deep link, as `am start -d 'timdemo://login?userId=…'` does. */
export async function loginByDeepLink(phone: VirtualPhone, userId: string): Promise<void> {
  const out = await phone.shell(`am start -W -a android.intent.action.VIEW -d 'timdemo://login?userId=${userId}'`);
  assert.match(out.stdout, /Status: ok/);
}

export async function labWithLoggedInPhone(t: TestContext): Promise<{ lab: Lab; phone: VirtualPhone }> {
  const lab = await startLab({ clock: new VirtualClock({ start: START }), phones: 1 });
  t.after(() => lab.stop());
  const phone = lab.farm.list()[0]!;
  await loginByDeepLink(phone, 'bob');
  await lab.farm.syncAll();
  return { lab, phone };
}
