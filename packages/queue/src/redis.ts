import IORedis, { Cluster, type ClusterOptions, type Redis, type RedisOptions } from 'ioredis';

/** A plain Redis or a Redis Cluster: BullMQ and every command Hookline sends work with both. */
export type RedisClient = Redis | Cluster;

export interface ClusterNodeAddress {
  host: string;
  port: number;
}

/** Where Redis is: REDIS_URL, or the seed nodes of REDIS_CLUSTER_NODES. */
export type RedisTarget = string | { clusterNodes: ClusterNodeAddress[] };

/**
 * `producer`: an API request must fail fast when Redis is away (the outbox and
 * the reconciler cover it), so commands are not queued offline, and a command
 * is never sent long after its caller gave up on it: a late enqueue landing
 * after the reconciler's job for the same delivery completed would create the
 * job again and deliver it twice.
 * `worker`: BullMQ's blocking commands require maxRetriesPerRequest = null and
 * the connection must keep retrying through a Redis restart or a failover.
 */
export type RedisRole = 'producer' | 'worker';

const reconnect = (times: number) => Math.min(times * 200, 2_000);

export function createRedis(target: RedisTarget, role: RedisRole): RedisClient {
  if (typeof target !== 'string') return createCluster(target.clusterNodes, role);
  const common = { lazyConnect: false, retryStrategy: reconnect };
  if (role === 'worker') return new IORedis(target, { ...common, maxRetriesPerRequest: null });
  return new IORedis(target, { ...common, maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 2_000 });
}

/**
 * The options BullMQ documents for Redis Cluster, with a failover in mind:
 * after a primary dies its slots answer CLUSTERDOWN or "connection closed"
 * until a replica is promoted (cluster-node-timeout plus an election), and
 * ioredis re-reads the slot map and follows MOVED by itself.
 */
function createCluster(nodes: ClusterNodeAddress[], role: RedisRole): Cluster {
  const redisOptions: RedisOptions =
    role === 'worker'
      ? { maxRetriesPerRequest: null, connectTimeout: 2_000, retryStrategy: reconnect }
      : { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 2_000, retryStrategy: reconnect };
  const options: ClusterOptions = {
    redisOptions,
    // Addresses as the cluster announces them: no lookup of our own, which also keeps TLS host checks right.
    dnsLookup: (address, callback) => callback(null, address),
    clusterRetryStrategy: reconnect,
    // Re-read the slot map soon after a node is lost, so a promoted replica is found within seconds.
    slotsRefreshTimeout: 2_000,
    slotsRefreshInterval: 5_000,
    retryDelayOnFailover: 200,
    retryDelayOnClusterDown: 300,
    retryDelayOnTryAgain: 200,
    // Workers ride out a failover; a producer's command is bounded (about 16 × 200 ms) and then fails.
    maxRedirections: 16,
    enableOfflineQueue: role === 'worker',
  };
  return new Cluster(nodes, options);
}

/** Whether the client talks to a Redis Cluster. */
export const isCluster = (client: RedisClient): client is Cluster => (client as Cluster).isCluster === true;
