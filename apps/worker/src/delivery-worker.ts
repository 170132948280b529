import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { cancelDeliveries, disableWebhook, recordAttempts, type Db, type SecretBox } from '@hookline/db';
import { DELIVERIES_QUEUE, DeliveryQueue, announceWebhookChange, webhookChangesChannel, type JobData } from '@hookline/queue';
import type { Logger, Tracing } from '@hookline/telemetry';
import { DeliverySources } from './cache/delivery-sources';
import { AddressPolicy, type CidrRange } from './delivery/address-policy';
import { HttpClient } from './delivery/http-client';
import { EndpointGate } from './delivery/endpoint-gate';
import { createDeliveryProcessor, deliveryBackoff } from './delivery/processor';
import { RetrySchedule } from './delivery/retry-schedule';
import { createWorkerMetrics, type WorkerMetrics } from './metrics';
import { readQueueDepth } from './queue-depth';
import { OperationalNotices } from './operational/notices';
import { AttemptWriter } from './records/attempt-writer';
import { Reconciler } from './reconciler';

export interface DeliveryWorkerOptions {
  db: Db;
  secretBox: SecretBox;
  /** Makes a Redis connection; the worker needs three (BullMQ's blocking one, a producer, a subscriber). */
  createRedis: () => Redis;
  logger: Logger;
  prefix: string;
  retrySchedule: number[];
  timeoutMs: number;
  allowedCidrs: CidrRange[];
  concurrency: number;
  /** Attempts in flight to one endpoint from this process; default a quarter of the concurrency. */
  maxInFlightPerEndpoint?: number;
  reconcileIntervalMs: number;
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
  private worker: Worker<JobData<'deliver'>> | null = null;
  private readonly processor: ReturnType<typeof createDeliveryProcessor>;
  private readonly http: HttpClient;
  private readonly reconciler: Reconciler;
  private readonly connections: Redis[] = [];
  private closing: Promise<void> | null = null;

  constructor(private readonly options: DeliveryWorkerOptions) {
    const { db, logger } = options;
    const metrics = options.metrics ?? createWorkerMetrics();
    this.metrics = metrics;
    this.writer = new AttemptWriter({
      write: (records) => recordAttempts(db, records),
      onBatchWritten: (size) => metrics.attemptBatchWritten(size),
      onBatchFailed: (transient) => metrics.attemptBatchFailed(transient),
      onWriteError: (error, pending) => logger.warn('attempt records not written yet; retrying', { err: error, pending }),
    });
    this.sources = new DeliverySources(db, options.secretBox);
    this.http = new HttpClient({ policy: new AddressPolicy(options.allowedCidrs), timeoutMs: options.timeoutMs });
    const producer = this.connection();
    const schedule = new RetrySchedule(options.retrySchedule);
    this.queue = new DeliveryQueue(producer, { prefix: options.prefix, maxAttempts: schedule.maxAttempts });
    const notices = new OperationalNotices({ db, queue: this.queue, logger, failingAfterMs: options.operationalFailingAfterMs ?? 3_600_000 });
    metrics.observe({ queueDepth: () => readQueueDepth(this.queue), attemptsPending: () => this.writer.pending, cachedWebhooks: () => this.sources.webhooks.size });
    this.reconciler = new Reconciler({
      db,
      redis: producer,
      queue: this.queue,
      logger,
      prefix: options.prefix,
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
      gate: new EndpointGate({
        // Enough for a healthy endpoint to absorb a burst, few enough that a hanging one leaves most slots free.
        maxInFlight: options.maxInFlightPerEndpoint ?? Math.max(4, Math.ceil(options.concurrency / 4)),
        maxInFlightAny: Math.max(4, Math.ceil((options.concurrency * 3) / 4)),
        failureThreshold: 10,
        openMs: 5_000,
        maxOpenMs: 5 * 60_000,
      }),
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
      dropScheduledJob: async (deliveryId) => {
        await this.queue.queue.remove(deliveryId);
      },
    });
  }

  private connection(): Redis {
    const redis = this.options.createRedis();
    // ioredis reconnects by itself; without a listener a Redis restart prints "Unhandled error event".
    redis.on('error', (error: Error) => this.options.logger.warn('redis connection error', { err: error }));
    this.connections.push(redis);
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
    this.worker = new Worker<JobData<'deliver'>>(DELIVERIES_QUEUE, this.processor, {
      connection: this.connection(),
      prefix,
      concurrency: this.options.concurrency,
      lockDuration,
      // A killed worker's jobs come back; only a job that keeps killing workers is given up (and reconciled from PostgreSQL).
      maxStalledCount: 5,
      // A killed worker's jobs are noticed within 5 s of their lock expiring, not 30.
      stalledInterval: 5_000,
      settings: { backoffStrategy: deliveryBackoff },
    });
    this.worker.on('error', (error) => logger.error('worker error', { err: error }));
    this.worker.on('failed', (job, error) => {
      if (job && error.name !== 'RetryLater') logger.warn('job failed', { jobId: job.id, err: error });
    });
    this.worker.on('stalled', (jobId) => logger.warn('job stalled; handed back to the queue', { jobId }));
    this.reconciler.start();
    await this.worker.waitUntilReady();
  }

  get running(): boolean {
    return this.worker?.isRunning() ?? false;
  }

  /** Finish in-flight attempts, write their records, then let go of everything. Safe to call twice. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.reconciler.stop();
      await this.worker?.close();
      await this.writer.flush();
      await this.queue.close();
      await this.http.close();
      await Promise.all(this.connections.map((c) => c.quit().catch(() => c.disconnect())));
    })();
    return this.closing;
  }
}
