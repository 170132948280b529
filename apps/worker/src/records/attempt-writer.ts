import type { AttemptRecord } from '@hookline/db';

export interface AttemptWriterOptions {
  write: (records: AttemptRecord[]) => Promise<void>;
  /** Most records in one statement. */
  maxBatch?: number;
  /** How long the first record of a batch waits for company. */
  lingerMs?: number;
  /** Called when a write fails; the batch is kept and written again. */
  onWriteError?: (error: unknown, pending: number) => void;
  /** Called when a record is refused for its content and written in reduced form instead. */
  onReduced?: (error: unknown, record: AttemptRecord) => void;
  /** Called after each batch is committed, with its size (metrics). */
  onBatchWritten?: (size: number) => void;
  /** Called when a batch write fails, transient or not (metrics). */
  onBatchFailed?: (transient: boolean) => void;
  /** Whether an error may pass by itself (database away). Others are the data's fault. */
  isTransient?: (error: unknown) => boolean;
}

interface Queued {
  record: AttemptRecord;
  /** Already the reduced form: if this one is refused too, the record is lost. */
  reducedTried?: boolean;
  resolve: () => void;
  reject: (error: unknown) => void;
  /** Written on its own: its batch failed for a reason that was not transient. */
  alone?: boolean;
}

/**
 * PostgreSQL away (connection refused or dropped, shutting down, too many
 * connections): wait for it. Any SQLSTATE outside those classes is an error
 * in the data, which no amount of waiting fixes.
 */
export function isTransientDbError(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  if (typeof code !== 'string') return true;
  if (/^E[A-Z]+$/.test(code)) return true; // ECONNREFUSED, ECONNRESET, ETIMEDOUT, ...
  return code.startsWith('08') || code.startsWith('57P') || code === '53300' || code === '40001' || code === '40P01';
}

/** Status, timing and error kind: what remains of an attempt whose full record was refused. */
export function reducedRecord(record: AttemptRecord, error: unknown): AttemptRecord {
  const code = (error as { code?: unknown })?.code;
  return {
    ...record,
    requestHeaders: {},
    responseHeaders: null,
    responseBody: null,
    responseBodyEncoding: 'utf8',
    errorMessage: record.errorKind ? `record reduced (database refused it${typeof code === 'string' ? `: ${code}` : ''})` : null,
    url: record.url && /^[\x20-\x7e]*$/.test(record.url) ? record.url : null,
    reduced: true,
  };
}

/**
 * Attempts are written in batches, and a job completes only after its attempt
 * is written: `record()` resolves when the row is committed. While PostgreSQL
 * is down, records stay here and are written when it is back; the jobs waiting
 * on them keep their BullMQ locks, so nobody else picks them up meanwhile.
 */
export class AttemptWriter {
  private queue: Queued[] = [];
  private timer: NodeJS.Timeout | null = null;
  private writing: Promise<void> | null = null;
  private failures = 0;
  private readonly maxBatch: number;
  private readonly lingerMs: number;
  written = 0;
  batches = 0;

  constructor(private readonly options: AttemptWriterOptions) {
    this.maxBatch = options.maxBatch ?? 1000;
    this.lingerMs = options.lingerMs ?? 5;
  }

  /** Resolves once written; rejects only if the record itself can never be written. */
  record(record: AttemptRecord): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ record, resolve, reject });
      this.schedule();
    });
  }

  get pending(): number {
    return this.queue.length;
  }

  /** Writes everything queued, retrying until it is written. */
  async flush(): Promise<void> {
    this.clearTimer();
    while (this.writing || this.queue.length > 0) {
      if (this.writing) {
        await this.writing;
        continue;
      }
      this.clearTimer();
      if (this.failures > 0) await new Promise((resolve) => setTimeout(resolve, this.backoffMs()));
      await this.writeBatch();
    }
  }

  private takeBatch(): Queued[] {
    const end = this.queue.findIndex((q, i) => q.alone || i >= this.maxBatch);
    return this.queue.splice(0, end === -1 ? this.queue.length : end);
  }

  private schedule(): void {
    if (this.writing || this.timer) return;
    const delay = this.queue.length >= this.maxBatch ? 0 : this.failures > 0 ? this.backoffMs() : this.lingerMs;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.writeBatch();
    }, delay);
  }

  private backoffMs(): number {
    return Math.min(100 * 2 ** (this.failures - 1), 5_000);
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private writeBatch(): Promise<void> {
    if (this.writing) return this.writing;
    const batch = this.queue[0]?.alone ? this.queue.splice(0, 1) : this.takeBatch();
    if (batch.length === 0) return Promise.resolve();
    this.writing = this.options
      .write(batch.map((q) => q.record))
      .then(
        () => {
          this.failures = 0;
          this.written += batch.length;
          this.batches += 1;
          this.options.onBatchWritten?.(batch.length);
          for (const q of batch) q.resolve();
        },
        (error: unknown) => {
          const transient = (this.options.isTransient ?? isTransientDbError)(error);
          this.options.onBatchFailed?.(transient);
          if (transient) {
            this.failures += 1;
            this.queue.unshift(...batch);
            this.options.onWriteError?.(error, this.queue.length);
          } else if (batch.length > 1) {
            // One bad record must not hold back the others: write them one by one to find it.
            for (const q of batch) q.alone = true;
            this.queue.unshift(...batch);
          } else if (!batch[0]!.reducedTried) {
            // Refused for what it holds (e.g. bytes PostgreSQL rejects): keep what the delivery
            // needs, so it is never sent again merely because its record failed.
            const q = batch[0]!;
            this.queue.unshift({ ...q, record: reducedRecord(q.record, error), reducedTried: true, alone: true });
            this.options.onReduced?.(error, q.record);
          } else if ((error as { code?: unknown })?.code === '23503') {
            // Its delivery no longer exists (removed with its documentation or by retention):
            // there is nothing to record it against, and failing would only send it again.
            batch[0]!.resolve();
          } else {
            batch[0]!.reject(error);
          }
        },
      )
      .finally(() => {
        this.writing = null;
        if (this.queue.length > 0) this.schedule();
      });
    return this.writing;
  }
}
