/** Shared set-up for the IM tests: a server on a frozen clock, REST and link helpers, a scripted OPPO. */
import type { TestContext } from 'node:test';
import { VirtualClock } from '../../mock-oppo/core/clock.ts';
import { createImServer, defaultImApp, genUserSig, ImClientLink, type DeviceState, type ImServer, type ImServerOptions } from '../../harness/im/index.ts';

export const START = Date.UTC(2026, 0, 5, 8, 0, 0);
export const IM_APP = defaultImApp();
export const CERT_ID = 7005;

export interface OppoCall {
  path: string;
  form: URLSearchParams;
}

/** A scripted OPPO: `answer` may return a custom JSON body (or a Response) per call, else success. */
export function scriptedOppo(answer: (call: OppoCall, index: number) => unknown = () => undefined) {
  const calls: OppoCall[] = [];
  const fetchFn = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(String(input));
    const call = { path: url.pathname, form: new URLSearchParams(String(init?.body ?? '')) };
    calls.push(call);
    const custom = answer(call, calls.length - 1);
    if (custom instanceof Response) return custom;
    if (custom instanceof Error) throw custom;
    const messageId = (k: number) => `30123456-1-1-${String(calls.length).padStart(20, '0')}${String(k).padStart(4, '0')}`;
    const body =
      custom ??
      (call.path.endsWith('/auth')
        ? { code: 0, message: 'success', data: { auth_token: `token-${calls.length}`, create_time: START } }
        : call.path.endsWith('/unicast_batch')
          ? { code: 0, message: '', data: (JSON.parse(call.form.get('messages')!) as unknown[]).map((_, k) => ({ messageId: messageId(k) })) }
          : { code: 0, message: '', data: { messageId: messageId(0) } });
    return new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });
  }) as typeof fetch;
  return {
    fetch: fetchFn,
    calls,
    /** Every message pushed, whether alone (`unicast`) or in a `unicast_batch` call (IM batches a message's pushes). */
    unicasts: () =>
      calls.flatMap((c) => (c.path.endsWith('/unicast') ? [JSON.parse(c.form.get('message')!)] : c.path.endsWith('/unicast_batch') ? JSON.parse(c.form.get('messages')!) : []) as Array<{ target_value: string; notification: Record<string, unknown> }>),
  };
}

export interface ImHarness {
  clock: VirtualClock;
  server: ImServer;
  url: string;
  oppo: ReturnType<typeof scriptedOppo>;
  sig(userId: string, expireSeconds?: number): string;
  rest(command: string, body: unknown, query?: Record<string, string>): Promise<Record<string, any>>;
  /** A logged-in Android device; `token` reports a regId for certificate 7005 after login. */
  device(userId: string, deviceId: string, opts?: { token?: string | false }): Promise<ImClientLink>;
  send(to: string, body: Record<string, unknown>): Promise<Record<string, any>>;
}

export async function startIm(t: TestContext, opts: Partial<ImServerOptions> & { answer?: Parameters<typeof scriptedOppo>[0] } = {}): Promise<ImHarness> {
  const clock = new VirtualClock({ start: START });
  const oppo = scriptedOppo(opts.answer);
  const { answer: _answer, ...rest } = opts;
  const server = createImServer({ clock, app: IM_APP, fetch: oppo.fetch, settings: { oppoRetryDelays: ['1ms', '1ms'] }, ...rest });
  const { url, close } = await server.listen({ port: 0 });
  const links: ImClientLink[] = [];
  t.after(async () => {
    await Promise.all(links.map((l) => l.close()));
    await close();
    clock.dispose();
  });
  const sig = (userId: string, expireSeconds?: number) =>
    genUserSig({ sdkAppId: IM_APP.sdkAppId, secretKey: IM_APP.secretKey, userId, now: clock.now(), ...(expireSeconds === undefined ? {} : { expireSeconds }) });
  const rest_ = async (command: string, body: unknown, query: Record<string, string> = {}) => {
    const q = new URLSearchParams({ sdkappid: String(IM_APP.sdkAppId), identifier: IM_APP.admin, usersig: sig(IM_APP.admin), random: '99999999', contenttype: 'json', ...query });
    const res = await fetch(`${url}/v4/${command}?${q}`, { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body) });
    if (res.status !== 200) throw new Error(`HTTP ${res.status}`);
    return (await res.json()) as Record<string, any>;
  };
  return {
    clock,
    server,
    url,
    oppo,
    sig,
    rest: rest_,
    async device(userId, deviceId, o = {}) {
      const link = await ImClientLink.connect(url);
      links.push(link);
      await link.login({ userId, userSig: sig(userId), deviceId });
      if (o.token !== false) await link.setOfflinePushConfig(CERT_ID, o.token ?? `CN_${deviceId.padEnd(32, '0').slice(0, 32)}`);
      return link;
    },
    send: (to, body) => rest_('openim/sendmsg', { To_Account: to, From_Account: 'alice', MsgRandom: 1, ...body }),
  };
}

/** Resolves when `userId`'s device enters `state` (the server sees a socket close a moment after the client). */
export function untilState(server: ImServer, userId: string, state: DeviceState): Promise<void> {
  return new Promise((resolve) => {
    const listener = (e: { userId: string; to: DeviceState }) => {
      if (e.userId !== userId || e.to !== state) return;
      server.sessions.off('state', listener);
      resolve();
    };
    server.sessions.on('state', listener);
  });
}

/** The app process dies: the socket closes without logout; resolves once the server noticed. */
export async function kill(server: ImServer, link: ImClientLink, userId: string): Promise<void> {
  const noticed = untilState(server, userId, 'push_online');
  await link.close();
  await noticed;
}

export const text = (Text: string) => [{ MsgType: 'TIMTextElem', MsgContent: { Text } }];
