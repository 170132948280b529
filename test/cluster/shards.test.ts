import IORedis from 'ioredis';
import { DeliveryQueue, announceWebhookChange, createRedis, keySlot, shardPrefixes, webhookChangesChannel, type RedisClient } from '@hookline/queue';
import { RedisCluster } from './support/redis-cluster';

/** Where the shards' hash tags land on a real 3-primary cluster, and what a wrongly configured client sees. */
describe('shard hash tags on a real Redis Cluster', () => {
  let cluster: RedisCluster;

  beforeAll(async () => {
    cluster = await RedisCluster.start();
  }, 60_000);
  afterAll(() => cluster?.stop());

  it('computes the slot of every shard tag as Redis does (CLUSTER KEYSLOT)', async () => {
    for (const shards of [1, 2, 3, 6, 16]) {
      for (const prefix of shardPrefixes('{hookline}', shards)) {
        const key = `${prefix}:deliveries:wait`;
        expect(keySlot(key)).toBe(Number(await cluster.command(cluster.nodes[0]!.port, 'CLUSTER', 'KEYSLOT', key)));
      }
    }
  });

  it('keeps today’s key names with one shard', () => {
    expect(shardPrefixes('{hookline}', 1)).toEqual(['{hookline}']);
  });

  it('puts at least one shard on every primary from K = 3 on (CLUSTER SHARDS)', async () => {
    const shards = await cluster.shards();
    expect(shards).toHaveLength(3);
    for (let k = 3; k <= 12; k++) {
      const owners = shardPrefixes('{hookline}', k).map((prefix) => {
        const slot = keySlot(prefix);
        return shards.find((s) => s.slots.some(([from, to]) => slot >= from && slot <= to))!.primary;
      });
      const counts = shards.map((s) => owners.filter((o) => o === s.primary).length);
      expect(Math.min(...counts)).toBeGreaterThanOrEqual(1);
      // As even as K allows: no primary holds more than one shard above its share.
      expect(Math.max(...counts)).toBeLessThanOrEqual(Math.ceil(k / 3) + 1);
    }
  });

  it('works through the cluster client: enqueue over every shard, depth per shard, readiness', async () => {
    const redis = createRedis({ clusterNodes: cluster.seedNodes }, 'producer');
    const queue = new DeliveryQueue(redis, { prefix: '{hookline-shards-test}', shards: 6 });
    try {
      await new Promise((resolve) => redis.once('ready', resolve));
      const jobs = Array.from({ length: 60 }, () => ({ deliveryId: crypto.randomUUID(), webhookId: crypto.randomUUID(), eventId: crypto.randomUUID() }));
      await queue.enqueue(jobs);
      const depths = await queue.depths();
      expect(depths.reduce((n, d) => n + d.waiting, 0)).toBe(60);
      expect(depths.filter((d) => d.waiting > 0)).toHaveLength(6);
      expect(await queue.withoutJob([...jobs.slice(0, 3), { deliveryId: crypto.randomUUID(), webhookId: jobs[0]!.webhookId }])).toHaveLength(1);
      await expect(queue.ping()).resolves.toBeUndefined();
      await queue.obliterate();
    } finally {
      await queue.close();
      redis.disconnect();
    }
  });

  it('carries webhook-changed announcements from any node to subscribers on the cluster', async () => {
    const subscriber = createRedis({ clusterNodes: cluster.seedNodes }, 'worker');
    const publisher = createRedis({ clusterNodes: cluster.seedNodes }, 'producer');
    try {
      const heard: string[] = [];
      subscriber.on('message', (_channel: string, id: string) => heard.push(id));
      await subscriber.subscribe(webhookChangesChannel('{hookline}'));
      await new Promise((resolve) => (publisher.status === 'ready' ? resolve(null) : publisher.once('ready', resolve)));
      const ids = [crypto.randomUUID(), crypto.randomUUID()];
      for (const id of ids) await announceWebhookChange(publisher, id, '{hookline}');
      const deadline = Date.now() + 5_000;
      while (heard.length < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(heard).toEqual(ids);
    } finally {
      subscriber.disconnect();
      publisher.disconnect();
    }
  });

  it('fails readiness with MOVED when a plain client points at one node of the cluster', async () => {
    const plain: RedisClient = new IORedis(cluster.nodes[0]!.port, '127.0.0.1', { maxRetriesPerRequest: 1 });
    const queue = new DeliveryQueue(plain, { prefix: '{hookline}', shards: 6 });
    try {
      await expect(queue.ping()).rejects.toThrow(/MOVED/);
    } finally {
      await queue.close();
      plain.disconnect();
    }
  });
});
