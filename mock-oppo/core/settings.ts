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
};

/** The most messages a mock can be told to keep (each costs ~1–2 KiB). */
export const MAX_MESSAGE_RETENTION = 10_000_000;

export function resolveSettings(partial: Partial<MockSettings> = {}): MockSettings {
  const settings = { ...DEFAULT_SETTINGS, ...partial };
  if (settings.flowControlWindow !== 'clock' && settings.flowControlWindow !== 'real') throw new RangeError(`settings.flowControlWindow must be 'clock' or 'real', got '${settings.flowControlWindow}'`);
  if (!(settings.qpsFactor > 0) || !Number.isFinite(settings.qpsFactor)) throw new RangeError(`settings.qpsFactor must be a positive number, got ${settings.qpsFactor}`);
  for (const key of ['messageRetention', 'journalCapacity', 'receiptLogCapacity'] as const) {
    const n = settings[key];
    if (!Number.isSafeInteger(n) || n < 1 || n > MAX_MESSAGE_RETENTION) throw new RangeError(`settings.${key} must be a whole number from 1 to ${MAX_MESSAGE_RETENTION}, got ${n}`);
  }
  return settings;
}

/** `--retention <n>` of the command-line entries: the number, or the usage problem. */
export function parseRetention(text: string): number | { problem: string } {
  const n = /^\d+$/.test(text.trim()) ? Number(text) : NaN;
  if (!Number.isSafeInteger(n) || n < 1 || n > MAX_MESSAGE_RETENTION) return { problem: `--retention takes a whole number of messages from 1 to ${MAX_MESSAGE_RETENTION}, got '${text}'` };
  return n;
}
