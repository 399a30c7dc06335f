/** The client side of the access guard: what our own clients send to a guarded control API. */

/** The environment variable the standalone mock's token travels in (its CLI's `--token` fallback, MockOppoControl's default). */
export const MOCK_TOKEN_ENV = 'MOCK_OPPO_TOKEN';

/** What our own clients take to reach a guarded control API. */
export interface ClientAccess {
  /** The server's token, sent as `Authorization: Bearer`; needed when it listens off loopback or was given one. */
  token?: string | undefined;
}

/** The token an environment variable carries, if any (blank counts as none). */
export function tokenFromEnv(name: string, env: Record<string, string | undefined> = process.env): string | undefined {
  return env[name]?.trim() || undefined;
}

/**
 * The access a client uses: the token it was given, else the one in `envName` — the variable the
 * command that started its server reads, so a client beside `--token`/the printed token needs no code.
 * A loopback server without a token ignores one it does not need.
 */
export function accessFromEnv(access: ClientAccess, envName: string, env: Record<string, string | undefined> = process.env): ClientAccess {
  if (access.token !== undefined) return access;
  const token = tokenFromEnv(envName, env);
  return token === undefined ? access : { ...access, token };
}

/** The headers our own clients add to every control call: the bearer token, when there is one. */
export function tokenHeaders(token: string | undefined): Record<string, string> {
  return token === undefined ? {} : { authorization: `Bearer ${token}` };
}

/** A control call's fetch init: the token, and a JSON body when there is one. */
export function controlInit(method: string, access: ClientAccess, body?: unknown): RequestInit {
  const auth = tokenHeaders(access.token);
  if (body === undefined) return { method, headers: auth };
  return { method, headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify(body) };
}
