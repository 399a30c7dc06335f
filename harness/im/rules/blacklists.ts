/** Blocklists (sns/black_list_*): who a user blocked, and when. */
export type BlacklistRelation = 'BlackCheckResult_Type_BothWay' | 'BlackCheckResult_Type_AWithB' | 'BlackCheckResult_Type_BWithA' | 'BlackCheckResult_Type_NO';

export class Blacklists {
  /** owner → blocked → epoch ms added. */
  private readonly lists = new Map<string, Map<string, number>>();

  clear(): void {
    this.lists.clear();
  }

  add(owner: string, blocked: string, at: number): void {
    let list = this.lists.get(owner);
    if (!list) this.lists.set(owner, (list = new Map()));
    if (!list.has(blocked)) list.set(blocked, at);
  }

  /** False when `blocked` was not on the list. */
  delete(owner: string, blocked: string): boolean {
    return this.lists.get(owner)?.delete(blocked) ?? false;
  }

  blocks(owner: string, other: string): boolean {
    return this.lists.get(owner)?.has(other) ?? false;
  }

  list(owner: string): Array<{ userId: string; at: number }> {
    return [...(this.lists.get(owner) ?? new Map<string, number>())].map(([userId, at]) => ({ userId, at }));
  }

  /** `CheckType` Single: only whether `owner` blocked `other`; Both: either direction. */
  relation(owner: string, other: string, both: boolean): BlacklistRelation {
    const a = this.blocks(owner, other);
    const b = both && this.blocks(other, owner);
    if (a && b) return 'BlackCheckResult_Type_BothWay';
    if (a) return 'BlackCheckResult_Type_AWithB';
    if (b) return 'BlackCheckResult_Type_BWithA';
    return 'BlackCheckResult_Type_NO';
  }
}
