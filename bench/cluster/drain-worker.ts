import { DeliveryWorkers, createRedis } from '@hookline/queue';

/**
 * One drain process of the cluster scenario: the delivery consumer
 * (DeliveryWorkers: a BullMQ worker per shard, the delivery job's options)
 * with a processor that does nothing, so what is measured is the queue's
 * cost in Redis per delivery, shard by shard.
 */
async function main(): Promise<void> {
  const nodes = (process.env.REDIS_CLUSTER_NODES ?? '').split(',').map((entry) => {
    const [host, port] = entry.split(':');
    return { host: host!, port: Number(port) };
  });
  const connection = createRedis({ clusterNodes: nodes }, 'worker');
  connection.on('error', (error: Error) => process.stderr.write(`drain worker redis error: ${error.message}\n`));
  const workers = new DeliveryWorkers(
    { deliver: async () => undefined },
    {
      connection,
      prefix: process.env.QUEUE_PREFIX!,
      shards: Number(process.env.QUEUE_SHARDS),
      concurrency: Number(process.env.WORKER_CONCURRENCY ?? 200),
      lockDuration: 30_000,
      maxStalledCount: 1,
      stalledInterval: 30_000,
      backoffStrategy: () => 1_000,
    },
  );
  workers.on('error', (error) => process.stderr.write(`drain worker error: ${error.message}\n`));
  await workers.waitUntilReady();
  process.send?.({ type: 'ready' });
  process.on('SIGTERM', () => {
    void workers
      .close()
      .then(() => connection.quit())
      .finally(() => process.exit(0));
  });
}

void main();
