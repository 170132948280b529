import { DeliveryQueue, createRedis, shardOf, type RedisClient } from '@hookline/queue';
import { verifyStandard } from '@hookline/signing';
import { TEST_DATABASE_URL, TEST_SECRETS_KEY } from '../support/env';
import { createTenant, structureChange, testDb } from '../support/fixtures';
import { Receiver, waitUntil } from '../support/receiver';
import { RedisCluster } from './support/redis-cluster';
import { ClusterStack } from './support/stack';
import type { Db } from '@hookline/db';

const SHARDS = 6;
const PER_SHARD = 2;

/**
 * The API and two workers (real processes, from the bundles) on a real
 * 6-node Redis Cluster with QUEUE_SHARDS=6. Events go to webhooks on every
 * shard and arrive signed; then the primary owning the busiest shard is
 * SIGKILLed mid-run. Its replica takes over, the processes carry on without a
 * restart, nothing is lost, and a delivery sent twice keeps its webhook-id,
 * no more of them than jobs in flight at the kill.
 */
describe('Redis Cluster: sharded queues through a primary failover', () => {
  let cluster: RedisCluster;
  let stack: ClusterStack;
  let db: Db;
  let observer: RedisClient;
  let queue: DeliveryQueue;
  let apiKey: string;
  let slug: string;
  const hooks = new Map<string, { secret: string; shard: number }>();
  // A little slow, so that many attempts are in flight when the node dies.
  const receiver = new Receiver((_req, res) => void setTimeout(() => res.writeHead(200).end('ok'), 40));

  const call = async (path: string, init: { method?: string; body?: unknown } = {}) => {
    const response = await fetch(stack.apiUrl + path, {
      method: init.method ?? 'GET',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      signal: AbortSignal.timeout(10_000),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : null };
  };
  const postEvent = async () => {
    const answer = await call(`/v1/documentations/${slug}/events`, { method: 'POST', body: structureChange() });
    expect(answer.status).toBe(202);
    return answer.body.id as string;
  };
  const ready = async (url: string) => (await fetch(url, { signal: AbortSignal.timeout(3_000) }).catch(() => null))?.status === 200;

  beforeAll(async () => {
    [cluster, db] = await Promise.all([RedisCluster.start(), Promise.resolve(testDb())]);
    await receiver.start();
    ({ apiKey } = await createTenant(db));
    stack = new ClusterStack({
      databaseUrl: TEST_DATABASE_URL,
      secretsKey: TEST_SECRETS_KEY,
      seeds: cluster.seeds,
      shards: SHARDS,
      env: {
        DELIVERY_ALLOWED_CIDRS: '127.0.0.0/8',
        DELIVERY_RETRY_SCHEDULE: '0.5,1,2,4,8',
        DELIVERY_TIMEOUT_MS: '3000',
        WORKER_CONCURRENCY: '32',
        RECONCILE_INTERVAL_SECONDS: '1',
        // Longer than a producer's command can stay in flight through a failover (see createRedis).
        RECONCILE_GRACE_SECONDS: '5',
      },
    });
    await stack.startApi();
    await Promise.all([stack.startWorker(), stack.startWorker()]);
    observer = createRedis({ clusterNodes: cluster.seedNodes }, 'worker');
    observer.on('error', () => undefined);
    queue = new DeliveryQueue(observer, { prefix: '{hookline}', shards: SHARDS });

    slug = `cluster-${Date.now()}`;
    expect((await call('/v1/documentations', { method: 'POST', body: { slug, name: 'Payments API', humanUrl: 'https://docs.example.test/payments' } })).status).toBe(201);
    // Webhooks until every shard has PER_SHARD of them; the others are deleted again.
    const perShard = new Map<number, number>();
    for (let n = 0; [...Array(SHARDS).keys()].some((s) => (perShard.get(s) ?? 0) < PER_SHARD); n++) {
      if (n > 60) throw new Error('could not cover every shard');
      const created = await call(`/v1/documentations/${slug}/webhooks`, { method: 'POST', body: { url: receiver.url(`/hook/${n}`) } });
      expect(created.status).toBe(201);
      const shard = shardOf(created.body.id, SHARDS);
      if ((perShard.get(shard) ?? 0) >= PER_SHARD) {
        expect((await call(`/v1/webhooks/${created.body.id}`, { method: 'DELETE' })).status).toBe(204);
        continue;
      }
      perShard.set(shard, (perShard.get(shard) ?? 0) + 1);
      hooks.set(created.body.id, { secret: created.body.secret, shard });
    }
  }, 60_000);

  afterAll(async () => {
    await queue?.close();
    observer?.disconnect();
    await stack?.stop();
    await cluster?.stop();
    await receiver.stop();
    await db?.close();
  }, 60_000);

  /** Every delivery of these events, as PostgreSQL has it. */
  const deliveriesOf = async (eventIds: string[]) =>
    (await db.pool.query<{ id: string; webhook_id: string; status: string }>(`SELECT id, webhook_id, status FROM deliveries WHERE event_id = ANY($1::uuid[])`, [eventIds])).rows;

  it('delivers events to webhooks on every shard, each signed', async () => {
    const events = await Promise.all(Array.from({ length: 5 }, () => postEvent()));
    const rows = await deliveriesOf(events);
    expect(rows).toHaveLength(events.length * SHARDS * PER_SHARD);
    expect(new Set(rows.map((r) => shardOf(r.webhook_id, SHARDS))).size).toBe(SHARDS);
    await waitUntil(async () => (await deliveriesOf(events)).every((r) => r.status === 'succeeded'), 30_000, 'every delivery to succeed');
    const byDelivery = new Map(rows.map((r) => [r.id, r.webhook_id]));
    for (const request of receiver.requests) {
      const deliveryId = String(request.headers['webhook-id']);
      const webhookId = byDelivery.get(deliveryId);
      expect(webhookId).toBeDefined();
      expect(() => verifyStandard({ secret: hooks.get(webhookId!)!.secret, headers: request.headers as Record<string, string>, body: request.body })).not.toThrow();
    }
    // The shards spread over the primaries: with 6 shards on 3 primaries, every primary owns some.
    const owners = new Set(await Promise.all(queue.prefixes.map(async (p) => cluster.ownerOf(Number(await cluster.command(cluster.nodes[0]!.port, 'CLUSTER', 'KEYSLOT', p))))));
    expect(owners.size).toBe(3);
  });
});
