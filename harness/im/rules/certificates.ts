/**
 * The IM console's Android push certificates (OPPO only). An edit is saved at once but only takes
 * effect `activationDelay` later; until then pushes use the previous version (none for a new
 * certificate: reason `certificate_inactive`). Deletion is an edit too.
 */
import type { Clock } from '../../../mock-oppo/core/clock.ts';

export type ClickAction =
  | { type: 'open_app' }
  | { type: 'open_url'; url: string }
  | { type: 'open_activity'; activity: string }
  | { type: 'intent_action'; action: string };

export interface CertificateConfig {
  /** Numeric certificate ID the client passes as `businessID` (the docs' example is 7005). */
  id: number;
  vendor: 'oppo';
  name?: string;
  appId: string;
  appKey: string;
  masterSecret: string;
  /** Default OPPO `channel_id`; `AndroidInfo.OPPOChannelID` overrides it per message. */
  channelId?: string;
  clickAction: ClickAction;
}

export class CertificateError extends Error {}

const FIRST_ID = 7005;

function nonEmptyString(v: unknown, field: string): string {
  if (typeof v !== 'string' || v.trim() === '') throw new CertificateError(`${field} must be a non-empty string`);
  return v;
}

function parseClickAction(v: unknown): ClickAction {
  if (v === undefined) return { type: 'open_app' };
  if (v === null || typeof v !== 'object') throw new CertificateError('clickAction must be an object');
  const a = v as Record<string, unknown>;
  switch (a.type) {
    case 'open_app':
      return { type: 'open_app' };
    case 'open_url': {
      const url = nonEmptyString(a.url, 'clickAction.url');
      if (!/^https?:\/\//.test(url)) throw new CertificateError('clickAction.url must start with http:// or https://');
      return { type: 'open_url', url };
    }
    case 'open_activity':
      return { type: 'open_activity', activity: nonEmptyString(a.activity, 'clickAction.activity') };
    case 'intent_action':
      return { type: 'intent_action', action: nonEmptyString(a.action, 'clickAction.action') };
    default:
      throw new CertificateError("clickAction.type must be one of open_app, open_url, open_activity, intent_action");
  }
}

/** Validates a certificate as the console form would; `id` comes from the store when absent. */
export function parseCertificate(input: unknown, id: number): CertificateConfig {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) throw new CertificateError('certificate must be a JSON object');
  const c = input as Record<string, unknown>;
  if ((c.vendor ?? 'oppo') !== 'oppo') throw new CertificateError("only vendor 'oppo' is supported");
  if (c.channelId !== undefined && typeof c.channelId !== 'string') throw new CertificateError('channelId must be a string');
  if (c.name !== undefined && typeof c.name !== 'string') throw new CertificateError('name must be a string');
  const config: CertificateConfig = {
    id,
    vendor: 'oppo',
    appId: nonEmptyString(c.appId, 'appId'),
    appKey: nonEmptyString(c.appKey, 'appKey'),
    masterSecret: nonEmptyString(c.masterSecret, 'masterSecret'),
    clickAction: parseClickAction(c.clickAction),
  };
  if (typeof c.name === 'string') config.name = c.name;
  if (typeof c.channelId === 'string' && c.channelId !== '') config.channelId = c.channelId;
  return config;
}

interface Version {
  /** null: deleted from this version on. */
  config: CertificateConfig | null;
  version: number;
  savedAt: number;
  effectiveAt: number;
}

export type CertificateLookup =
  | { status: 'active'; config: CertificateConfig; version: number; effectiveAt: number; pendingEffectiveAt?: number }
  | { status: 'inactive'; effectiveAt: number }
  | { status: 'missing' };

export interface CertificateView {
  id: number;
  active: { config: CertificateConfig; version: number; effectiveAt: number } | null;
  pending: Array<{ config: CertificateConfig | null; version: number; savedAt: number; effectiveAt: number }>;
}

export class CertificateStore {
  private readonly versions = new Map<number, Version[]>();

  constructor(
    private readonly clock: Clock,
    private readonly activationDelayMs: number,
    private readonly initial: CertificateConfig[] = [],
  ) {
    this.reset();
  }

  /** Back to the initial certificates; every later save (pending or active) is gone. */
  reset(): void {
    this.versions.clear();
    // Certificates the lab starts with were saved long ago: active at once.
    for (const c of this.initial) this.versions.set(c.id, [{ config: parseCertificate(c, c.id), version: 1, savedAt: 0, effectiveAt: 0 }]);
  }

  create(input: unknown): { config: CertificateConfig; effectiveAt: number } {
    const requested = (input as { id?: unknown } | null)?.id;
    let id: number;
    if (requested !== undefined) {
      if (typeof requested !== 'number' || !Number.isInteger(requested) || requested <= 0) throw new CertificateError('id must be a positive integer');
      if (this.known(requested)) throw new CertificateError(`certificate ${requested} already exists`);
      id = requested;
    } else {
      id = Math.max(FIRST_ID - 1, ...this.versions.keys()) + 1;
    }
    return this.save(id, parseCertificate(input, id));
  }

  /** Merges `patch` into the newest saved version (pending or active). */
  edit(id: number, patch: unknown): { config: CertificateConfig; effectiveAt: number } {
    const latest = this.latest(id);
    if (!latest?.config) throw new CertificateError(`certificate ${id} does not exist`);
    if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) throw new CertificateError('certificate must be a JSON object');
    return this.save(id, parseCertificate({ ...latest.config, ...patch, id }, id));
  }

  delete(id: number): { effectiveAt: number } {
    if (!this.latest(id)?.config) throw new CertificateError(`certificate ${id} does not exist`);
    const { effectiveAt } = this.push(id, null);
    return { effectiveAt };
  }

  /** What a push at the current instant uses. */
  lookup(id: number): CertificateLookup {
    const now = this.clock.now();
    const all = this.versions.get(id) ?? [];
    const active = all.filter((v) => v.effectiveAt <= now).at(-1);
    const pending = all.find((v) => v.effectiveAt > now);
    if (active?.config) {
      const found: CertificateLookup = { status: 'active', config: active.config, version: active.version, effectiveAt: active.effectiveAt };
      if (pending) found.pendingEffectiveAt = pending.effectiveAt;
      return found;
    }
    const upcoming = all.find((v) => v.effectiveAt > now && v.config);
    return upcoming ? { status: 'inactive', effectiveAt: upcoming.effectiveAt } : { status: 'missing' };
  }

  /** Whether a client may report a token for this ID (saved, even if not active yet, and not deleted). */
  known(id: number): boolean {
    return Boolean(this.latest(id)?.config) || this.lookup(id).status === 'active';
  }

  list(): CertificateView[] {
    const now = this.clock.now();
    return [...this.versions.entries()].sort(([a], [b]) => a - b).map(([id, all]) => {
      const active = all.filter((v) => v.effectiveAt <= now).at(-1);
      return {
        id,
        active: active?.config ? { config: active.config, version: active.version, effectiveAt: active.effectiveAt } : null,
        pending: all.filter((v) => v.effectiveAt > now).map((v) => ({ config: v.config, version: v.version, savedAt: v.savedAt, effectiveAt: v.effectiveAt })),
      };
    });
  }

  private latest(id: number): Version | undefined {
    return this.versions.get(id)?.at(-1);
  }

  private save(id: number, config: CertificateConfig): { config: CertificateConfig; effectiveAt: number } {
    const { effectiveAt } = this.push(id, config);
    return { config, effectiveAt };
  }

  private push(id: number, config: CertificateConfig | null): Version {
    const all = this.versions.get(id) ?? [];
    const now = this.clock.now();
    const v: Version = { config, version: (all.at(-1)?.version ?? 0) + 1, savedAt: now, effectiveAt: now + this.activationDelayMs };
    all.push(v);
    this.versions.set(id, all);
    return v;
  }
}
