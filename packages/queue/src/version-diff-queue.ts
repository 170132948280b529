import { Queue } from 'bullmq';
import type { RedisClient } from './redis';
import { QUEUE_PREFIX, VERSION_DIFFS_QUEUE, jobCatalog, type JobData } from './catalog';

/**
 * The producer side of the version diffs queue. `jobId` is the version id,
 * so a version is diffed once however often it is enqueued.
 */
export class VersionDiffQueue {
  readonly queue: Queue<JobData<'diffVersion'>>;

  constructor(connection: RedisClient, options: { prefix?: string } = {}) {
    this.queue = new Queue(VERSION_DIFFS_QUEUE, {
      connection,
      prefix: options.prefix ?? QUEUE_PREFIX,
      defaultJobOptions: {
        removeOnComplete: true,
        removeOnFail: true,
        stackTraceLimit: 1,
        // A crash mid-diff (the worker killed) is retried; a definition that fails the diff fails the version.
        attempts: 3,
        backoff: { type: 'exponential', delay: 1_000 },
      },
    });
  }

  async enqueue(versionId: string): Promise<void> {
    const data = jobCatalog.diffVersion.schema.parse({ versionId });
    await this.queue.add('diffVersion', data, { jobId: versionId });
  }

  close(): Promise<void> {
    return this.queue.close();
  }
}
