/**
 * The UiAutomator2 server's life on a phone: `am instrument -w … io.appium.uiautomator2.server.test/
 * androidx.test.runner.AndroidJUnitRunner` starts it — only when the server APK and the test APK
 * that declares that instrumentation are installed — in the server package's process, listening on
 * device port 6790. It runs until its session is deleted, either package is force-stopped, or the
 * `am instrument` client goes away; then the port closes and the process leaves `ps`.
 *
 * Android runs an instrumentation inside its target's process only; here the test package gets a
 * process too (so `ps` also lists `io.appium.uiautomator2.server.test` while it runs), because a
 * package's force-stop is seen through its process dying.
 */
import type { PackageProcess } from '../packages.ts';
import type { VirtualPhone } from '../phone.ts';
import { Uia2Server } from './server.ts';

export const UIA2_SERVER_PACKAGE = 'io.appium.uiautomator2.server';
export const UIA2_TEST_PACKAGE = `${UIA2_SERVER_PACKAGE}.test`;
export const UIA2_RUNNER = 'androidx.test.runner.AndroidJUnitRunner';
export const UIA2_INSTRUMENTATION = `${UIA2_TEST_PACKAGE}/${UIA2_RUNNER}`;
/** The server's port on the device (its `serverPort` setting). */
export const UIA2_PORT = 6790;
/** The JUnit class that holds the server "test" (what `am instrument` reports). */
export const UIA2_TEST_CLASS = `${UIA2_TEST_PACKAGE}.AppiumUiAutomator2Server`;

export type Uia2EndReason = 'session deleted' | 'force-stop' | 'client closed';

/** Why the server could not start (what `am instrument` reports as INSTRUMENTATION_FAILED). */
export class InstrumentationFailed extends Error {
  constructor(readonly component: string) {
    super(`INSTRUMENTATION_FAILED: ${component}`);
  }
}

export class Uia2Instrumentation {
  /** Resolves once the server has stopped, with why. */
  readonly ended: Promise<Uia2EndReason>;
  readonly process: PackageProcess;
  readonly server: Uia2Server;
  readonly startedAt: number;
  private finish!: (reason: Uia2EndReason) => void;
  private stopped = false;
  private readonly unlisten: () => void;

  /**
   * Starts the server for `component` (the instrumentation target `am instrument` names). Fails
   * like `am instrument` does when that target is not installed; a port already taken (a server
   * still running) fails with the port's EADDRINUSE error.
   */
  static start(phone: VirtualPhone, component: string): Uia2Instrumentation {
    const [pkg, cls = ''] = component.split('/');
    const runner = cls.startsWith('.') ? `${pkg}${cls}` : cls;
    const declared = phone.apkPackages.instrumentations().some((i) => i.packageName === pkg && i.name === runner && i.targetPackage === UIA2_SERVER_PACKAGE);
    if (`${pkg}/${runner}` !== UIA2_INSTRUMENTATION || !declared || !phone.apkPackages.get(UIA2_SERVER_PACKAGE)) throw new InstrumentationFailed(component);
    return new Uia2Instrumentation(phone);
  }

  private constructor(private readonly phone: VirtualPhone) {
    this.ended = new Promise((resolve) => (this.finish = resolve));
    const { manifest } = phone.apkPackages.get(UIA2_SERVER_PACKAGE)!;
    this.server = new Uia2Server({
      device: phone,
      build: { version: manifest.versionName ?? '', versionCode: manifest.versionCode },
      targetPackage: UIA2_SERVER_PACKAGE,
      onSessionDeleted: () => this.stop('session deleted'),
    });
    this.unlisten = phone.ports.listen(UIA2_PORT, (socket) => this.server.accept(socket));
    this.process = phone.apkPackages.startProcess(UIA2_SERVER_PACKAGE);
    const test = phone.apkPackages.startProcess(UIA2_TEST_PACKAGE);
    // A kill of either process (force-stop, uninstall, shutdown) takes the server down with it.
    for (const p of [this.process, test]) p.signal.addEventListener('abort', () => this.stop('force-stop'), { once: true });
    this.startedAt = phone.clock.now();
    phone.log(this.process.pid, 'I', 'AppiumUiAutomator2Server', `Starting the UiAutomator2 server on port ${UIA2_PORT}`);
  }

  /** Ends the server (idempotent): the instrumentation finishes and its processes go. */
  stop(reason: Uia2EndReason): void {
    if (this.stopped) return;
    this.end(reason);
    this.phone.apkPackages.kill(UIA2_SERVER_PACKAGE);
    this.phone.apkPackages.kill(UIA2_TEST_PACKAGE);
  }

  get running(): boolean {
    return !this.stopped;
  }

  private end(reason: Uia2EndReason): void {
    if (this.stopped) return;
    this.stopped = true;
    this.unlisten();
    this.server.close();
    this.phone.log(this.process.pid, 'I', 'AppiumUiAutomator2Server', `The UiAutomator2 server stopped (${reason})`);
    this.finish(reason);
  }
}
