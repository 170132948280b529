import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { findOverdueDeliveries, type Db } from '@hookline/db';
import type { DeliveryQueue } from '@hookline/queue';
import type { Logger } from '@hookline/telemetry';

export interface ReconcilerOptions {
  db: Db;
  redis: Redis;
  queue: DeliveryQueue;
  logger: Logger;
  prefix: string;
  intervalMs: number;
  graceMs: number;
  pageSize?: number;
}

// Release only our own lock: it may have expired and been taken by another worker.
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

/**
 * Brings back deliveries that PostgreSQL says are due but that have no job:
 * the API died between commit and enqueue, or Redis lost its data. One worker
 * at a time runs it (a Redis lock); re-adding a job that still exists is a
 * no-op because the job id is the delivery id.
 */
export class Reconciler {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;

  constructor(private readonly options: ReconcilerOptions) {}

  start(): void {
    const tick = () => {
      this.running = this.runOnce()
        .catch((error) => {
          this.options.logger.warn('reconciler pass failed', { err: error });
          return 0;
        })
        .finally(() => {
          this.running = null;
          if (this.timer !== null) this.timer = setTimeout(tick, this.options.intervalMs);
        });
    };
    this.timer = setTimeout(tick, Math.min(this.options.intervalMs, 1_000));
  }

  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  /** One pass; returns how many deliveries were handed to the queue. */
  async runOnce(): Promise<number> {
    const { db, redis, queue, prefix, graceMs, intervalMs } = this.options;
    const lockKey = `${prefix}:reconciler-lock`;
    const token = randomUUID();
    const locked = await redis.set(lockKey, token, 'PX', Math.max(intervalMs * 2, 30_000), 'NX');
    if (locked !== 'OK') return 0;
    try {
      const dueBefore = new Date(Date.now() - graceMs);
      let afterId: string | null = null;
      let total = 0;
      for (;;) {
        const page = await findOverdueDeliveries(db, dueBefore, afterId, this.options.pageSize ?? 1000);
        if (page.length === 0) break;
        await queue.enqueue(page.map((d) => ({ deliveryId: d.deliveryId, webhookId: d.webhookId, eventId: d.eventId, priorAttempts: d.attempts })));
        total += page.length;
        afterId = page[page.length - 1]!.deliveryId;
      }
      if (total > 0) this.options.logger.info('reconciler re-enqueued overdue deliveries', { count: total });
      return total;
    } finally {
      await redis.eval(RELEASE, 1, lockKey, token);
    }
  }
}
