import { ingestEvent, type Db } from '@hookline/db';
import { DeliveryQueue, createRedis, shardOf } from '@hookline/queue';
import { createTenant, structureChange, testDb } from '../support/fixtures';
import { Receiver, waitUntil } from '../support/receiver';
import { seedDocumentation, seedWebhook, testSecretBox } from '../support/seed';
import { startTestWorker } from '../support/worker';
import type { DeliveryWorker } from '../../apps/worker/src/delivery-worker';
import { RedisCluster } from './support/redis-cluster';

/**
 * Changing QUEUE_SHARDS on a running deployment (docs/scaling.md): jobs left
 * in the old layout's queues are consumed by nobody once every worker runs
 * the new K, and the reconciler hands their deliveries to the new layout when
 * they are due. Nothing is lost, and nothing is sent twice.
 */
describe('changing QUEUE_SHARDS from 3 to 6 on a Redis Cluster', () => {
  let cluster: RedisCluster;
  let db: Db;
  let worker: DeliveryWorker | null = null;
  const receiver = new Receiver();

  beforeAll(async () => {
    [cluster] = await Promise.all([RedisCluster.start({ nodeTimeoutMs: 5_000 }), receiver.start()]);
    db = testDb();
  }, 60_000);

  afterAll(async () => {
    await worker?.close();
    await cluster?.stop();
    await receiver.stop();
    await db?.close();
  }, 60_000);

  it('delivers every delivery queued under the old layout once, through the new one', async () => {
    const { organizationId } = await createTenant(db);
    const doc = await seedDocumentation(db, organizationId);
    for (let i = 0; i < 12; i++) await seedWebhook(db, doc, receiver.url(`/reshard/${i}`));
    const result = await ingestEvent(db, { organizationId, documentation: doc, type: 'documentation.structure_change', diff: structureChange().diff }, new Date(Date.now() - 60_000));
    if (result.kind !== 'created') throw new Error('expected a new event');
    const mine = new Set(result.deliveries.map((d) => d.deliveryId));
    // Spread over shards that differ between the two layouts.
    expect(new Set(result.deliveries.map((d) => shardOf(d.webhookId, 6))).size).toBeGreaterThan(3);

    // Queued by an API still on QUEUE_SHARDS=3; no worker of that layout is left.
    const redis = createRedis({ clusterNodes: cluster.seedNodes }, 'worker');
    const old = new DeliveryQueue(redis, { prefix: '{hookline}', shards: 3 });
    await old.enqueue(result.deliveries);
    expect((await old.depths()).reduce((n, d) => n + d.waiting, 0)).toBe(12);

    // A worker on QUEUE_SHARDS=6. Its reconciler sees only these deliveries: other test files share the database.
    const scoped: Db = {
      ...db,
      pool: {
        query: (sql: string, params?: unknown[]) => {
          const scan = /FROM deliveries\s+WHERE status IN/.test(sql) && params?.length === 4 && params[3] === null;
          return db.pool.query(sql, scan ? [...params!.slice(0, 3), [...mine]] : params);
        },
      } as unknown as Db['pool'],
    };
    worker = await startTestWorker(
      { db: scoped, secretBox: testSecretBox(), prefix: '{hookline}' },
      { createRedis: () => createRedis({ clusterNodes: cluster.seedNodes }, 'worker'), shards: 6, reconcileIntervalMs: 500, reconcileGraceMs: 0 },
    );
    await waitUntil(async () => {
      const { rows } = await db.pool.query(`SELECT count(*)::int AS n FROM deliveries WHERE id = ANY($1::uuid[]) AND status = 'succeeded'`, [[...mine]]);
      return rows[0].n === 12;
    }, 20_000, 'every delivery to succeed');
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const ids = receiver.requests.filter((r) => r.path.startsWith('/reshard/')).map((r) => String(r.headers['webhook-id']));
    expect(ids.sort()).toEqual([...mine].sort());
    await old.obliterate();
    await old.close();
    redis.disconnect();
  }, 60_000);
});
