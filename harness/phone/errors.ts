/** Errors a phone raises to tools; the driver maps them onto WebDriver error classes. */

/** The node id is not on the current screen (any more): WebDriver's stale element reference. */
export class StaleNodeError extends Error {
  override name = 'StaleNodeError';
  constructor(readonly nodeId: string) {
    super(`node '${nodeId}' is not on the current screen`);
  }
}

/** setText on a node that takes no text: WebDriver's invalid element state. */
export class NotEditableError extends Error {
  override name = 'NotEditableError';
  constructor(readonly nodeId: string) {
    super(`node '${nodeId}' does not accept text`);
  }
}

/** An operation on a package the phone does not have. */
export class PackageNotInstalledError extends Error {
  override name = 'PackageNotInstalledError';
  constructor(readonly packageName: string) {
    super(`package '${packageName}' is not installed`);
  }
}
