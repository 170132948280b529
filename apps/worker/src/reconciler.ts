import { randomUUID } from 'node:crypto';
import { disableFailingWebhooks, findOverdueDeliveries, scheduledAttemptsMade, type Db } from '@hookline/db';
import type { DeliveryQueue, RedisClient } from '@hookline/queue';
import type { Logger } from '@hookline/telemetry';
import type { WorkerMetrics } from './metrics';

export interface ReconcilerOptions {
  db: Db;
  redis: RedisClient;
  queue: DeliveryQueue;
  logger: Logger;
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
  /** Longest one pass runs; the next pass resumes where it stopped. Default max(intervalMs, 10 s). */
  maxPassMs?: number;
  /** Lifetime of the lock; it is renewed every third of it while a pass runs. Default 30 s. */
  lockTtlMs?: number;
}

/** When the Redis node holding this shard started empty, as far as the reconcilers know (one key per shard: on a cluster each node can lose its data alone). */
export const reconcilerEpochKey = (shardPrefix: string) => `${shardPrefix}:reconciler-epoch`;
export const reconcilerLockKey = (basePrefix: string) => `${basePrefix}:reconciler-lock`;

export function autoDisableReason(afterMs: number): string {
  const hours = afterMs / 3_600_000;
  const span = hours >= 48 && Number.isInteger(hours / 24) ? `${hours / 24} days` : `${+hours.toFixed(2)} hours`;
  // %s: when the failures began (filled in by PostgreSQL's format()).
  return `Every delivery attempt has failed since %s (longer than ${span}), so Hookline disabled this webhook. Fix the endpoint, re-enable it, and recover the deliveries that failed meanwhile.`;
}

// Release or renew only our own lock: it may have expired and been taken by another worker.
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;
const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;

/** The lock was lost (expired and taken, or Redis lost it): the pass stops before it re-enqueues anything more. */
class LockLost extends Error {}

/**
 * Also, under the same lock, disables webhooks that have failed for the whole
 * auto-disable window.
 *
 * Brings back deliveries that PostgreSQL says are due but that have no job:
 * the API died between commit and enqueue, or Redis lost its data. One worker
 * at a time runs it (a Redis lock, renewed while the pass runs); re-adding a
 * job that still exists is a no-op because the job id is the delivery id. A
 * pass over a large backlog is bounded in time and the next one resumes after
 * the last delivery it looked at.
 */
export class Reconciler {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;
  private resumeAfter: string | null = null;

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
    const { redis, queue } = this.options;
    const lockKey = reconcilerLockKey(queue.basePrefix);
    const ttl = this.options.lockTtlMs ?? 30_000;
    const token = randomUUID();
    if ((await redis.set(lockKey, token, 'PX', ttl, 'NX')) !== 'OK') {
      this.options.metrics?.reconcilerRun('locked_elsewhere');
      return 0;
    }
    let lost = false;
    const renewal = setInterval(() => {
      redis.eval(RENEW, 1, lockKey, token, String(ttl)).then(
        (renewed) => {
          if (renewed !== 1) lost = true;
        },
        () => undefined, // Redis away: the next renewal tries again, and the lock outlives one failure.
      );
    }, Math.max(100, Math.floor(ttl / 3)));
    const stillOurs = () => {
      if (lost) throw new LockLost('reconciler lock lost');
    };
    let total = 0;
    try {
      const settled = await this.settledShards();
      total = settled.size > 0 ? await this.enqueueOverdue(settled, stillOurs) : 0;
      if (total > 0) this.options.logger.info('overdue deliveries handed to the queue', { count: total });
      stillOurs();
      await this.disableFailingWebhooks();
      await this.options.afterPass?.();
      this.options.metrics?.reconcilerRun('ran', total);
      return total;
    } catch (error) {
      if (error instanceof LockLost) {
        this.options.logger.warn('reconciler lock lost mid-pass; stopped, the next pass resumes');
        this.options.metrics?.reconcilerRun('lock_lost', total);
        return 0;
      }
      this.options.metrics?.reconcilerRun('failed', total);
      throw error;
    } finally {
      clearInterval(renewal);
      await redis.eval(RELEASE, 1, lockKey, token).catch(() => undefined);
    }
  }

  /**
   * The shards whose Redis has held its data long enough to trust "no job"
   * as "lost". Right after a node restarted empty or was flushed, a delivery
   * whose attempt is still in flight in some worker has no job either (its job
   * went with the data), and re-enqueueing it would send it a second time
   * while the first request is still open. Every attempt ends within the
   * delivery timeout and is recorded before its worker moves on, so after
   * `settleMs` PostgreSQL tells the truth about it.
   */
  private async settledShards(): Promise<Set<number>> {
    const { redis, queue, logger } = this.options;
    const settleMs = this.options.settleMs ?? 0;
    const now = Date.now();
    const settled = new Set<number>();
    const fresh: number[] = [];
    for (const [shard, prefix] of queue.prefixes.entries()) {
      const key = reconcilerEpochKey(prefix);
      if ((await redis.set(key, String(now), 'NX')) === 'OK') fresh.push(shard);
      const since = Number(await redis.get(key));
      if (!Number.isFinite(since) || now - since >= settleMs) settled.add(shard);
    }
    if (fresh.length > 0 && settleMs > 0) {
      logger.info('Redis holds no reconciler epoch (new, restarted or flushed): re-enqueueing waits for attempts in flight', { settleMs, shards: fresh });
    }
    return settled;
  }

  private async enqueueOverdue(settled: Set<number>, stillOurs: () => void): Promise<number> {
    const { db, queue, graceMs } = this.options;
    const deadline = Date.now() + (this.options.maxPassMs ?? Math.max(this.options.intervalMs, 10_000));
    const dueBefore = new Date(Date.now() - graceMs);
    let total = 0;
    for (;;) {
      if (Date.now() > deadline) return total; // resumeAfter stays where this pass stopped
      const page = await findOverdueDeliveries(db, dueBefore, this.resumeAfter, this.options.pageSize ?? 1000);
      if (page.length === 0) {
        this.resumeAfter = null;
        return total;
      }
      // Most overdue deliveries still have their job (queued behind a backlog, or in
      // flight). Re-adding those is a no-op, but a job that completes between the
      // SELECT above and the add is removed from Redis, so the add would create it
      // again and the delivery would be attempted twice. Hence: keep only those with
      // no job now, then read them again — a job is removed only after its attempt is
      // written, so one that finished meanwhile is no longer due in this second read.
      const candidates = page.filter((d) => settled.has(queue.shardOf(d.webhookId)));
      const jobless = candidates.length === 0 ? [] : await queue.withoutJob(candidates);
      this.resumeAfter = page[page.length - 1]!.deliveryId;
      if (jobless.length === 0) continue;
      const ids = jobless.map((d) => d.deliveryId);
      const due = await findOverdueDeliveries(db, dueBefore, null, ids.length, ids);
      const made = await scheduledAttemptsMade(db, due.map((d) => d.deliveryId));
      stillOurs();
      await queue.enqueue(due.map((d) => ({ deliveryId: d.deliveryId, webhookId: d.webhookId, eventId: d.eventId, priorAttempts: made.get(d.deliveryId) ?? 0 })));
      total += due.length;
    }
  }
}
