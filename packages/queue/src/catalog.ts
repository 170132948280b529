import type { Job, JobsOptions } from 'bullmq';
import { z } from 'zod';

/**
 * The base hash tag: every key of a queue lives under one tag so BullMQ's
 * multi-key scripts run on Redis Cluster. With QUEUE_SHARDS=1 this is the
 * queues' prefix as is; with more, each shard gets a tag derived from it
 * (see shards.ts). Tests pass their own to isolate themselves.
 */
export const QUEUE_PREFIX = '{hookline}';
export const DELIVERIES_QUEUE = 'deliveries';
/** Diffs of deployed definitions: CPU-heavy, so a queue of their own that deliveries never wait behind. */
export const VERSION_DIFFS_QUEUE = 'version-diffs';

/**
 * BullMQ's ceiling on runs of one delivery job. The worker alone decides
 * retries and exhaustion from DELIVERY_RETRY_SCHEDULE (the attempt number is
 * carried in the job as `priorAttempts` + BullMQ's attemptsMade); this only
 * has to be above any schedule the configuration accepts, so producers need
 * not know the schedule.
 */
export const DELIVERY_JOB_MAX_RUNS = 100;

/**
 * The one job catalog both sides import: each job's queue, payload schema and
 * default options. Payloads carry ids, never secrets or copies of rows. New
 * fields must be optional so that jobs queued before a deploy still parse in
 * the new worker.
 */
export const jobCatalog = {
  deliver: {
    queue: DELIVERIES_QUEUE,
    schema: z.object({
      deliveryId: z.uuid(),
      // Ids only: the worker loads the webhook (cached) and the event body (cached, batched).
      // The webhook id also picks the delivery's shard.
      webhookId: z.uuid(),
      eventId: z.uuid(),
      // Scheduled attempts already made in this delivery's current schedule (re-enqueued by the reconciler).
      priorAttempts: z.number().int().min(0).optional(),
      // A redelivery asked for by a person: one attempt, no retries.
      manual: z.boolean().optional(),
      // W3C traceparent of the ingest request: each attempt's span is its child, whenever and wherever it runs.
      trace: z.string().max(256).optional(),
    }),
    defaultOptions: {
      attempts: DELIVERY_JOB_MAX_RUNS,
      backoff: { type: 'delivery-schedule' },
      // PostgreSQL keeps the history; Redis only keeps work still to do.
      removeOnComplete: true,
      removeOnFail: true,
      stackTraceLimit: 1,
    } satisfies JobsOptions,
  },
  diffVersion: {
    queue: VERSION_DIFFS_QUEUE,
    // The id only: the definitions (up to tens of MB) stay in PostgreSQL.
    schema: z.object({ versionId: z.uuid() }),
  },
} as const;

export type JobName = keyof typeof jobCatalog;
export type JobData<N extends JobName> = z.infer<(typeof jobCatalog)[N]['schema']>;
export type DeliveryJob = JobData<'deliver'>;

/** What a worker registers: one handler per job of the catalog, so a job without a handler does not compile. */
export type JobHandlers = { [N in JobName]: (job: Job<JobData<N>>, token?: string) => Promise<unknown> };

/** Parses on receipt; a payload that does not parse can never succeed. */
export function parseJob<N extends JobName>(name: N, data: unknown): JobData<N> {
  return jobCatalog[name].schema.parse(data) as JobData<N>;
}
