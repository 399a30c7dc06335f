/**
 * Named settings for every behaviour the reference marks [uncertain] (see mock-oppo/README.md,
 * "Settings"). Defaults are the most plausible reading; a lab can flip one to test a backend
 * against the other reading.
 */
export interface MockSettings {
  /** Auth timestamp window in ms; [uncertain] whether future timestamps count, so it is symmetric: |now − ts| ≤ window. */
  authTimestampWindowMs: number;
  /** Token lifetime (24 h, confirmed). */
  tokenTtlMs: number;
  /** [uncertain] A token from the CN host is refused (11) on the intl host and vice versa. */
  tokenScopedToRegion: boolean;
  /** [uncertain] Reference §9.3: style-1 content limit 200 (doc + official SDK) vs 50 (newer comments). */
  contentMaxStyle1: number;
  /** [uncertain] `off_line_ttl` above 10 days: 'clamp' (doc) or 'reject' with 41 (official SDK). */
  offlineTtlOverMax: 'clamp' | 'reject';
  /** [uncertain] `show_ttl` rule: 'new' (0–12 h public, 0–24 h private) or 'legacy' (21 600–172 800 s). */
  showTtlRule: 'new' | 'legacy';
  /**
   * Seconds a notification stays in the shade when the sender gives no `show_ttl`: OPPO documents a
   * default of one day (reference §3). Applied when the message is handed to the phone, after the
   * checks (so a public message without show_ttl is not refused for exceeding 12 h). 0: no default.
   */
  defaultShowTtl: number;
  /**
   * [uncertain] A repeated `app_message_id` (per app; per target for unicast): 'return_existing'
   * answers 0 with the first message's id and pushes nothing; 'reject' answers 32 Data Duplicate.
   */
  duplicateAppMessageId: 'return_existing' | 'reject';
  /** [uncertain] Code for QPS flow control (−2, 13 or 55 in the wild). */
  flowControlCode: -2 | 13 | 55;
  /** Multiplies the documented per-app QPS (category weight × platform factor, both 1 by default). */
  qpsFactor: number;
  /**
   * Which second the QPS limit counts targets in. `clock` (default): the mock's own clock (on the
   * standalone mock it flows in real time). `real`: the wall clock's second — what a lab on a frozen
   * clock uses, so flow control still refuses (-2) past the app's tier, and a backend's retry after
   * its real-time backoff gets through once the second has passed: no stall (a frozen second never
   * ends), no silent skip (the limit still applies). A decision of ours, not OPPO's.
   */
  flowControlWindow: 'clock' | 'real';
  /** [uncertain] The feedback list is emptied once fetched (true) or returned again on every call. */
  feedbackClearsOnFetch: boolean;
  /** Request journal capacity (ring buffer). */
  journalCapacity: number;
  /** Receipt log capacity (ring buffer). */
  receiptLogCapacity: number;
  /**
   * How many messages the mock keeps for inspection (the control API's message list); beyond it the
   * oldest is forgotten, and its targets still queued are dropped with reason `evicted`. The totals
   * (`GET /_mock/v1/totals`) count every target ever accepted whatever this is. CLI: `--retention`.
   */
  messageRetention: number;
  /** Largest request body accepted before a 413. */
  maxBodyBytes: number;
  /** Seed for generated ids (regIds, tokens, message ids), so runs are reproducible. */
  seed: number;
  /**
   * [uncertain] `target_type` 3, the alias value of older docs and SDKs (two clients still send
   * it): 'reject' answers 41 as for any unknown type; 'alias' treats it as 5.
   */
  legacyTargetType3: 'reject' | 'alias';
  /** The journal keeps each answer's body too (masked like the requests). */
  journalResponses: boolean;
}

export const DEFAULT_SETTINGS: Readonly<MockSettings> = {
  authTimestampWindowMs: 600_000,
  tokenTtlMs: 86_400_000,
  tokenScopedToRegion: true,
  contentMaxStyle1: 200,
  offlineTtlOverMax: 'clamp',
  showTtlRule: 'new',
  defaultShowTtl: 86_400,
  duplicateAppMessageId: 'return_existing',
  flowControlCode: -2,
  qpsFactor: 1,
  flowControlWindow: 'clock',
  feedbackClearsOnFetch: true,
  journalCapacity: 1000,
  receiptLogCapacity: 1000,
  messageRetention: 10_000,
  maxBodyBytes: 10 * 1024 * 1024,
  seed: 20240601,
  legacyTargetType3: 'reject',
  journalResponses: true,
};

/** The most messages a mock can be told to keep (each costs ~1–2 KiB). */
export const MAX_MESSAGE_RETENTION = 10_000_000;

/** The ring sizes: whole numbers from 1 to MAX_MESSAGE_RETENTION (a fraction or 1e308 would make a ring no array can hold). */
const CAPACITIES = ['messageRetention', 'journalCapacity', 'receiptLogCapacity'] as const;
type Capacity = (typeof CAPACITIES)[number];
const capacityOk = (n: number): boolean => Number.isSafeInteger(n) && n >= 1 && n <= MAX_MESSAGE_RETENTION;
const capacityProblem = (key: Capacity, n: unknown): string => `${key} must be a whole number from 1 to ${MAX_MESSAGE_RETENTION}, got ${String(n)}`;

/** The allowed values of the settings that are a choice between readings. */
const CHOICES: Partial<Record<keyof MockSettings, readonly unknown[]>> = {
  offlineTtlOverMax: ['clamp', 'reject'],
  showTtlRule: ['new', 'legacy'],
  duplicateAppMessageId: ['return_existing', 'reject'],
  flowControlCode: [-2, 13, 55],
  legacyTargetType3: ['reject', 'alias'],
  flowControlWindow: ['clock', 'real'],
};

/**
 * Fixed when the mock starts (the logs' buffer sizes, the listener's body limit, the id seed the
 * state is built with); the control API cannot change them. `messageRetention` can change: a
 * smaller one forgets the oldest messages at once, as if they had aged out.
 */
export const START_ONLY_SETTINGS: ReadonlySet<keyof MockSettings> = new Set(['journalCapacity', 'receiptLogCapacity', 'maxBodyBytes', 'seed']);

/** Numbers for which 0 is a meaning of its own (no window, seed 0, no default show_ttl), not a size. */
const ZERO_ALLOWED: ReadonlySet<keyof MockSettings> = new Set(['authTimestampWindowMs', 'seed', 'defaultShowTtl']);

/**
 * Checks settings from outside (a --settings file, a flag, the control API): known names, the
 * default's type, a listed choice, numbers finite and not negative (sizes positive). Throws a
 * TypeError naming the first bad one; changes nothing.
 */
export function checkSettings(input: unknown): Partial<MockSettings> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new TypeError('settings must be a JSON object');
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(input)) {
    if (!Object.hasOwn(DEFAULT_SETTINGS, name)) throw new TypeError(`unknown setting ${name} (known: ${Object.keys(DEFAULT_SETTINGS).join(', ')})`);
    const key = name as keyof MockSettings;
    const choices = CHOICES[key];
    if (choices) {
      if (!choices.includes(value)) throw new TypeError(`${name} must be one of ${choices.map((c) => JSON.stringify(c)).join(', ')}`);
    } else if (typeof value !== typeof DEFAULT_SETTINGS[key]) {
      throw new TypeError(`${name} must be a ${typeof DEFAULT_SETTINGS[key]}`);
    } else if (typeof value === 'number' && (!Number.isFinite(value) || value < 0 || (value === 0 && !ZERO_ALLOWED.has(key)))) {
      throw new TypeError(`${name} must be a positive number`);
    } else if (CAPACITIES.includes(key as Capacity) && !capacityOk(value as number)) {
      throw new TypeError(capacityProblem(key as Capacity, value));
    }
    out[name] = value;
  }
  return out as Partial<MockSettings>;
}

export function resolveSettings(partial: Partial<MockSettings> = {}): MockSettings {
  const settings = { ...DEFAULT_SETTINGS, ...partial };
  if (settings.flowControlWindow !== 'clock' && settings.flowControlWindow !== 'real') throw new RangeError(`settings.flowControlWindow must be 'clock' or 'real', got '${settings.flowControlWindow}'`);
  if (!(settings.qpsFactor > 0) || !Number.isFinite(settings.qpsFactor)) throw new RangeError(`settings.qpsFactor must be a positive number, got ${settings.qpsFactor}`);
  for (const key of CAPACITIES) {
    if (!capacityOk(settings[key])) throw new RangeError(`settings.${capacityProblem(key, settings[key])}`);
  }
  return settings;
}

/** `--retention <n>` of the command-line entries: the number, or the usage problem. */
export function parseRetention(text: string): number | { problem: string } {
  const n = /^\d+$/.test(text.trim()) ? Number(text) : NaN;
  if (!Number.isSafeInteger(n) || n < 1 || n > MAX_MESSAGE_RETENTION) return { problem: `--retention takes a whole number of messages from 1 to ${MAX_MESSAGE_RETENTION}, got '${text}'` };
  return n;
}
