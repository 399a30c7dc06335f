/** Shared helpers for the mock-oppo tests: a deterministic mock, signed auth, form posts. */
import { VirtualClock } from '../../mock-oppo/core/clock.ts';
import { createMockOppo, authSign, demoApp, type AppConfig, type MockOppo, type MockSettings, type ReceiptBody } from '../../mock-oppo/index.ts';

export const T0 = Date.UTC(2026, 0, 15, 4, 0, 0);
export const DEMO = demoApp();
export const TEST_APP: AppConfig = {
  appId: '30000002',
  appKey: 'testappkey000000000000000000000a',
  appSecret: 'testappsecret0000000000000000000',
  masterSecret: 'testmastersecret0000000000000000',
  packageName: 'com.example.testapp',
  permission: 'test',
};

export interface Lab {
  mock: MockOppo;
  clock: VirtualClock;
  receipts: Array<{ url: string; body: ReceiptBody[] }>;
}

/** A mock on a frozen clock at T0 whose receipts are recorded in memory. */
export function makeLab(settings: Partial<MockSettings> = {}, apps: AppConfig[] = [DEMO, TEST_APP]): Lab {
  const clock = new VirtualClock({ start: T0 });
  const receipts: Lab['receipts'] = [];
  const mock = createMockOppo({
    clock,
    apps,
    settings,
    receiptSender: async (url, body) => void receipts.push({ url, body: body as ReceiptBody[] }),
  });
  return { mock, clock, receipts };
}

export function authForm(app: { appKey: string; masterSecret: string }, timestamp: number): Record<string, string> {
  return { app_key: app.appKey, timestamp: String(timestamp), sign: authSign(app.appKey, timestamp, app.masterSecret) };
}

export interface Reply {
  status: number;
  body: any;
}

/** POSTs a form to a base URL (real HTTP or an msw-intercepted host). */
export async function postForm(base: string, path: string, form: Record<string, string>, headers: Record<string, string> = {}): Promise<Reply> {
  const res = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(form).toString(),
  });
  const text = await res.text();
  return { status: res.status, body: text.startsWith('{') || text.startsWith('[') ? JSON.parse(text) : text };
}

/** Authenticates in-process (no HTTP) and returns the token. */
export function tokenFor(mock: MockOppo, app: { appKey: string; masterSecret: string } = DEMO, region: 'CN' | 'INTL' = 'CN'): string {
  const ts = String(mock.clock.now());
  return mock.platform.authenticate(region, app.appKey, ts, authSign(app.appKey, ts, app.masterSecret)).authToken;
}

/** A unicast `message` form value. */
export function unicastMessage(target: string, notification: Record<string, unknown> = {}, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ target_type: 2, target_value: target, notification: { title: 'Hello', content: 'World', ...notification }, ...extra });
}
