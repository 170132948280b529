import { readFileSync } from 'node:fs';
import path from 'node:path';
import { cancelDeliveries, disableWebhook, recordAttempts, type Db, type SecretBox } from '@hookline/db';
import { DeliveryQueue, DeliveryWorkers, RepeatedErrorLog, announceWebhookChange, webhookChangesChannel, type RedisClient } from '@hookline/queue';
import type { Logger, Tracing } from '@hookline/telemetry';
import { DeliverySources } from './cache/delivery-sources';
import { AddressPolicy, type CidrRange } from './delivery/address-policy';
import { HttpClient } from './delivery/http-client';
import { DeliveryGate } from './delivery/delivery-gate';
import { createDeliveryProcessor, deliveryBackoff } from './delivery/processor';
import { RetrySchedule } from './delivery/retry-schedule';
import { FairShare } from './delivery/fair-share';
import { DeliverySlots, Parking } from './delivery/parking';
import { WebhookLimits } from './delivery/webhook-limits';
import { createWorkerMetrics, type WorkerMetrics } from './metrics';
import { readQueueDepth } from './queue-depth';
import { OperationalNotices } from './operational/notices';
import { AttemptWriter } from './records/attempt-writer';
import { Reconciler } from './reconciler';

export interface DeliveryWorkerOptions {
  db: Db;
  secretBox: SecretBox;
  /** Makes a Redis (or Redis Cluster) connection; the worker needs a producer, a subscriber, and one for BullMQ (which adds a blocking one per shard). */
  createRedis: () => RedisClient;
  logger: Logger;
  prefix: string;
  /** QUEUE_SHARDS; default 1. */
  shards?: number;
  /** WORKER_SHARDS: the shards this process consumes; default all. */
  consumeShards?: number[];
  retrySchedule: number[];
  timeoutMs: number;
  allowedCidrs: CidrRange[];
  concurrency: number;
  /** Share of this worker's slots one organization may hold while others compete (default 1/2). */
  tenantShare?: number;
  /** Deployment-wide in-flight cap of a webhook without its own maxConcurrency (default 64). */
  defaultMaxConcurrency?: number;
  /** How long an admission waits for Redis before deciding locally (default 250 ms). */
  limitsRedisTimeoutMs?: number;
  reconcileIntervalMs: number;
  /** Run the reconciler's passes (default true); off, it only runs when called (tests that share one database). */
  reconcile?: boolean;
  reconcileGraceMs: number;
  /** Disable a webhook whose every attempt failed for this long (default 5 days). */
  autoDisableAfterMs?: number;
  /** Default: a registry of its own, without process metrics. */
  metrics?: ReturnType<typeof createWorkerMetrics>;
  /** A span per attempt when on; default off. */
  tracing?: Tracing;
  /** webhook.failing goes to operational webhooks after this long failing (default 1 hour). */
  operationalFailingAfterMs?: number;
}

/** Jobs that may wait in the process for their turn, per delivery slot: memory only (a job's data is a few ids). */
const PARKED_PER_SLOT = 10;

export const WORKER_VERSION: string = JSON.parse(readFileSync(path.resolve(__dirname, '../../../package.json'), 'utf8')).version;
export const USER_AGENT = `Hookline/${WORKER_VERSION}`;

/**
 * Everything one worker process runs: the BullMQ worker and its delivery
 * pipeline, the attempt writer, the cache invalidation subscriber and the
 * reconciler, with one close() that stops them in the right order.
 */
export class DeliveryWorker {
  readonly writer: AttemptWriter;
  readonly queue: DeliveryQueue;
  readonly sources: DeliverySources;
  readonly metrics: WorkerMetrics;
  private worker: DeliveryWorkers | null = null;
  private readonly processor: ReturnType<typeof createDeliveryProcessor>;
  private readonly parking: Parking;
  private readonly http: HttpClient;
  private readonly reconciler: Reconciler;
  private readonly connections: RedisClient[] = [];
  private readonly redisErrors: RepeatedErrorLog;
  private closing: Promise<void> | null = null;

  constructor(private readonly options: DeliveryWorkerOptions) {
    const { db, logger } = options;
    this.redisErrors = new RepeatedErrorLog((message, fields) => logger.warn(message, fields), 'redis error');
    const metrics = options.metrics ?? createWorkerMetrics();
    this.metrics = metrics;
    this.writer = new AttemptWriter({
      write: (records) => recordAttempts(db, records),
      onBatchWritten: (size) => metrics.attemptBatchWritten(size),
      onBatchFailed: (transient) => metrics.attemptBatchFailed(transient),
      onWriteError: (error, pending) => logger.warn('attempt records not written yet; retrying', { err: error, pending }),
      onReduced: (error, record) => logger.warn('attempt record refused; written reduced', { err: error, attemptId: record.id, deliveryId: record.deliveryId }),
    });
    this.sources = new DeliverySources(db, options.secretBox);
    this.http = new HttpClient({ policy: new AddressPolicy(options.allowedCidrs), timeoutMs: options.timeoutMs });
    const producer = this.connection();
    const schedule = new RetrySchedule(options.retrySchedule);
    this.queue = new DeliveryQueue(producer, { prefix: options.prefix, shards: options.shards });
    const notices = new OperationalNotices({ db, queue: this.queue, logger, failingAfterMs: options.operationalFailingAfterMs ?? 3_600_000 });
    // A job may wait for its webhook's turn about as long as a booking lasts in Redis (one minute).
    this.parking = new Parking({ capacity: options.concurrency * PARKED_PER_SLOT, maxWaitMs: 60_000 });
    metrics.observe({
      queueDepth: () => readQueueDepth(this.queue),
      attemptsPending: () => this.writer.pending,
      cachedWebhooks: () => this.sources.webhooks.size,
      jobsWaitingTurn: () => this.parking.size,
    });
    this.reconciler = new Reconciler({
      db,
      redis: producer,
      queue: this.queue,
      logger,
      intervalMs: options.reconcileIntervalMs,
      graceMs: options.reconcileGraceMs,
      metrics,
      // An attempt lasts at most the timeout; the margin covers loading before it and recording after it.
      settleMs: options.timeoutMs + 5_000,
      autoDisableAfterMs: options.autoDisableAfterMs ?? 5 * 24 * 3_600_000,
      onWebhooksDisabled: async (ids) => {
        for (const id of ids) {
          this.sources.webhooks.invalidate(id);
          await announceWebhookChange(producer, id, options.prefix);
        }
        await notices.webhooksDisabled(ids);
      },
      afterPass: () => notices.checkEpisodes(),
    });
    this.processor = createDeliveryProcessor({
      sources: this.sources,
      http: this.http,
      schedule,
      writer: this.writer,
      parking: this.parking,
      gate: new DeliveryGate(
        new DeliverySlots(options.concurrency),
        new FairShare({ slots: options.concurrency, share: options.tenantShare ?? 0.5 }),
        // Within a tenant too, one hanging webhook leaves most slots to the others.
        new FairShare({ slots: options.concurrency, share: 0.25 }),
        new WebhookLimits({
          redis: this.limitsConnection(),
          prefix: options.prefix,
          leaseTtlMs: options.timeoutMs + 10_000,
          defaultMaxConcurrency: options.defaultMaxConcurrency ?? 64,
          failureThreshold: 10,
          openMs: 5_000,
          maxOpenMs: 5 * 60_000,
          redisTimeoutMs: options.limitsRedisTimeoutMs ?? 250,
          onRedisError: (error) => logger.warn('webhook limits decided locally: redis did not answer', { err: error }),
          onCircuitChange: (opened) => (opened ? metrics.circuitOpened() : metrics.circuitClosed()),
        }),
      ),
      userAgent: USER_AGENT,
      metrics,
      tracing: options.tracing,
      cancel: (id) => cancelDeliveries(db, [id]),
      disableWebhook: async (webhookId, reason) => {
        await disableWebhook(db, webhookId, reason);
        this.sources.webhooks.invalidate(webhookId);
        await announceWebhookChange(producer, webhookId, options.prefix);
        logger.warn('webhook disabled', { webhookId, reason });
        await notices.webhooksDisabled([webhookId]);
      },
      onExhausted: (webhookId, deliveryId) => notices.deliveryExhausted(webhookId, deliveryId),
      dropScheduledJob: async (deliveryId, webhookId) => {
        await this.queue.cancel([{ deliveryId, webhookId }]);
      },
    });
  }

  private connection(): RedisClient {
    const redis = this.options.createRedis();
    // ioredis reconnects by itself; without a listener a Redis restart prints "Unhandled error event".
    redis.on('error', (error: Error) => this.redisErrors.record(error));
    this.connections.push(redis);
    return redis;
  }

  /** The limits' admissions and releases of one tick go to Redis as one pipeline. */
  private limitsConnection(): RedisClient {
    const redis = this.connection();
    redis.options.enableAutoPipelining = true;
    return redis;
  }

  async start(): Promise<void> {
    const { logger, prefix } = this.options;
    const subscriber = this.connection();
    subscriber.on('message', (_channel: string, webhookId: string) => this.sources.webhooks.invalidate(webhookId));
    await subscriber.subscribe(webhookChangesChannel(prefix));

    // A slow request must never be handed to a second worker while the first
    // still waits for it: the lock outlives the longest attempt by a margin,
    // and BullMQ renews it every lockDuration / 2 while this process lives.
    const lockDuration = Math.max(30_000, this.options.timeoutMs * 2 + 10_000);
    this.worker = new DeliveryWorkers({ deliver: this.processor }, {
      connection: this.connection(),
      prefix,
      shards: this.options.shards ?? 1,
      consume: this.options.consumeShards,
      concurrency: this.options.concurrency,
      lockDuration,
      // A killed worker's jobs come back; only a job that keeps killing workers is given up (and reconciled from PostgreSQL).
      maxStalledCount: 5,
      // A killed worker's jobs are noticed within 5 s of their lock expiring, not 30.
      stalledInterval: 5_000,
      backoffStrategy: deliveryBackoff,
    });
    // A failing slot makes BullMQ's fetch loop fail as fast as it can: counted, logged once per interval.
    this.worker.on('error', (error) => this.redisErrors.record(error));
    this.worker.on('failed', (job, error) => {
      if (job && error.name !== 'RetryLater') logger.warn('job failed', { jobId: job.id, err: error });
    });
    this.worker.on('stalled', (jobId) => logger.warn('job stalled; handed back to the queue', { jobId }));
    if (this.options.reconcile !== false) this.reconciler.start();
    await this.worker.waitUntilReady();
  }

  /** Readiness of Redis: 'ok', or why a command in some shard's slot failed (MOVED, CLUSTERDOWN, refused, no answer). */
  async redisHealth(timeoutMs = 2_000): Promise<string> {
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.queue.ping(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
        }),
      ]);
      return 'ok';
    } catch (error) {
      return error instanceof Error ? error.message : String(error);
    } finally {
      clearTimeout(timer);
    }
  }

  get running(): boolean {
    return this.worker?.running ?? false;
  }

  /** Finish in-flight attempts, write their records, then let go of everything. Safe to call twice. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.reconciler.stop();
      // Jobs waiting for their turn go back to the queue instead of holding the close up.
      this.parking.close();
      await this.worker?.close();
      await this.writer.flush();
      await this.queue.close();
      await this.http.close();
      await Promise.all(this.connections.map((c) => c.quit().catch(() => c.disconnect())));
    })();
    return this.closing;
  }
}
