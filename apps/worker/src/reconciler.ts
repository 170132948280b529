import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { disableFailingWebhooks, findOverdueDeliveries, type Db } from '@hookline/db';
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
  /** A webhook whose every attempt failed for this long is disabled. */
  autoDisableAfterMs: number;
  onWebhooksDisabled: (ids: string[]) => Promise<void>;
  pageSize?: number;
}

export function autoDisableReason(afterMs: number): string {
  const hours = afterMs / 3_600_000;
  const span = hours >= 48 && Number.isInteger(hours / 24) ? `${hours / 24} days` : `${+hours.toFixed(2)} hours`;
  // %s: when the failures began (filled in by PostgreSQL's format()).
  return `Every delivery attempt has failed since %s (longer than ${span}), so Hookline disabled this webhook. Fix the endpoint, re-enable it, and recover the deliveries that failed meanwhile.`;
}

// Release only our own lock: it may have expired and been taken by another worker.
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

/**
 * Also, under the same lock, disables webhooks that have failed for the whole
 * auto-disable window.
 *
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

  private async disableFailingWebhooks(): Promise<void> {
    const { db, autoDisableAfterMs, logger } = this.options;
    const disabled = await disableFailingWebhooks(db, new Date(Date.now() - autoDisableAfterMs), autoDisableReason(autoDisableAfterMs));
    if (disabled.length === 0) return;
    for (const webhook of disabled) logger.warn('webhook disabled after failing for the whole window', { webhookId: webhook.id, failingSince: webhook.failingSince });
    await this.options.onWebhooksDisabled(disabled.map((w) => w.id));
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
      if (total > 0) this.options.logger.info('overdue deliveries handed to the queue', { count: total });
      await this.disableFailingWebhooks();
      return total;
    } finally {
      await redis.eval(RELEASE, 1, lockKey, token);
    }
  }
}
