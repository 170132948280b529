import type { DeliveryQueue } from '@hookline/queue';
import type { QueueDepth } from './metrics';

/**
 * Jobs by state, per shard, for the metrics scrape: one getJobCounts call
 * (a few O(1) Redis commands) per queue. One queue today, reported as shard
 * '0'; with sharded queues this is the one place that asks each shard.
 */
export async function readQueueDepth(queue: DeliveryQueue): Promise<QueueDepth[]> {
  const counts = await queue.queue.getJobCounts('waiting', 'delayed', 'active');
  return [{ shard: '0', waiting: counts.waiting ?? 0, delayed: counts.delayed ?? 0, active: counts.active ?? 0 }];
}
