/**
 * Delivery receipts (reference §6): JSON arrays POSTed to `call_back_url`, receipts for the same
 * URL batched per turn of the event loop. Every receipt is logged with its fate.
 */
import type { Clock, TimerHandle } from './clock.ts';
import type { Faults } from './faults.ts';
import { Ring } from './ring.ts';

export type ReceiptEvent = 'push_arrive' | 'regid_invalid' | 'user_daily_limit';

/** One array element exactly as OPPO posts it (`eventTime` as a string: [uncertain], the doc example quotes it). */
export interface ReceiptBody {
  messageId: string;
  appId: string;
  taskId: string;
  registrationIds: string;
  eventTime: string;
  param: string;
  eventType: ReceiptEvent;
}

export type ReceiptStatus = 'pending' | 'delayed' | 'sent' | 'failed' | 'lost';

export interface ReceiptRecord {
  seq: number;
  url: string;
  body: ReceiptBody;
  status: ReceiptStatus;
  error?: string;
  createdAt: number;
  sentAt?: number;
}

export type ReceiptSender = (url: string, body: unknown) => Promise<void>;

/** Default sender: a real HTTP POST with `Content-Type: application/json`; a non-2xx answer counts as failed. */
export const fetchReceiptSender: ReceiptSender = async (url, body) => {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  await res.arrayBuffer();
  if (!res.ok) throw new Error(`receiver answered HTTP ${res.status}`);
};

export class Receipts {
  private log: Ring<ReceiptRecord>;
  private seq = 0;
  private batches = new Map<string, ReceiptRecord[]>();
  private flushScheduled = false;
  private inFlight = new Set<Promise<void>>();
  /** `receipt_delayed` receipts waiting on the clock; a reset cancels them with the rest of the state. */
  private delayed = new Set<TimerHandle>();

  constructor(
    private readonly clock: Clock,
    private readonly faults: Faults,
    private readonly sender: ReceiptSender,
    capacity: number,
  ) {
    this.log = new Ring(capacity);
  }

  emit(url: string, body: ReceiptBody): ReceiptRecord {
    const record: ReceiptRecord = { seq: ++this.seq, url, body, status: 'pending', createdAt: this.clock.now() };
    this.log.push(record);
    const fault = this.faults.take(['receipt_lost', 'receipt_delayed'], {
      endpoint: 'receipt',
      appId: body.appId,
      regIds: body.registrationIds.split(','),
    });
    if (fault?.kind === 'receipt_lost') {
      record.status = 'lost';
    } else if (fault?.kind === 'receipt_delayed') {
      record.status = 'delayed';
      const timer = this.clock.setTimer(fault.delayMs, () => {
        this.delayed.delete(timer);
        this.enqueue(record);
      });
      this.delayed.add(timer);
    } else {
      this.enqueue(record);
    }
    return record;
  }

  list(): ReceiptRecord[] {
    return this.log.toArray();
  }

  /** Resolves once every receipt handed to the sender so far has been answered (or failed). */
  async settled(): Promise<void> {
    while (this.flushScheduled || this.inFlight.size > 0) {
      if (this.flushScheduled) await new Promise<void>((resolve) => setImmediate(resolve));
      await Promise.all([...this.inFlight]);
    }
  }

  clear(): void {
    for (const timer of this.delayed) timer.cancel();
    this.delayed.clear();
    this.log.clear();
    this.batches.clear();
  }

  private enqueue(record: ReceiptRecord): void {
    const batch = this.batches.get(record.url);
    if (batch) batch.push(record);
    else this.batches.set(record.url, [record]);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => this.flush());
    }
  }

  private flush(): void {
    this.flushScheduled = false;
    const batches = this.batches;
    this.batches = new Map();
    for (const [url, records] of batches) {
      // Through a resolved promise, so a sender that throws synchronously is a failed receipt, not a crash.
      const sending = Promise.resolve().then(() => this.sender(url, records.map((r) => r.body))).then(
        () => this.settle(records, 'sent'),
        (err: unknown) => this.settle(records, 'failed', err instanceof Error ? err.message : String(err)),
      );
      this.inFlight.add(sending);
      void sending.finally(() => this.inFlight.delete(sending));
    }
  }

  private settle(records: ReceiptRecord[], status: ReceiptStatus, error?: string): void {
    const at = this.clock.now();
    for (const r of records) {
      r.status = status;
      r.sentAt = at;
      if (error !== undefined) r.error = error;
    }
  }
}
