/**
 * JSON errors that do not leak what they parse. V8's SyntaxError quotes the text around the error
 * (`Unexpected token 'x', "{"masterSecret": "9a8b…" is not valid JSON`), and a body or file that
 * fails to parse is often a credentials file or a certificate with its MasterSecret.
 */

/** The error's position only: "not valid JSON (at character 30)". */
export function jsonErrorMessage(err: unknown): string {
  const at = /position (\d+)/.exec(err instanceof Error ? err.message : String(err));
  return `not valid JSON${at ? ` (at character ${at[1]})` : ''}`;
}

/** JSON.parse whose SyntaxError names the position and never quotes the input. */
export function parseJsonQuietly(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new SyntaxError(jsonErrorMessage(err));
  }
}

/**
 * The message for an error a request body caused (body-parser's, a handler's): a JSON syntax error
 * by position only, anything else as it is.
 */
export function bodyErrorMessage(err: unknown): string {
  const e = err as { type?: unknown; message?: unknown } | null;
  if (err instanceof SyntaxError || e?.type === 'entity.parse.failed') return `body is ${jsonErrorMessage(err)}`;
  return String(e?.message ?? err);
}
