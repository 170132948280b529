import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import { parseJob, type JobData, type LendSlot } from '@hookline/queue';
import { NotAttempted, attemptDelivery, type DeliveryDecision, type DeliveryDeps } from './attempt-delivery';
import type { Parking } from './parking';

/** How soon a delivery that could not start (database away) is tried again; it spends no attempt meanwhile. */
export const NOT_ATTEMPTED_RETRY_MS = 1_000;

/** Thrown to let BullMQ reschedule the job; the delay travels with it to the backoff strategy. */
export class RetryLater extends Error {
  constructor(readonly delayMs: number) {
    super(`delivery failed; next attempt in ${Math.round(delayMs / 1000)} s`);
    this.name = 'RetryLater';
  }
}

/** Longest wait after unexpected errors (5 s, doubling each time). */
export const UNEXPECTED_ERROR_MAX_BACKOFF_MS = 60 * 60_000;

/** BullMQ's custom backoff: the delay chosen when the attempt was classified. */
export function deliveryBackoff(attemptsMade: number, _type?: string, error?: Error): number {
  if (error instanceof RetryLater) return error.delayMs;
  // An unexpected error (not a classified attempt) backs off exponentially, so a
  // fault that repeats cannot turn into a POST every few seconds.
  return Math.min(5_000 * 2 ** Math.max(0, attemptsMade - 1), UNEXPECTED_ERROR_MAX_BACKOFF_MS);
}

export interface ProcessorDeps extends DeliveryDeps {
  /** Ends the delivery's scheduled job once a redelivery succeeded. */
  dropScheduledJob: (deliveryId: string, webhookId: string) => Promise<void>;
  /** Where a job waits for its turn without a trip through the delayed set; without it, every refusal defers. */
  parking?: Parking;
}

export function createDeliveryProcessor(deps: ProcessorDeps) {
  return async (job: Job<JobData<'deliver'>>, token?: string, lendSlot?: LendSlot): Promise<DeliveryDecision> => {
    let data: JobData<'deliver'>;
    try {
      data = parseJob('deliver', job.data);
    } catch (error) {
      throw new UnrecoverableError(`malformed deliver job: ${(error as Error).message}`);
    }
    // The first run only: BullMQ keeps when a job was first due, not when a retry or a deferred return was.
    if (job.attemptsStarted <= 1 && job.attemptsMade === 0 && job.processedOn) deps.metrics?.jobWaited(job.processedOn - (job.timestamp + (job.opts.delay ?? 0)));
    let decision: DeliveryDecision;
    try {
      decision = await attemptDelivery(deps, {
        deliveryId: data.deliveryId,
        webhookId: data.webhookId,
        eventId: data.eventId,
        attemptNumber: (data.priorAttempts ?? 0) + job.attemptsMade + 1,
        manual: data.manual === true,
        trace: data.trace,
        waitTurn: deps.parking && lendSlot ? (organizationId, ms) => deps.parking!.wait(organizationId, ms, lendSlot) : undefined,
      });
    } catch (error) {
      if (!(error instanceof NotAttempted)) throw error;
      // A failed job would spend one of the delivery's attempts (attemptsMade numbers
      // them), so a database blip would shorten the retry schedule; back to delayed instead.
      await job.moveToDelayed(Date.now() + Math.round(NOT_ATTEMPTED_RETRY_MS * (1 + Math.random())), token);
      throw new DelayedError();
    }
    if (decision.kind === 'retry') throw new RetryLater(decision.delayMs);
    if (decision.kind === 'deferred') {
      // No room or too long to wait in the process (or closing): back to delayed without spending an attempt.
      await job.moveToDelayed(Date.now() + decision.delayMs, token);
      throw new DelayedError();
    }
    if (data.manual && decision.kind === 'done' && decision.status === 'succeeded') await deps.dropScheduledJob(data.deliveryId, data.webhookId);
    return decision;
  };
}
