import type { DeliveryJob, DeliveryQueue } from '@hookline/queue';
import type { Logger } from './logger';

export const SIDE_EFFECT_TIMEOUT_MS = 1_000;

/**
 * Runs a Redis side effect whose state is already committed in PostgreSQL, so
 * its failure must not fail the request. BullMQ waits for a connection forever
 * rather than failing, hence the timeout. Returns whether it finished.
 */
export async function bestEffort(what: string, logger: Logger, action: () => Promise<unknown>, fields: Record<string, unknown> = {}, timeoutMs = SIDE_EFFECT_TIMEOUT_MS): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const running = action();
  try {
    await Promise.race([
      running,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer from Redis within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return true;
  } catch (error) {
    // The abandoned call may still reject later; that must not be an unhandled rejection.
    running.catch(() => undefined);
    logger.warn(`${what} failed`, { ...fields, err: error });
    return false;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The outbox's second half: the rows are committed, and if this fails the
 * worker's reconciler enqueues the due deliveries that have no job. A late
 * success is harmless because the job id is the delivery id.
 */
export function enqueueAfterCommit(queue: DeliveryQueue, jobs: DeliveryJob[], logger: Logger, timeoutMs?: number): Promise<boolean> {
  if (jobs.length === 0) return Promise.resolve(true);
  return bestEffort(
    'enqueue (deliveries are committed; the reconciler will enqueue them)',
    logger,
    () => queue.enqueue(jobs),
    { deliveryIds: jobs.map((job) => job.deliveryId) },
    timeoutMs,
  );
}
