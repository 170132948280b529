import { UnrecoverableError, Worker } from 'bullmq';
import type { RedisClient } from '@hookline/queue';
import { completeVersion, findStalledVersions, type Db } from '@hookline/db';
import { VERSION_DIFFS_QUEUE, VersionDiffQueue, parseJob, type DeliveryQueue, type JobData } from '@hookline/queue';
import type { Logger } from '@hookline/telemetry';
import { DiffFailed, diffVersion } from './diff-version';

export interface VersionWorkerOptions {
  db: Db;
  connection: RedisClient;
  deliveries: DeliveryQueue;
  logger: Logger;
  prefix: string;
  /** How often pending versions whose job may be lost are re-enqueued, and how old they must be (default 60 s, 120 s). */
  recoverIntervalMs?: number;
  recoverAfterMs?: number;
}

/**
 * Consumes the version diffs queue, one job at a time per process: a diff of
 * two large definitions is seconds of CPU (in a thread of its own), and a
 * second one in parallel would only compete for the same cores.
 */
export class VersionWorker {
  private worker: Worker<JobData<'diffVersion'>> | null = null;
  private readonly producer: VersionDiffQueue;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly options: VersionWorkerOptions) {
    this.producer = new VersionDiffQueue(options.connection, { prefix: options.prefix });
  }

  /**
   * The API commits a version, then enqueues its diff; Redis losing its data
   * (or the enqueue failing after the commit) would leave it pending forever.
   * Re-adding is safe from every worker at once: the jobId is the version id,
   * and a version already diffed is skipped.
   */
  async recoverStalled(): Promise<number> {
    const ids = await findStalledVersions(this.options.db, this.options.recoverAfterMs ?? 120_000);
    for (const id of ids) await this.producer.enqueue(id);
    if (ids.length > 0) this.options.logger.warn('pending versions re-enqueued', { count: ids.length });
    return ids.length;
  }

  async start(): Promise<void> {
    const { db, logger, deliveries } = this.options;
    this.worker = new Worker<JobData<'diffVersion'>>(
      VERSION_DIFFS_QUEUE,
      async (job) => {
        let data: JobData<'diffVersion'>;
        try {
          data = parseJob('diffVersion', job.data);
        } catch (error) {
          throw new UnrecoverableError(`bad diffVersion payload: ${(error as Error).message}`);
        }
        try {
          const outcome = await diffVersion({ db, enqueueDeliveries: (list) => deliveries.enqueue(list) }, data.versionId);
          logger.info('version diffed', { versionId: data.versionId, outcome });
        } catch (error) {
          const last = error instanceof DiffFailed || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
          if (!last) throw error;
          await completeVersion(db, data.versionId, { status: 'failed', error: (error as Error).message });
          throw new UnrecoverableError((error as Error).message);
        }
      },
      {
        connection: this.options.connection,
        prefix: this.options.prefix,
        concurrency: 1,
        // The diff runs in a thread (diff-runner.ts), so this loop keeps renewing the lock; the margin is for a loaded host.
        lockDuration: 60_000,
        maxStalledCount: 2,
      },
    );
    this.worker.on('error', (error) => logger.error('version worker error', { err: error }));
    this.worker.on('failed', (job, error) => logger.warn('version diff failed', { jobId: job?.id, err: error }));
    await this.worker.waitUntilReady();
    const recover = () => void this.recoverStalled().catch((error: unknown) => logger.warn('pending versions not re-enqueued yet', { err: error }));
    this.timer = setInterval(recover, this.options.recoverIntervalMs ?? 60_000);
    this.timer.unref();
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.worker?.close();
    await this.producer.close();
  }
}
