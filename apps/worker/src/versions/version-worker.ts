import { UnrecoverableError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { completeVersion, type Db } from '@hookline/db';
import { VERSION_DIFFS_QUEUE, parseJob, type DeliveryQueue, type JobData } from '@hookline/queue';
import type { Logger } from '@hookline/telemetry';
import { DiffFailed, diffVersion } from './diff-version';

export interface VersionWorkerOptions {
  db: Db;
  connection: Redis;
  deliveries: DeliveryQueue;
  logger: Logger;
  prefix: string;
}

/**
 * Consumes the version diffs queue, one job at a time per process: a diff of
 * two large definitions is seconds of CPU (in a thread of its own), and a
 * second one in parallel would only compete for the same cores.
 */
export class VersionWorker {
  private worker: Worker<JobData<'diffVersion'>> | null = null;

  constructor(private readonly options: VersionWorkerOptions) {}

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
  }

  async close(): Promise<void> {
    await this.worker?.close();
  }
}
