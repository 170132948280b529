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
 * The consumer side: one BullMQ worker per consumed shard (each holds its own
 * blocking connection), all running the catalog's `deliver` handler.
 */
export class DeliveryWorkers {
  readonly shards: number[];
  private readonly workers: Worker<DeliveryJob>[];

  constructor(handlers: Pick<JobHandlers, 'deliver'>, options: DeliveryWorkersOptions) {
    const prefixes = shardPrefixes(options.prefix, options.shards);
    this.shards = options.consume ?? prefixes.map((_, shard) => shard);
    const concurrency = Math.max(1, Math.ceil(options.concurrency / this.shards.length));
    this.workers = this.shards.map(
      (shard) =>
        new Worker<DeliveryJob>(jobCatalog.deliver.queue, handlers.deliver, {
          connection: options.connection,
          prefix: prefixes[shard]!,
          concurrency,
          lockDuration: options.lockDuration,
          maxStalledCount: options.maxStalledCount,
          stalledInterval: options.stalledInterval,
          settings: { backoffStrategy: options.backoffStrategy },
        }),
    );
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
