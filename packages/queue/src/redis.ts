import IORedis, { type Redis } from 'ioredis';

/**
 * `producer`: an API request must fail fast when Redis is away (the outbox and
 * the reconciler cover it), so commands are not queued offline forever.
 * `worker`: BullMQ's blocking commands require maxRetriesPerRequest = null and
 * the connection must keep retrying through a Redis restart.
 */
export type RedisRole = 'producer' | 'worker';

export function createRedis(url: string, role: RedisRole): Redis {
  const common = {
    lazyConnect: false,
    retryStrategy: (times: number) => Math.min(times * 200, 2_000),
  };
  if (role === 'worker') return new IORedis(url, { ...common, maxRetriesPerRequest: null });
  return new IORedis(url, { ...common, maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 2_000 });
}
