import { z } from 'zod';

/**
 * Every key lives under one hash tag so a queue can run on Redis Cluster.
 * Tests pass their own prefix to isolate themselves.
 */
export const QUEUE_PREFIX = '{hookline}';
export const DELIVERIES_QUEUE = 'deliveries';

/**
 * The one job catalog both sides import. Payloads carry ids, never secrets or
 * copies of rows. New fields must be optional so that jobs queued before a
 * deploy still parse in the new worker.
 */
export const jobCatalog = {
  deliver: {
    queue: DELIVERIES_QUEUE,
    schema: z.object({
      deliveryId: z.uuid(),
      // Ids only: the worker loads the webhook (cached) and the event body (cached, batched).
      webhookId: z.uuid(),
      eventId: z.uuid(),
      // Attempts already recorded before this job existed (re-enqueued by the reconciler).
      priorAttempts: z.number().int().min(0).optional(),
      // A redelivery asked for by a person: one attempt, no retries.
      manual: z.boolean().optional(),
      // W3C traceparent of the ingest request: each attempt's span is its child, whenever and wherever it runs.
      trace: z.string().max(256).optional(),
    }),
  },
} as const;

export type JobName = keyof typeof jobCatalog;
export type JobData<N extends JobName> = z.infer<(typeof jobCatalog)[N]['schema']>;

/** Parses on receipt; a payload that does not parse can never succeed. */
export function parseJob<N extends JobName>(name: N, data: unknown): JobData<N> {
  return jobCatalog[name].schema.parse(data) as JobData<N>;
}
