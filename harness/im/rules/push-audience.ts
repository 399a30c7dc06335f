/**
 * Push to all (all_member_push): the app's attribute names, each user's attributes and tags, the
 * conditions that pick an audience, and the documented rate limits (one push per second, 100 a day).
 */
import { dayKey } from '../../../mock-oppo/core/quota.ts';
import { IM_LIMITS, ImError } from '../errors.ts';

export interface PushCondition {
  tagsAnd?: string[];
  tagsOr?: string[];
  attrsAnd?: Record<string, string>;
  attrsOr?: Record<string, string>;
}

export class PushAudience {
  /** Attribute index ("0".."9") → name, as im_set_attr_name defines them. */
  private attrNames: Record<string, string> = {};
  private readonly attrs = new Map<string, Map<string, string>>();
  private readonly tags = new Map<string, Set<string>>();
  private lastPushAt: number | undefined;
  private day = { key: -1, count: 0 };
  private taskSeq = 0;

  /** No attribute names, attributes or tags; the rate limits start again. */
  clear(): void {
    this.attrNames = {};
    this.attrs.clear();
    this.tags.clear();
    this.lastPushAt = undefined;
    this.day = { key: -1, count: 0 };
    this.taskSeq = 0;
  }

  setAttrNames(names: Record<string, string>): void {
    this.attrNames = { ...this.attrNames, ...names };
  }

  getAttrNames(): Record<string, string> {
    return { ...this.attrNames };
  }

  private knownAttr(name: string): boolean {
    return Object.values(this.attrNames).includes(name);
  }

  /** 90033 for an attribute the app never named or a value over 50 bytes. */
  setAttrs(userId: string, values: Record<string, string>): void {
    for (const [name, value] of Object.entries(values)) {
      if (!this.knownAttr(name)) throw new ImError('PUSH_ATTR_INVALID', `attribute ${name} is not defined (im_set_attr_name)`);
      if (Buffer.byteLength(value) > IM_LIMITS.attrValueBytes) throw new ImError('PUSH_ATTR_INVALID', `${name} is longer than ${IM_LIMITS.attrValueBytes} bytes`);
    }
    let map = this.attrs.get(userId);
    if (!map) this.attrs.set(userId, (map = new Map()));
    for (const [name, value] of Object.entries(values)) map.set(name, value);
  }

  removeAttrs(userId: string, names: string[]): void {
    for (const name of names) this.attrs.get(userId)?.delete(name);
  }

  attrsOf(userId: string): Record<string, string> {
    return Object.fromEntries(this.attrs.get(userId) ?? []);
  }

  addTags(userId: string, tags: string[]): void {
    checkTags(tags);
    let set = this.tags.get(userId);
    if (!set) this.tags.set(userId, (set = new Set()));
    for (const t of tags) set.add(t);
  }

  removeTags(userId: string, tags: string[]): void {
    for (const t of tags) this.tags.get(userId)?.delete(t);
  }

  removeAllTags(userId: string): void {
    this.tags.delete(userId);
  }

  tagsOf(userId: string): string[] {
    return [...(this.tags.get(userId) ?? [])];
  }

  /** Checks a condition the way im_push does (90039, 90022, 90032, 90020, 90040, 90033). */
  checkCondition(c: PushCondition): void {
    const hasTags = c.tagsAnd !== undefined || c.tagsOr !== undefined;
    const hasAttrs = c.attrsAnd !== undefined || c.attrsOr !== undefined;
    if (hasTags && hasAttrs) throw new ImError('PUSH_ATTRS_AND_TAGS');
    const and = c.tagsAnd ?? [];
    const or = c.tagsOr ?? [];
    checkTags([...and, ...or]);
    if (and.some((t) => or.includes(t))) throw new ImError('PUSH_TAG_DUPLICATE');
    for (const attrs of [c.attrsAnd, c.attrsOr]) for (const name of Object.keys(attrs ?? {})) if (!this.knownAttr(name)) throw new ImError('PUSH_ATTR_INVALID', name);
  }

  /** Whether a user is in the audience; no condition = everyone. */
  matches(userId: string, c: PushCondition | undefined): boolean {
    if (!c) return true;
    const tags = this.tags.get(userId) ?? new Set<string>();
    const attrs = this.attrs.get(userId) ?? new Map<string, string>();
    if (c.tagsAnd && !c.tagsAnd.every((t) => tags.has(t))) return false;
    if (c.tagsOr && !c.tagsOr.some((t) => tags.has(t))) return false;
    if (c.attrsAnd && !Object.entries(c.attrsAnd).every(([k, v]) => attrs.get(k) === v)) return false;
    if (c.attrsOr && !Object.entries(c.attrsOr).some(([k, v]) => attrs.get(k) === v)) return false;
    return true;
  }

  /** Takes one push from the rate limits: 90024 within a second of the last, 90047 past 100 today (GMT+8). */
  takePush(now: number): string {
    if (this.lastPushAt !== undefined && now - this.lastPushAt < IM_LIMITS.pushMinIntervalMs) throw new ImError('PUSH_TOO_FREQUENT');
    const key = dayKey(now);
    if (this.day.key !== key) this.day = { key, count: 0 };
    if (this.day.count >= IM_LIMITS.pushPerDay) throw new ImError('PUSH_DAILY_LIMIT');
    this.day.count++;
    this.lastPushAt = now;
    // [uncertain] TaskId format is opaque in the docs; ours is unique and readable.
    return `push_${++this.taskSeq}_${Math.floor(now / 1000)}`;
  }
}

function checkTags(tags: string[]): void {
  if (tags.length > IM_LIMITS.pushTagsPerCondition) throw new ImError('PUSH_TOO_MANY_TAGS');
  for (const t of tags) {
    if (t === '') throw new ImError('PUSH_EMPTY_TAG');
    if (Buffer.byteLength(t) > IM_LIMITS.pushTagBytes) throw new ImError('PUSH_TAG_TOO_LONG', t);
  }
}
