/**
 * Errors a phone raises to tools. `code` is the W3C WebDriver error code the driver maps them to;
 * the phone HTTP router forwards it as the error body's `code`.
 */

/** The node id is not on the current screen (any more). */
export class StaleNodeError extends Error {
  override name = 'StaleNodeError';
  readonly code = 'stale element reference';
  constructor(readonly nodeId: string) {
    super(`node '${nodeId}' is not on the current screen`);
  }
}

/** setText on a node that takes no text. */
export class NotEditableError extends Error {
  override name = 'NotEditableError';
  readonly code = 'invalid element state';
  constructor(readonly nodeId: string) {
    super(`node '${nodeId}' does not accept text`);
  }
}

/** An operation on a package the phone does not have. */
export class PackageNotInstalledError extends Error {
  override name = 'PackageNotInstalledError';
  readonly code = 'invalid argument';
  constructor(readonly packageName: string) {
    super(`package '${packageName}' is not installed`);
  }
}

/** A phone command given a value it cannot take (an unknown orientation, a malformed gesture, a duration past what the clock holds). */
export class InvalidArgumentError extends Error {
  override name = 'InvalidArgumentError';
  readonly code = 'invalid argument';
}
