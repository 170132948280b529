import { Gauge, type Registry } from 'prom-client';
import type { DeliveryQueue } from '@hookline/queue';

/**
 * `hookline_queue_jobs{shard,state}`: delivery jobs in Redis per shard, read
 * at scrape time. A shard that stays deep while the others drain points at a
 * slow primary or at workers pinned (WORKER_SHARDS) away from it. When Redis
 * does not answer, the gauge is left out of that scrape rather than failing it.
 */
export function registerQueueDepth(registry: Registry, queue: DeliveryQueue): void {
  new Gauge({
    name: 'hookline_queue_jobs',
    help: 'Delivery jobs in Redis, by shard and state (waiting, delayed, active)',
    labelNames: ['shard', 'state'],
    registers: [registry],
    async collect() {
      this.reset();
      const depths = await queue.depths().catch(() => []);
      for (const depth of depths) {
        for (const state of ['waiting', 'delayed', 'active'] as const) this.set({ shard: String(depth.shard), state }, depth[state]);
      }
    },
  });
}
