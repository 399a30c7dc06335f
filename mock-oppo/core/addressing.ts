/**
 * Who a push can be addressed to: registrations (regIds per device and package), aliases and tags,
 * and the feedback list of regIds that died. Aliases are kept per app and region (CN and overseas
 * are separate deployments); tag definitions are app metadata and shared by both.
 */
import type { App } from './apps.ts';
import type { Clock } from './clock.ts';
import { CODES, OppoError, type OppoCode } from './codes.ts';
import type { IdGenerator } from './ids.ts';
import { LIMITS } from './notification.ts';
import type { Registration } from './records.ts';
import { formatRegId, isWellFormedRegId, regionOfRegId, type Region } from './region.ts';

export type Invalidation = 'unregistered' | 'uninstalled';

/** Empty, longer than OPPO allows, or with the `;` that separates aliases in a broadcast. */
function isBadAlias(alias: string): boolean {
  return alias.length === 0 || alias.length > LIMITS.alias || alias.includes(';');
}

function checkAlias(alias: string): void {
  if (isBadAlias(alias)) throw new OppoError(CODES.INVALID_ALIAS);
}

const scopeKey = (appId: string, region: Region): string => `${appId}\u0000${region}`;
const devicePackageKey = (deviceId: string, packageName: string): string => `${deviceId}\u0000${packageName}`;

export class Addressing {
  private readonly registrations = new Map<string, Registration>();
  private readonly regByDevicePackage = new Map<string, string>();
  /** scopeKey(app, region) → alias → regId. */
  private readonly aliases = new Map<string, Map<string, string>>();
  private readonly tagDefs = new Map<string, Map<string, { desc: string; group?: string }>>();
  private readonly invalidFeedback = new Map<string, string[]>();

  /** `onInvalidated` is told after a registration died, so what was queued for it can be dropped. */
  constructor(
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly onInvalidated: (reg: Registration) => void,
  ) {}

  // ---- registrations ------------------------------------------------------------------------

  /** The same device and package keep their regId while the app and region stay the same. */
  register(app: App, deviceId: string, region: Region, packageName: string): Registration {
    const key = devicePackageKey(deviceId, packageName);
    const existing = this.regByDevicePackage.get(key);
    const current = existing ? this.registrations.get(existing) : undefined;
    if (current && current.state === 'active' && current.appId === app.appId && current.region === region) return current;
    if (current && current.state === 'active') this.invalidate(current, 'unregistered');
    const reg: Registration = {
      regId: formatRegId(region, this.ids.hex(32)),
      appId: app.appId,
      deviceId,
      packageName,
      region,
      state: 'active',
      createdAt: this.clock.now(),
      tags: new Set(),
      queue: [],
      queuedCount: 0,
      queuedByNotifyId: new Map(),
    };
    this.registrations.set(reg.regId, reg);
    this.regByDevicePackage.set(key, reg.regId);
    return reg;
  }

  byId(regId: string): Registration | undefined {
    return this.registrations.get(regId);
  }

  activeByDevicePackage(deviceId: string, packageName: string): Registration | undefined {
    const regId = this.regByDevicePackage.get(devicePackageKey(deviceId, packageName));
    const reg = regId ? this.registrations.get(regId) : undefined;
    return reg?.state === 'active' ? reg : undefined;
  }

  /** The regId is dead for later sends; its alias is released and it joins the feedback list. */
  invalidate(reg: Registration, how: Invalidation): void {
    reg.state = how;
    reg.invalidatedAt = this.clock.now();
    if (reg.alias !== undefined) {
      this.aliases.get(scopeKey(reg.appId, reg.region))?.delete(reg.alias);
      reg.alias = undefined;
    }
    const list = this.invalidFeedback.get(reg.appId);
    if (list) list.push(reg.regId);
    else this.invalidFeedback.set(reg.appId, [reg.regId]);
    this.onInvalidated(reg);
  }

  /** The app's dead regIds since the last fetch (or ever, when `clear` is false). */
  invalidRegIds(app: App, clear: boolean): string[] {
    const list = this.invalidFeedback.get(app.appId) ?? [];
    if (clear) this.invalidFeedback.delete(app.appId);
    return [...list];
  }

  /** An empty feedback list (the regIds stay dead). */
  forgetFeedback(): void {
    this.invalidFeedback.clear();
  }

  all(): IterableIterator<Registration> {
    return this.registrations.values();
  }

  /** Active registrations of an app in a region (broadcast to all). */
  *active(app: App, region: Region): Generator<Registration> {
    for (const reg of this.registrations.values()) {
      if (reg.appId === app.appId && reg.region === region && reg.state === 'active') yield reg;
    }
  }

  *activeOfDevice(deviceId: string): Generator<Registration> {
    for (const reg of this.registrations.values()) if (reg.deviceId === deviceId && reg.state === 'active') yield reg;
  }

  // ---- resolving targets ---------------------------------------------------------------------

  /** Malformed, unknown or other-region regIds → 10000; unregistered/uninstalled → 10001. */
  resolveRegId(app: App, region: Region, regId: string): Registration | OppoCode {
    const reg = this.registrations.get(regId);
    // The mock's own regIds are well formed by construction, so only unknown ones need the format rules.
    if (!reg && (!isWellFormedRegId(regId) || regionOfRegId(regId) !== region)) return CODES.INVALID_REGID;
    if (!reg || reg.appId !== app.appId || reg.region !== region) return CODES.INVALID_REGID;
    if (reg.state !== 'active') return CODES.REGID_UNSUBSCRIBED;
    return reg;
  }

  resolveAlias(app: App, region: Region, alias: string): Registration | OppoCode {
    if (isBadAlias(alias)) return CODES.INVALID_ALIAS;
    const regId = this.aliases.get(scopeKey(app.appId, region))?.get(alias);
    const reg = regId !== undefined ? this.registrations.get(regId) : undefined;
    if (!reg || reg.state !== 'active') return CODES.ALIAS_UNSUBSCRIBED;
    return reg;
  }

  // ---- aliases and tags (device host) -------------------------------------------------------

  /** One alias ↔ one regId; the latest binding wins on both sides. */
  setAlias(app: App, region: Region, regId: string, alias: string): void {
    checkAlias(alias);
    const reg = this.activeRegistration(app, region, regId);
    const map = this.aliasMap(app, region);
    const previousHolder = map.get(alias);
    if (previousHolder !== undefined) {
      const prev = this.registrations.get(previousHolder);
      if (prev) prev.alias = undefined;
    }
    if (reg.alias !== undefined) map.delete(reg.alias);
    map.set(alias, reg.regId);
    reg.alias = alias;
  }

  deleteAlias(app: App, region: Region, alias: string): void {
    checkAlias(alias);
    const map = this.aliasMap(app, region);
    const regId = map.get(alias);
    if (regId === undefined) throw new OppoError(CODES.ALIAS_UNSUBSCRIBED);
    map.delete(alias);
    const reg = this.registrations.get(regId);
    if (reg) reg.alias = undefined;
  }

  addTags(app: App, names: string[], desc: string, group?: string): void {
    const defs = this.tagMap(app);
    for (const name of names) defs.set(name, { desc, ...(group !== undefined ? { group } : {}) });
  }

  /** [uncertain] subscribing to a tag the app never created answers 31 Data Not Exist. */
  subscribeTags(app: App, region: Region, regId: string, names: string[], subscribe: boolean): void {
    const reg = this.activeRegistration(app, region, regId);
    const defs = this.tagMap(app);
    const unknown = names.filter((n) => !defs.has(n));
    if (unknown.length > 0) throw new OppoError(CODES.DATA_NOT_EXIST, `unknown tags: ${unknown.join(';')}`);
    for (const name of names) {
      if (subscribe) reg.tags.add(name);
      else reg.tags.delete(name);
    }
  }

  tagsOf(app: App, region: Region, regId: string): string[] {
    return [...this.activeRegistration(app, region, regId).tags];
  }

  /** `{"or":[…],"and":[…],"not":[…]}` → (OR set) ∩ (AND set) ∩ ¬(NOT set); a missing part does not restrict. */
  matchTags(app: App, region: Region, expression: string): Registration[] {
    let expr: unknown;
    try {
      expr = JSON.parse(expression);
    } catch {
      throw new OppoError(CODES.INVALID_ARGUMENTS, 'target_value for target_type 6 must be a JSON tag expression');
    }
    if (typeof expr !== 'object' || expr === null || Array.isArray(expr)) throw new OppoError(CODES.INVALID_ARGUMENTS, 'tag expression must be an object');
    const part = (key: string): string[] | undefined => {
      const value = (expr as Record<string, unknown>)[key];
      if (value === undefined) return undefined;
      if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) throw new OppoError(CODES.INVALID_ARGUMENTS, `tag expression "${key}" must be an array of tag names`);
      return value as string[];
    };
    const or = part('or');
    const and = part('and');
    const not = part('not');
    if (!or && !and) throw new OppoError(CODES.INVALID_ARGUMENTS, 'tag expression needs "or" or "and"');
    const out: Registration[] = [];
    for (const reg of this.active(app, region)) {
      if (or && !or.some((t) => reg.tags.has(t))) continue;
      if (and && !and.every((t) => reg.tags.has(t))) continue;
      if (not && not.some((t) => reg.tags.has(t))) continue;
      out.push(reg);
    }
    return out;
  }

  private activeRegistration(app: App, region: Region, regId: string): Registration {
    const resolved = this.resolveRegId(app, region, regId);
    if (typeof resolved === 'number') throw new OppoError(resolved);
    return resolved;
  }

  private aliasMap(app: App, region: Region): Map<string, string> {
    const key = scopeKey(app.appId, region);
    let map = this.aliases.get(key);
    if (!map) this.aliases.set(key, (map = new Map()));
    return map;
  }

  private tagMap(app: App): Map<string, { desc: string; group?: string }> {
    let map = this.tagDefs.get(app.appId);
    if (!map) this.tagDefs.set(app.appId, (map = new Map()));
    return map;
  }
}
