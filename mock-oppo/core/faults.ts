/** Fault injection: named presets scoped to an endpoint, an app or a regId, for N calls or a time span. */
import { CODES, type OppoCode } from './codes.ts';
import { parseDuration, type Clock, type Duration } from './clock.ts';

/** Preset → what it does. Code presets answer HTTP 200 with that OPPO code. */
export const FAULT_PRESETS = {
  flow_control: { kind: 'code', code: CODES.FLOW_CONTROL },
  service_unavailable: { kind: 'code', code: CODES.SERVICE_UNAVAILABLE },
  invalid_auth: { kind: 'code', code: CODES.INVALID_AUTH_TOKEN },
  app_call_limited: { kind: 'code', code: CODES.APP_CALL_LIMITED },
  quota_exhausted: { kind: 'code', code: CODES.DAILY_LIMIT },
  /** Per target: the matching targets are refused with 10000 (the rest of a batch/broadcast goes through). */
  invalid_regid: { kind: 'target', code: CODES.INVALID_REGID },
  latency: { kind: 'latency' },
  http_5xx: { kind: 'http' },
  drop_connection: { kind: 'drop' },
  receipt_lost: { kind: 'receipt_lost' },
  receipt_delayed: { kind: 'receipt_delayed' },
} as const satisfies Record<string, { kind: string; code?: OppoCode }>;

export type FaultPreset = keyof typeof FAULT_PRESETS;
export type FaultKind = (typeof FAULT_PRESETS)[FaultPreset]['kind'];

export interface FaultSpec {
  preset: FaultPreset;
  /** Endpoint name as in the journal (`auth`, `unicast`, `unicast_batch`, `broadcast`, `set_alias`, …). */
  endpoint?: string;
  appId?: string;
  appKey?: string;
  regId?: string;
  /** Only the next N matching calls (or receipts). Without `times` and `until`/`for` the fault stays until deleted. */
  times?: number;
  /** Active until this epoch ms (clock time). */
  until?: number;
  /** Active for this long from now (clock time), e.g. '10m'. */
  for?: Duration;
  /** latency: extra delay before the reply; receipt_delayed: delay before posting. Clock time, default 1000 ms. */
  delayMs?: number;
  /** http_5xx: the status (500–599, default 503). */
  status?: number;
}

export interface Fault {
  id: string;
  preset: FaultPreset;
  kind: FaultKind;
  code?: OppoCode;
  endpoint?: string;
  appId?: string;
  appKey?: string;
  regId?: string;
  remaining?: number;
  until?: number;
  delayMs: number;
  status: number;
  hits: number;
  createdAt: number;
}

export interface FaultContext {
  endpoint: string;
  appId?: string;
  appKey?: string;
  regIds?: readonly string[];
}

/** Checks a fault spec from the control API; throws TypeError with the reason. */
export function checkFaultSpec(input: unknown): FaultSpec {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new TypeError('a fault must be a JSON object');
  const raw = input as Record<string, unknown>;
  const preset = raw.preset;
  if (typeof preset !== 'string' || !Object.hasOwn(FAULT_PRESETS, preset)) {
    throw new TypeError(`fault.preset must be one of ${Object.keys(FAULT_PRESETS).join(', ')}`);
  }
  for (const key of ['endpoint', 'appId', 'appKey', 'regId'] as const) {
    if (raw[key] !== undefined && typeof raw[key] !== 'string') throw new TypeError(`fault.${key} must be a string`);
  }
  for (const key of ['times', 'until', 'delayMs', 'status'] as const) {
    const v = raw[key];
    if (v !== undefined && (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0)) throw new TypeError(`fault.${key} must be a non-negative integer`);
  }
  if (raw.status !== undefined && ((raw.status as number) < 500 || (raw.status as number) > 599)) throw new TypeError('fault.status must be 500–599');
  if (raw.for !== undefined) {
    if (typeof raw.for !== 'string' && typeof raw.for !== 'number') throw new TypeError("fault.for must be a duration such as '10m'");
    parseDuration(raw.for);
  }
  return raw as unknown as FaultSpec;
}

export class Faults {
  private faults: Fault[] = [];
  private seq = 0;

  constructor(private readonly clock: Clock) {}

  add(spec: FaultSpec): Fault {
    const def = FAULT_PRESETS[spec.preset];
    if (!def) throw new TypeError(`unknown fault preset '${String(spec.preset)}'`);
    const now = this.clock.now();
    const until = spec.until ?? (spec.for !== undefined ? now + parseDuration(spec.for) : undefined);
    const fault: Fault = {
      id: `fault-${++this.seq}`,
      preset: spec.preset,
      kind: def.kind,
      ...('code' in def ? { code: def.code } : {}),
      ...(spec.endpoint !== undefined ? { endpoint: spec.endpoint } : {}),
      ...(spec.appId !== undefined ? { appId: spec.appId } : {}),
      ...(spec.appKey !== undefined ? { appKey: spec.appKey } : {}),
      ...(spec.regId !== undefined ? { regId: spec.regId } : {}),
      ...(spec.times !== undefined ? { remaining: spec.times } : {}),
      ...(until !== undefined ? { until } : {}),
      delayMs: spec.delayMs ?? 1000,
      status: spec.status ?? 503,
      hits: 0,
      createdAt: now,
    };
    this.faults.push(fault);
    return fault;
  }

  list(): Fault[] {
    this.prune();
    return this.faults.map((f) => ({ ...f }));
  }

  remove(id: string): boolean {
    const before = this.faults.length;
    this.faults = this.faults.filter((f) => f.id !== id);
    return this.faults.length !== before;
  }

  clear(): void {
    this.faults = [];
  }

  /** True when no fault is active: lets the request path skip building a context. */
  get empty(): boolean {
    return this.faults.length === 0;
  }

  /** Consumes one use of the first active fault of one of `kinds` matching the call. */
  take(kinds: readonly FaultKind[], ctx: FaultContext): Fault | undefined {
    if (this.faults.length === 0) return undefined;
    this.prune();
    for (const fault of this.faults) {
      if (!kinds.includes(fault.kind)) continue;
      if (fault.endpoint !== undefined && fault.endpoint !== ctx.endpoint) continue;
      if (fault.appId !== undefined && fault.appId !== ctx.appId) continue;
      if (fault.appKey !== undefined && fault.appKey !== ctx.appKey) continue;
      if (fault.regId !== undefined && !ctx.regIds?.includes(fault.regId)) continue;
      fault.hits++;
      if (fault.remaining !== undefined && --fault.remaining <= 0) this.remove(fault.id);
      return fault;
    }
    return undefined;
  }

  private prune(): void {
    const now = this.clock.now();
    if (this.faults.some((f) => f.until !== undefined && f.until <= now)) {
      this.faults = this.faults.filter((f) => f.until === undefined || f.until > now);
    }
  }
}
