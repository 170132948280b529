import { Queue, type Job, type JobType } from 'bullmq';
import { jobCatalog, type DeliveryJob } from './catalog';
import type { RedisClient } from './redis';
import { shardOf, shardPrefixes } from './shards';

export interface DeliveryQueueOptions {
  /** The base hash tag (QUEUE_PREFIX); shards derive theirs from it. */
  prefix: string;
  /** QUEUE_SHARDS; default 1 (one queue under the base tag, as before sharding). */
  shards?: number;
}

/** A delivery, as far as the queue needs to know it: its shard follows from the webhook. */
export interface DeliveryRef {
  deliveryId: string;
  webhookId: string;
}

export interface ShardDepth {
  shard: number;
  prefix: string;
  waiting: number;
  delayed: number;
  active: number;
}

/** BullMQ refuses ':' in custom ids, and the id must not look like an integer. */
const manualJobId = (deliveryId: string, requestId: string) => `${deliveryId}.manual.${requestId}`;

const { queue: QUEUE_NAME, schema, defaultOptions } = jobCatalog.deliver;

/**
 * The producer side of the delivery queues, one BullMQ queue per shard.
 * `jobId` is the delivery id, so a delivery re-enqueued by the reconciler
 * while its job still exists is not queued twice. Nothing outside this class
 * touches a BullMQ queue: which shard holds a delivery is decided here only.
 */
export class DeliveryQueue {
  /** The hash tag of each shard, by shard number. */
  readonly prefixes: readonly string[];
  readonly basePrefix: string;
  private readonly queues: Queue<DeliveryJob>[];

  constructor(private readonly connection: RedisClient, options: DeliveryQueueOptions) {
    this.basePrefix = options.prefix;
    this.prefixes = shardPrefixes(options.prefix, options.shards ?? 1);
    this.queues = this.prefixes.map((prefix) => new Queue<DeliveryJob>(QUEUE_NAME, { connection, prefix, defaultJobOptions: defaultOptions }));
  }

  get shardCount(): number {
    return this.prefixes.length;
  }

  shardOf(webhookId: string): number {
    return shardOf(webhookId, this.prefixes.length);
  }

  private queueOf(webhookId: string): Queue<DeliveryJob> {
    return this.queues[this.shardOf(webhookId)]!;
  }

  private groupByShard<T extends { webhookId: string }>(items: T[]): Map<number, T[]> {
    const byShard = new Map<number, T[]>();
    for (const item of items) {
      const shard = this.shardOf(item.webhookId);
      const group = byShard.get(shard);
      if (group) group.push(item);
      else byShard.set(shard, [item]);
    }
    return byShard;
  }

  /** One addBulk per shard touched, in parallel: each is one round trip to the primary owning that shard. */
  async enqueue(jobs: DeliveryJob[]): Promise<void> {
    const byShard = this.groupByShard(
      jobs.map((job) => schema.parse({ deliveryId: job.deliveryId, webhookId: job.webhookId, eventId: job.eventId, priorAttempts: job.priorAttempts || undefined, trace: job.trace })),
    );
    await Promise.all(
      [...byShard].map(([shard, group]) => this.queues[shard]!.addBulk(group.map((data) => ({ name: 'deliver', data, opts: { jobId: data.deliveryId } })))),
    );
  }

  /** One attempt now, outside the delivery's schedule (redeliver). */
  async enqueueManual(job: Pick<DeliveryJob, 'deliveryId' | 'webhookId' | 'eventId'>, requestId: string): Promise<void> {
    const data = schema.parse({ ...job, manual: true });
    await this.queueOf(job.webhookId).add('deliver', data, { jobId: manualJobId(job.deliveryId, requestId), attempts: 1 });
  }

  /** Removes waiting or delayed jobs of these deliveries; active ones finish and then see the cancellation. */
  async cancel(deliveries: DeliveryRef[]): Promise<void> {
    await Promise.all(deliveries.map((d) => this.queueOf(d.webhookId).remove(d.deliveryId)));
  }

  /**
   * The deliveries among these whose scheduled job (id = delivery id) is not
   * in Redis: one pipeline of EXISTS per shard (a shard's keys share a slot,
   * so each pipeline goes to one node). Throws if any answer is an error.
   */
  async withoutJob(deliveries: DeliveryRef[]): Promise<DeliveryRef[]> {
    const byShard = this.groupByShard(deliveries);
    const missing = await Promise.all(
      [...byShard].map(async ([shard, group]) => {
        const pipeline = this.connection.pipeline();
        for (const d of group) pipeline.exists(this.queues[shard]!.toKey(d.deliveryId));
        const answers = (await pipeline.exec()) ?? [];
        return group.filter((_, i) => {
          const [error, exists] = answers[i] ?? [new Error('no answer'), null];
          if (error) throw error;
          return exists === 0;
        });
      }),
    );
    return missing.flat();
  }

  /** The scheduled job of a delivery, or undefined; looks in the delivery's shard when the webhook is given. */
  async getJob(deliveryId: string, webhookId?: string): Promise<Job<DeliveryJob> | undefined> {
    const candidates = webhookId ? [this.queueOf(webhookId)] : this.queues;
    for (const queue of candidates) {
      const job = await queue.getJob(deliveryId);
      if (job) return job;
    }
    return undefined;
  }

  async getJobs(types: JobType[]): Promise<Job<DeliveryJob>[]> {
    return (await Promise.all(this.queues.map((queue) => queue.getJobs(types)))).flat();
  }

  /** Jobs per shard (for metrics and for draining before changing the number of shards). */
  async depths(): Promise<ShardDepth[]> {
    return Promise.all(
      this.queues.map(async (queue, shard) => {
        const counts = await queue.getJobCounts('waiting', 'prioritized', 'delayed', 'active');
        return { shard, prefix: this.prefixes[shard]!, waiting: (counts.waiting ?? 0) + (counts.prioritized ?? 0), delayed: counts.delayed ?? 0, active: counts.active ?? 0 };
      }),
    );
  }

  /**
   * Readiness: one command in the slot of every shard, so a shard whose node
   * answers MOVED (a plain client pointed at a cluster), CLUSTERDOWN or
   * refuses connections makes this throw.
   */
  async ping(): Promise<void> {
    await Promise.all(this.queues.map((queue) => this.connection.exists(queue.toKey('meta'))));
  }

  onError(listener: (error: Error) => void): void {
    for (const queue of this.queues) queue.on('error', listener);
  }

  /** Tests and benchmarks: drop every job of every shard. */
  async obliterate(): Promise<void> {
    await Promise.all(this.queues.map((queue) => queue.obliterate({ force: true })));
  }

  async close(): Promise<void> {
    await Promise.all(this.queues.map((queue) => queue.close()));
  }
}
