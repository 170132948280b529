import { Worker, type WorkerOptions } from 'bullmq';
import { jobCatalog, type DeliveryJob, type JobHandlers } from './catalog';
import type { RedisClient } from './redis';
import { shardPrefixes } from './shards';

export interface DeliveryWorkersOptions {
  connection: RedisClient;
  /** The base hash tag (QUEUE_PREFIX). */
  prefix: string;
  /** QUEUE_SHARDS. */
  shards: number;
  /** WORKER_SHARDS: the shards this process consumes; default all. */
  consume?: number[];
  /** Jobs in flight in this process, shared out over the shards it consumes. */
  concurrency: number;
  lockDuration: number;
  maxStalledCount: number;
  stalledInterval: number;
  backoffStrategy: NonNullable<WorkerOptions['settings']>['backoffStrategy'];
}

/**
 * Gives a job's fetch slot back while the job waits in the process (its
 * webhook at its limit, its turn booked): the worker fetches one more job
 * meanwhile. Returns the function that takes the slot back (idempotent).
 */
export type LendSlot = () => () => void;

/** The catalog's deliver handler, given the means to lend its slot while it waits. */
export type DeliverHandler = (job: Parameters<JobHandlers['deliver']>[0], token: string | undefined, lendSlot: LendSlot) => Promise<unknown>;

/**
 * The consumer side: one BullMQ worker per consumed shard (each holds its own
 * blocking connection), all running the catalog's `deliver` handler.
 */
export class DeliveryWorkers {
  readonly shards: number[];
  private readonly workers: Worker<DeliveryJob>[];

  constructor(handlers: { deliver: DeliverHandler }, options: DeliveryWorkersOptions) {
    const prefixes = shardPrefixes(options.prefix, options.shards);
    this.shards = options.consume ?? prefixes.map((_, shard) => shard);
    const concurrency = Math.max(1, Math.ceil(options.concurrency / this.shards.length));
    this.workers = this.shards.map((shard) => {
      let lent = 0;
      const worker: Worker<DeliveryJob> = new Worker<DeliveryJob>(jobCatalog.deliver.queue, (job, token) => handlers.deliver(job, token, lendSlot), {
        connection: options.connection,
        prefix: prefixes[shard]!,
        concurrency,
        lockDuration: options.lockDuration,
        maxStalledCount: options.maxStalledCount,
        stalledInterval: options.stalledInterval,
        settings: { backoffStrategy: options.backoffStrategy },
      });
      // A job waiting for its turn is still active (locked, renewed, stall-checked), so BullMQ
      // counts it against the concurrency; raising the concurrency by the jobs waiting keeps
      // `concurrency` slots for jobs that can run, so a waiting tenant never blocks the fetch.
      const lendSlot: LendSlot = () => {
        lent += 1;
        worker.concurrency = concurrency + lent;
        wakeFetchLoop(worker);
        let returned = false;
        return () => {
          if (returned) return;
          returned = true;
          lent -= 1;
          worker.concurrency = concurrency + lent;
        };
      };
      return worker;
    });
  }

  on(event: 'error', listener: (error: Error) => void): void;
  on(event: 'failed', listener: (job: { id?: string } | undefined, error: Error) => void): void;
  on(event: 'stalled', listener: (jobId: string) => void): void;
  on(event: 'error' | 'failed' | 'stalled', listener: (...args: never[]) => void): void {
    for (const worker of this.workers) worker.on(event, listener as never);
  }

  get running(): boolean {
    return this.workers.length > 0 && this.workers.every((worker) => worker.isRunning());
  }

  async waitUntilReady(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.waitUntilReady()));
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.close()));
  }
}

/**
 * BullMQ's fetch loop waits for a running job to end before it looks at the
 * concurrency again; a raised concurrency must take effect now, or a slot
 * lent while every running job hangs stays unused until one ends. This is
 * what BullMQ's own resume() does (adds a resolved promise to the loop's
 * queue). Its absence is caught by the lending test in delivery-workers.test.ts.
 */
function wakeFetchLoop(worker: Worker<DeliveryJob>): void {
  (worker as unknown as { mainLoopQueue?: { add(promise: Promise<unknown>): void } | null }).mainLoopQueue?.add(Promise.resolve());
}
