/**
 * Processes the phone runs besides the apps' own UI processes: an instrumentation's target process
 * (the UiAutomator2 server while `am instrument` runs), helper services. `ps`, `pidof` and
 * `dumpsys activity processes` list them with the apps'; `am force-stop PKG` kills every process of
 * the package, which is how a running instrumentation ends when its package is stopped.
 */
export interface RunningProcess {
  readonly pid: number;
  /** The process name `ps` shows (for an app process, its package name). */
  readonly name: string;
  readonly uid: number;
  /** Packages whose force-stop kills this process (the instrumentation's target and its test package). */
  readonly packages: readonly string[];
}

export interface ProcessSpec {
  name: string;
  uid: number;
  packages: string[];
  /** Runs once when the process is killed (force-stop, shutdown) — not when it stops by itself. */
  onKill?: (why: string) => void;
}

export class ProcessTable {
  private readonly running = new Map<number, { process: RunningProcess; onKill?: (why: string) => void }>();

  constructor(private readonly allocatePid: () => number) {}

  start(spec: ProcessSpec): RunningProcess {
    const process: RunningProcess = { pid: this.allocatePid(), name: spec.name, uid: spec.uid, packages: [...spec.packages] };
    this.running.set(process.pid, { process, ...(spec.onKill && { onKill: spec.onKill }) });
    return process;
  }

  /** The process ended by itself (its work is done): it leaves the table, no kill callback. */
  exit(pid: number): void {
    this.running.delete(pid);
  }

  kill(pid: number, why: string): boolean {
    const entry = this.running.get(pid);
    if (!entry) return false;
    this.running.delete(pid);
    entry.onKill?.(why);
    return true;
  }

  /** `am force-stop`: every process of the package dies. */
  killPackage(packageName: string, why = `stop ${packageName}`): number {
    const victims = this.list().filter((p) => p.packages.includes(packageName));
    for (const p of victims) this.kill(p.pid, why);
    return victims.length;
  }

  killAll(why: string): void {
    for (const p of this.list()) this.kill(p.pid, why);
  }

  list(): RunningProcess[] {
    return [...this.running.values()].map((e) => e.process);
  }

  byName(name: string): RunningProcess[] {
    return this.list().filter((p) => p.name === name);
  }
}
