/**
 * Exact running totals of every target ever accepted, by its current state and reason: moved on
 * every state change, never trimmed, so a run of any length can be audited after the message records
 * themselves left retention. O(1) a change; the reasons are the lab's one vocabulary (reasons.ts),
 * so a total names the same reason as the target's record, the trace and the reports.
 */
import type { Reason } from './reasons.ts';
import type { TargetState } from './records.ts';

export interface TotalsView {
  /** Targets ever accepted (each one is in exactly one state below). */
  accepted: number;
  byState: Partial<Record<TargetState, number>>;
  /** state → reason (a name of the vocabulary, mock-oppo/core/reasons.ts) → targets; '' when the state has no reason. */
  byStateAndReason: Partial<Record<TargetState, Partial<Record<Reason | '', number>>>>;
  /** Messages ever stored, and those that left retention since. */
  messages: { stored: number; forgotten: number };
}

export class Totals {
  private accepted = 0;
  private readonly counts = new Map<TargetState, Map<Reason | '', number>>();
  private stored = 0;
  private forgotten = 0;

  accept(): void {
    this.accepted++;
    this.add('accepted', '', 1);
  }

  move(from: TargetState, fromReason: Reason | undefined, to: TargetState, toReason: Reason | undefined): void {
    this.add(from, fromReason ?? '', -1);
    this.add(to, toReason ?? '', 1);
  }

  messageStored(): void {
    this.stored++;
  }

  messageForgotten(): void {
    this.forgotten++;
  }

  view(): TotalsView {
    const byState: TotalsView['byState'] = {};
    const byStateAndReason: TotalsView['byStateAndReason'] = {};
    for (const [state, reasons] of this.counts) {
      let sum = 0;
      const row: Partial<Record<Reason | '', number>> = {};
      for (const [reason, n] of reasons) {
        if (n === 0) continue;
        row[reason] = n;
        sum += n;
      }
      if (sum === 0) continue;
      byState[state] = sum;
      byStateAndReason[state] = row;
    }
    return { accepted: this.accepted, byState, byStateAndReason, messages: { stored: this.stored, forgotten: this.forgotten } };
  }

  private add(state: TargetState, reason: Reason | '', n: number): void {
    let reasons = this.counts.get(state);
    if (!reasons) this.counts.set(state, (reasons = new Map()));
    reasons.set(reason, (reasons.get(reason) ?? 0) + n);
  }
}
