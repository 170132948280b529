import { Queue, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import { DELIVERIES_QUEUE, QUEUE_PREFIX, jobCatalog, type JobData } from './catalog';

export interface DeliveryJob {
  deliveryId: string;
  webhookId: string;
  eventId: string;
  /** Attempts already made (recorded in PostgreSQL) before this job. */
  priorAttempts?: number;
  delayMs?: number;
  /** W3C traceparent of the request that created the delivery. */
  trace?: string;
}

export interface DeliveryQueueOptions {
  prefix?: string;
  /** Total attempts of a delivery: the retry schedule's length + 1. */
  maxAttempts: number;
}

/** BullMQ refuses ':' in custom ids, and the id must not look like an integer. */
const manualJobId = (deliveryId: string, requestId: string) => `${deliveryId}.manual.${requestId}`;

/**
 * The producer side of the deliveries queue. `jobId` is the delivery id, so a
 * delivery re-enqueued by the reconciler while its job still exists is not
 * queued twice.
 */
export class DeliveryQueue {
  readonly queue: Queue<JobData<'deliver'>>;
  private readonly maxAttempts: number;

  constructor(connection: Redis, options: DeliveryQueueOptions) {
    this.maxAttempts = options.maxAttempts;
    this.queue = new Queue(DELIVERIES_QUEUE, {
      connection,
      prefix: options.prefix ?? QUEUE_PREFIX,
      defaultJobOptions: {
        // PostgreSQL keeps the history; Redis only keeps work still to do.
        removeOnComplete: true,
        removeOnFail: true,
        stackTraceLimit: 1,
      },
    });
  }

  scheduledJobOptions(job: DeliveryJob): JobsOptions {
    const remaining = Math.max(1, this.maxAttempts - (job.priorAttempts ?? 0));
    return {
      jobId: job.deliveryId,
      attempts: remaining,
      backoff: { type: 'delivery-schedule' },
      delay: job.delayMs && job.delayMs > 0 ? Math.round(job.delayMs) : undefined,
    };
  }

  async enqueue(jobs: DeliveryJob[]): Promise<void> {
    if (jobs.length === 0) return;
    await this.queue.addBulk(
      jobs.map((job) => {
        const data = jobCatalog.deliver.schema.parse({
          deliveryId: job.deliveryId,
          webhookId: job.webhookId,
          eventId: job.eventId,
          priorAttempts: job.priorAttempts || undefined,
          trace: job.trace,
        });
        return { name: 'deliver', data, opts: this.scheduledJobOptions(job) };
      }),
    );
  }

  /** One attempt now, outside the delivery's schedule (redeliver). */
  async enqueueManual(job: Omit<DeliveryJob, 'priorAttempts' | 'delayMs'>, requestId: string): Promise<void> {
    const data = jobCatalog.deliver.schema.parse({ ...job, manual: true });
    await this.queue.add('deliver', data, { jobId: manualJobId(job.deliveryId, requestId), attempts: 1 });
  }

  /** Removes waiting or delayed jobs of these deliveries; active ones finish and then see the cancellation. */
  async cancel(deliveryIds: string[]): Promise<void> {
    await Promise.all(deliveryIds.map((id) => this.queue.remove(id)));
  }

  close(): Promise<void> {
    return this.queue.close();
  }
}
