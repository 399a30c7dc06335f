/**
 * The phone's own errors carry a W3C error code (`harness/phone/errors.ts`; over HTTP the lab
 * forwards it). Appium answers a plain Error as `unknown error`, so the driver turns a coded one
 * into the protocol error of that code.
 */
import { errorFromW3CJsonCode } from 'appium/driver.js';

export function asProtocolError(err: unknown): unknown {
  if (!(err instanceof Error) || 'w3cStatus' in err) return err;
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' ? errorFromW3CJsonCode(code, err.message, err.stack) : err;
}
