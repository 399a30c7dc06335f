/**
 * Exact running totals of every target ever accepted, by its current state and reason: moved on
 * every state change, never trimmed, so a run of any length can be audited after the message records
 * themselves left retention. O(1) a change; the reasons are a small vocabulary (ids cut off).
 */
import type { TargetState } from './records.ts';

export interface TotalsView {
  /** Targets ever accepted (each one is in exactly one state below). */
  accepted: number;
  byState: Partial<Record<TargetState, number>>;
  /** state → reason → targets; '' when the state has no reason. */
  byStateAndReason: Partial<Record<TargetState, Record<string, number>>>;
  /** Messages ever stored, and those that left retention since. */
  messages: { stored: number; forgotten: number };
}

/** `replaced_by:<messageId>` counts as `replaced_by`: the totals key on the why, not on the id. */
export function reasonKey(reason: string | undefined): string {
  if (reason === undefined) return '';
  return reason.startsWith('replaced_by:') ? 'replaced_by' : reason;
}

export class Totals {
  private accepted = 0;
  private readonly counts = new Map<TargetState, Map<string, number>>();
  private stored = 0;
  private forgotten = 0;

  accept(): void {
    this.accepted++;
    this.add('accepted', '', 1);
  }

  move(from: TargetState, fromReason: string | undefined, to: TargetState, toReason: string | undefined): void {
    this.add(from, reasonKey(fromReason), -1);
    this.add(to, reasonKey(toReason), 1);
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
      const row: Record<string, number> = {};
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

  private add(state: TargetState, reason: string, n: number): void {
    let reasons = this.counts.get(state);
    if (!reasons) this.counts.set(state, (reasons = new Map()));
    reasons.set(reason, (reasons.get(reason) ?? 0) + n);
  }
}
