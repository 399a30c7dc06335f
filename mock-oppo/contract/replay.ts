/**
 * What every service's replay shares: substitutions learnt from the answers (a recorded id or
 * token → the mock's), applied to the next requests, and the report of differences.
 */
import { shapeDifferences } from './shape.ts';
import type { RecordedPair } from './pairs.ts';

export interface PairDifference {
  seq: number;
  method: string;
  path: string;
  differences: string[];
}

export interface ContractReport {
  service: string;
  pairs: number;
  failed: PairDifference[];
}

/** Recorded value → the value the mock uses instead (placeholders, ids, tokens). */
export class Substitutions {
  private readonly map = new Map<string, string>();

  set(recorded: string, mock: string): void {
    if (recorded !== mock) this.map.set(recorded, mock);
  }

  get(recorded: string): string | undefined {
    return this.map.get(recorded);
  }

  has(recorded: string): boolean {
    return this.map.has(recorded);
  }

  /** Longest first, so a token is not half-replaced by a shorter id it contains. */
  apply(text: string): string {
    let out = text;
    for (const [from, to] of [...this.map].sort((a, b) => b[0].length - a[0].length)) out = out.split(from).join(to);
    return out;
  }

  /** The same, field by field, for a form or query string (its encoding would hide a placeholder). */
  applyForm(text: string): string {
    if (text === '') return text;
    const form = new URLSearchParams(text);
    const out = new URLSearchParams();
    for (const [k, v] of form) out.append(k, this.apply(v));
    return out.toString();
  }

  /**
   * Walks the recorded and the mock answer side by side; every string that differs at the same
   * place (a message id, a task id, a token) is what a later request will carry.
   */
  learn(recorded: unknown, mock: unknown): void {
    if (typeof recorded === 'string' && typeof mock === 'string') {
      if (recorded.length >= 6) this.set(recorded, mock);
      return;
    }
    if (Array.isArray(recorded) && Array.isArray(mock)) {
      for (let i = 0; i < Math.min(recorded.length, mock.length); i++) this.learn(recorded[i], mock[i]);
      return;
    }
    if (recorded && mock && typeof recorded === 'object' && typeof mock === 'object') {
      for (const [k, v] of Object.entries(recorded)) if (Object.hasOwn(mock, k)) this.learn(v, (mock as Record<string, unknown>)[k]);
    }
  }
}

/** Compares one replayed answer with the recorded one: HTTP status, then the JSON contract. */
export function comparePair(pair: RecordedPair, status: number, body: unknown, valueFields: ReadonlySet<string>): PairDifference | undefined {
  const differences: string[] = [];
  if (status !== pair.answer.status) differences.push(`HTTP status: ${pair.answer.status} in the recording, ${status} from the mock`);
  differences.push(...shapeDifferences(pair.answer.body, body, valueFields));
  return differences.length === 0 ? undefined : { seq: pair.seq, method: pair.request.method, path: pair.request.path, differences };
}

/** Reads the mock's answer to a replayed pair, learns the ids it gave, and compares it with the recording. */
export async function compareAnswer(pair: RecordedPair, res: Response, subs: Substitutions, valueFields: ReadonlySet<string>): Promise<PairDifference | undefined> {
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: compared as text
  }
  subs.learn(pair.answer.body, body);
  return comparePair(pair, res.status, body, valueFields);
}

export function formatReport(report: ContractReport): string {
  const lines = [`contract verify (${report.service}): ${report.pairs} pairs, ${report.failed.length} with differences`];
  for (const f of report.failed) {
    lines.push(`#${f.seq} ${f.method} ${f.path}`);
    for (const d of f.differences) lines.push(`  ${d}`);
  }
  return lines.join('\n');
}
