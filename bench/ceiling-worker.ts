import { Worker } from 'bullmq';
import IORedis from 'ioredis';
import { DELIVERIES_QUEUE } from '@hookline/queue';

/**
 * The bare ceiling: a BullMQ worker whose processor does nothing, on the same
 * Redis, queue name, job options and concurrency as the delivery worker. It
 * tells the harness (IPC) how many jobs it completed and when.
 */
async function main(): Promise<void> {
  const connection = new IORedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: null });
  let completed = 0;
  let firstAt = 0;
  let lastAt = 0;
  const now = () => performance.timeOrigin + performance.now();
  const worker = new Worker(
    DELIVERIES_QUEUE,
    async () => {
      if (firstAt === 0) firstAt = now();
    },
    { connection, prefix: process.env.QUEUE_PREFIX, concurrency: Number(process.env.WORKER_CONCURRENCY ?? 200), autorun: false },
  );
  worker.on('completed', () => {
    completed += 1;
    lastAt = now();
  });
  worker.on('error', (error) => process.stderr.write(`ceiling worker error: ${error.message}\n`));
  const report = () => process.send?.({ type: 'progress', completed, firstAt, lastAt });
  const ticker = setInterval(report, 100);
  process.on('message', (message: { type: string }) => {
    if (message.type === 'run') void worker.run();
    if (message.type === 'stop') {
      clearInterval(ticker);
      void worker
        .close()
        .then(() => connection.quit())
        .finally(() => {
          report();
          process.exit(0);
        });
    }
  });
  process.on('disconnect', () => process.exit(0));
  await worker.waitUntilReady();
  process.send?.({ type: 'ready' });
}

main().catch((error: unknown) => {
  process.stderr.write(`ceiling worker failed: ${(error as Error).message}\n`);
  process.exit(1);
});
