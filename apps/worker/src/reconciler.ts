import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { disableFailingWebhooks, findOverdueDeliveries, type Db } from '@hookline/db';
import type { DeliveryQueue } from '@hookline/queue';
import type { Logger } from '@hookline/telemetry';
import type { WorkerMetrics } from './metrics';

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
  metrics?: Pick<WorkerMetrics, 'reconcilerRun'>;
  /** Run at the end of each pass, under the lock (operational notices of failing and recovered webhooks). */
  afterPass?: () => Promise<void>;
  /**
   * How long an attempt taken before Redis lost its data may still be in
   * flight (the delivery timeout plus a margin). Until then nothing is
   * re-enqueued after Redis comes back empty. Default 0.
   */
  settleMs?: number;
}

/** When the Redis this queue lives in started empty, as far as the reconcilers know. */
export const reconcilerEpochKey = (prefix: string) => `${prefix}:reconciler-epoch`;

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

  /** The deliveries among `ids` whose job (id = delivery id) is not in Redis. */
  private async withoutJob(ids: string[]): Promise<string[]> {
    const pipeline = this.options.redis.pipeline();
    for (const id of ids) pipeline.exists(this.options.queue.queue.toKey(id));
    const answers = (await pipeline.exec()) ?? [];
    return ids.filter((_, i) => {
      const [error, exists] = answers[i] ?? [new Error('no answer'), null];
      if (error) throw error;
      return exists === 0;
    });
  }

  /** One pass; returns how many deliveries were handed to the queue. */
  async runOnce(): Promise<number> {
    const { redis, prefix, intervalMs } = this.options;
    const lockKey = `${prefix}:reconciler-lock`;
    const token = randomUUID();
    const locked = await redis.set(lockKey, token, 'PX', Math.max(intervalMs * 2, 30_000), 'NX');
    if (locked !== 'OK') {
      this.options.metrics?.reconcilerRun('locked_elsewhere');
      return 0;
    }
    let total = 0;
    try {
      total = (await this.redisSettled()) ? await this.enqueueOverdue() : 0;
      if (total > 0) this.options.logger.info('overdue deliveries handed to the queue', { count: total });
      await this.disableFailingWebhooks();
      await this.options.afterPass?.();
      this.options.metrics?.reconcilerRun('ran', total);
      return total;
    } catch (error) {
      this.options.metrics?.reconcilerRun('failed', total);
      throw error;
    } finally {
      await redis.eval(RELEASE, 1, lockKey, token);
    }
  }

  /**
   * Whether Redis has held its data long enough to trust "no job" as "lost".
   * Right after Redis restarted empty or was flushed, a delivery whose attempt
   * is still in flight in some worker has no job either (its job went with the
   * data), and re-enqueueing it would send it a second time while the first
   * request is still open. Every attempt ends within the delivery timeout and
   * is recorded before its worker moves on, so after `settleMs` PostgreSQL
   * tells the truth about it.
   */
  private async redisSettled(): Promise<boolean> {
    const { redis, prefix, logger } = this.options;
    const settleMs = this.options.settleMs ?? 0;
    const key = reconcilerEpochKey(prefix);
    const now = Date.now();
    if ((await redis.set(key, String(now), 'NX')) === 'OK' && settleMs > 0) {
      logger.info('Redis holds no reconciler epoch (new, restarted or flushed): re-enqueueing waits for attempts in flight', { settleMs });
    }
    const since = Number(await redis.get(key));
    return !Number.isFinite(since) || now - since >= settleMs;
  }

  private async enqueueOverdue(): Promise<number> {
    const { db, queue, graceMs } = this.options;
    const dueBefore = new Date(Date.now() - graceMs);
    let afterId: string | null = null;
    let total = 0;
    for (;;) {
      const page = await findOverdueDeliveries(db, dueBefore, afterId, this.options.pageSize ?? 1000);
      if (page.length === 0) break;
      afterId = page[page.length - 1]!.deliveryId;
      // Most overdue deliveries still have their job (queued behind a backlog, or in
      // flight). Re-adding those is a no-op, but a job that completes between the
      // SELECT above and the add is removed from Redis, so the add would create it
      // again and the delivery would be attempted twice. Hence: keep only those with
      // no job now, then read them again — a job is removed only after its attempt is
      // written, so one that finished meanwhile is no longer due in this second read.
      const jobless = await this.withoutJob(page.map((d) => d.deliveryId));
      if (jobless.length === 0) continue;
      const due = await findOverdueDeliveries(db, dueBefore, null, jobless.length, jobless);
      await queue.enqueue(due.map((d) => ({ deliveryId: d.deliveryId, webhookId: d.webhookId, eventId: d.eventId, priorAttempts: d.attempts })));
      total += due.length;
    }
    return total;
  }
}
