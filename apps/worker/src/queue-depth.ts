import type { DeliveryQueue } from '@hookline/queue';
import type { QueueDepth } from './metrics';

/** Jobs by state, per shard, for the metrics scrape: one getJobCounts call (a few O(1) Redis commands) per shard. */
export async function readQueueDepth(queue: DeliveryQueue): Promise<QueueDepth[]> {
  return (await queue.depths()).map(({ shard, waiting, delayed, active }) => ({ shard: String(shard), waiting, delayed, active }));
}
