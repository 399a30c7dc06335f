/**
 * Errors a phone raises to tools. `code` is the W3C WebDriver error code the driver maps them to;
 * the phone HTTP router forwards it as the error body's `code`.
 */

/** The node id is not on the current screen (any more). */
export class StaleNodeError extends Error {
  override name = 'StaleNodeError';
  readonly code = 'stale element reference';
  constructor(
    readonly nodeId: string,
    message = `node '${nodeId}' is not on the current screen`,
  ) {
    super(message);
  }
}

/** An element reference a front never handed out (in this session). */
export class NoSuchElementError extends Error {
  override name = 'NoSuchElementError';
  readonly code = 'no such element';
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

/** A locator the phone's locator engine cannot use (unknown strategy, bad xpath, UiSelector outside the subset). */
export class InvalidSelectorError extends Error {
  override name = 'InvalidSelectorError';
  readonly code = 'invalid selector';
}

/** getAttribute with a name the element does not have. */
export class NoSuchAttributeError extends Error {
  override name = 'NoSuchAttributeError';
  readonly code = 'invalid argument';
  constructor(
    readonly attribute: string,
    readonly supported: readonly string[],
  ) {
    super(`This element does not have the '${attribute}' attribute (supported: ${supported.join(', ')})`);
  }
}

/** A phone command given a value it cannot take (an unknown orientation, a malformed gesture, a duration past what the clock holds). */
export class InvalidArgumentError extends Error {
  override name = 'InvalidArgumentError';
  readonly code = 'invalid argument';
}
