/** The client side of the access guard: what our own clients send to a guarded control API. */

/** What our own clients take to reach a guarded control API. */
export interface ClientAccess {
  /** The server's token, sent as `Authorization: Bearer`; needed when it listens off loopback or was given one. */
  token?: string | undefined;
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
