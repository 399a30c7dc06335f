/**
 * Wire: the UiAutomator2 server's JSON envelope and errors, as appium-uiautomator2-server renders
 * them (`AppiumResponse`, `ErrorModel`): every answer is `{ value, sessionId }` with nulls kept, and
 * an error's value is `{ error, message, stacktrace }` with the HTTP status of its exception class.
 */

/** W3C error codes the server answers with, and the HTTP status of each (its exception classes). */
export const ERROR_STATUS: Record<string, number> = {
  'invalid argument': 400,
  'invalid selector': 400,
  'invalid element state': 400,
  'no such element': 404,
  'stale element reference': 404,
  'invalid session id': 404,
  'unknown command': 404,
  'no such alert': 404,
  'unknown method': 405,
  'session not created': 500,
  'unknown error': 500,
};

/** An error the server answers with. */
export class Uia2Error extends Error {
  constructor(
    readonly error: string,
    message: string,
  ) {
    super(message);
  }

  get status(): number {
    return ERROR_STATUS[this.error] ?? 500;
  }
}

/** The phone's errors carry a W3C code (`harness/phone/errors.ts`); anything else is an unknown error. */
export function asUia2Error(err: unknown): Uia2Error {
  if (err instanceof Uia2Error) return err;
  const code = (err as { code?: unknown } | null)?.code;
  const message = err instanceof Error ? err.message : String(err);
  return new Uia2Error(typeof code === 'string' && code in ERROR_STATUS ? code : 'unknown error', message);
}

export interface Envelope {
  value: unknown;
  sessionId: string | null;
}

export function envelope(sessionId: string | null, value: unknown): Envelope {
  return { value: value ?? null, sessionId };
}

export function errorEnvelope(sessionId: string | null, err: Uia2Error): Envelope {
  // The real server sends the Java stack trace; ours names the error and where it was raised.
  return envelope(sessionId, { error: err.error, message: err.message, stacktrace: `io.appium.uiautomator2.common.exceptions.${err.error}: ${err.message}` });
}

/** The W3C and the legacy JSONWP element keys; the server puts the same id under both. */
export const W3C_ELEMENT_KEY = 'element-6066-11e4-a52e-4f735466cecf';
export const JWP_ELEMENT_KEY = 'ELEMENT';

export function elementModel(id: string): Record<string, string> {
  return { [JWP_ELEMENT_KEY]: id, [W3C_ELEMENT_KEY]: id };
}

/** An element id a client sends back: W3C key first, then the legacy one (`ElementModel.getUnifiedId`). */
export function elementIdOf(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  const id = v[W3C_ELEMENT_KEY] ?? v[JWP_ELEMENT_KEY] ?? v.element;
  return typeof id === 'string' && id !== '' ? id : undefined;
}
