import { ingestEvent, ingestEvents, type Db, type IngestInput, type IngestResult } from '@hookline/db';
import type { DeliveryQueue } from '@hookline/queue';
import { enqueueAfterCommit } from './enqueue';
import type { Logger } from './logger';

interface Waiting {
  input: IngestInput;
  /** The request's traceparent, carried by its jobs. */
  trace?: string;
  resolve: (result: Extract<IngestResult, { kind: 'created' }>) => void;
  reject: (error: unknown) => void;
}

/** Jobs that carry the request's trace context (the same objects when there is none). */
export function withTrace<T extends object>(deliveries: T[], trace: string | undefined): Array<T & { trace?: string }> {
  return trace ? deliveries.map((d) => ({ ...d, trace })) : deliveries;
}

export interface IngestBatcherOptions {
  db: Db;
  queue: DeliveryQueue;
  logger: Logger;
  redisTimeoutMs?: number;
  /** Most events in one statement. */
  maxBatch?: number;
}

/**
 * Events posted at the same moment are ingested together: the requests that
 * arrive while one batch is being written become the next batch, so a single
 * producer waits for nobody, and many producers share two PostgreSQL round
 * trips and one addBulk per batch instead of paying them each. Each request is
 * answered once its own event is committed (and its jobs handed to Redis, or
 * left to the reconciler).
 */
export class IngestBatcher {
  private waiting: Waiting[] = [];
  private running = false;

  constructor(private readonly options: IngestBatcherOptions) {}

  ingest(input: IngestInput, trace?: string): Promise<Extract<IngestResult, { kind: 'created' }>> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ input, trace, resolve, reject });
      if (!this.running) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      while (this.waiting.length > 0) {
        const batch = this.waiting.splice(0, this.options.maxBatch ?? 500);
        await this.write(batch);
      }
    } finally {
      this.running = false;
    }
  }

  private async write(batch: Waiting[]): Promise<void> {
    const { db, queue, logger, redisTimeoutMs } = this.options;
    let results: Array<Extract<IngestResult, { kind: 'created' }> | Error>;
    try {
      results = await ingestEvents(db, batch.map((w) => w.input));
    } catch (error) {
      if (batch.length === 1) {
        batch[0]!.reject(error);
        return;
      }
      // One event the database refuses must not fail the others: write them one by one.
      results = await Promise.all(
        batch.map((w) =>
          ingestEvent(db, w.input).then(
            (result) => result as Extract<IngestResult, { kind: 'created' }>,
            (single: unknown) => (single instanceof Error ? single : new Error(String(single))),
          ),
        ),
      );
    }
    const created = results.flatMap((result, i) => (result instanceof Error ? [] : withTrace(result.deliveries, batch[i]!.trace)));
    await enqueueAfterCommit(queue, created, logger, redisTimeoutMs);
    batch.forEach((w, i) => {
      const result = results[i]!;
      if (result instanceof Error) w.reject(result);
      else w.resolve(result);
    });
  }
}
