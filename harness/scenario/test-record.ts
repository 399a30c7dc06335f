/**
 * What the running test (or hook) did, for its report: the scenario actions as steps (also Allure
 * steps), the messages it sent, the phones it touched, and the shade at each assertion. One record
 * per test, begun by the WDIO hooks (reporting.ts): a funnel shows only this test's messages.
 */
import { endStep, startStep } from '@wdio/allure-reporter';
import { Status as AllureStatus } from 'allure-js-commons';
import type { OppoSend } from './oppo-server.ts';

export interface StepRecord {
  title: string;
  /** Wall-clock start (ms) and duration: the report's timeline. */
  at: number;
  durationMs: number;
  /** Nesting: 0 for what the spec called, 1 for what that called, ... */
  depth: number;
  status: 'passed' | 'failed';
  error?: string;
  /** The phone the action was on. */
  phone?: string;
}

export interface ShadeSnapshot {
  /** The assertion it was taken at. */
  step: string;
  phone: string;
  at: number;
  notifications: Array<{ title: string; text?: string }>;
  /** PNG, base64 (what `phone.screenshot()` gives). */
  screenshot?: string;
}

export interface SentRecord {
  msgKey: string;
  msgTime: number;
  from: string;
  to: string;
}

export class TestRecord {
  readonly steps: StepRecord[] = [];
  readonly sent: SentRecord[] = [];
  /** Pushes it sent straight to OPPO (`s.oppoApi`). */
  readonly oppoSends: OppoSend[] = [];
  /** Names of the phones the test acted on. */
  readonly phones = new Set<string>();
  readonly shades: ShadeSnapshot[] = [];
  /** Phones on which expectExtras passed: the funnel's last stage. */
  readonly extrasVerified = new Set<string>();
  readonly startedAt = Date.now();
  private depth = 0;

  constructor(
    readonly title: string,
    readonly kind: 'test' | 'hook',
  ) {}

  /** Runs one scenario action as a step of this record (and of Allure). */
  async step<T>(title: string, fn: () => Promise<T>, phone?: string): Promise<T> {
    const record: StepRecord = { title, at: Date.now(), durationMs: 0, depth: this.depth, status: 'passed', ...(phone ? { phone } : {}) };
    this.steps.push(record);
    if (phone) this.phones.add(phone);
    this.depth++;
    await startStep(title);
    try {
      const value = await fn();
      await endStep(AllureStatus.PASSED);
      return value;
    } catch (error) {
      record.status = 'failed';
      record.error = (error as Error).message;
      await endStep(AllureStatus.FAILED);
      throw error;
    } finally {
      this.depth--;
      record.durationMs = Date.now() - record.at;
    }
  }
}

let current: TestRecord | undefined;

/** Starts the record of the test or hook about to run (the WDIO hooks call this). */
export function beginRecord(title: string, kind: TestRecord['kind']): TestRecord {
  current = new TestRecord(title, kind);
  return current;
}

/** The record of the running test or hook, if any. */
export function currentRecord(): TestRecord | undefined {
  return current;
}

/** A scenario action: a step of the running test's record, or just the action outside one. */
export function step<T>(title: string, fn: () => Promise<T>, phone?: string): Promise<T> {
  return current ? current.step(title, fn, phone) : fn();
}
