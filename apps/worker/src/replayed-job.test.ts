import { ingestEvent, type Db } from '@hookline/db';
import { DeliveryQueue, createRedis } from '@hookline/queue';
import { TEST_REDIS_URL } from '../../../test/support/env';
import { createTenant, structureChange, testDb, testQueuePrefix } from '../../../test/support/fixtures';
import { Receiver } from '../../../test/support/receiver';
import { seedDocumentation, seedWebhook, testSecretBox } from '../../../test/support/seed';
import { startTestWorker } from '../../../test/support/worker';
import type { DeliveryWorker } from './delivery-worker';

/**
 * Redis can hand back work that is already done: a replica promoted before
 * it saw a job's completion, or an enqueue that arrived after the
 * reconciler's job for the same delivery had completed. PostgreSQL has the
 * last word: a scheduled job of a finished delivery sends nothing.
 */
describe('a job replayed by Redis for a finished delivery', () => {
  let db: Db;
  let redis: ReturnType<typeof createRedis>;
  let queue: DeliveryQueue;
  let worker: DeliveryWorker;
  let organizationId: string;
  const receiver = new Receiver();

  beforeAll(async () => {
    db = testDb();
    redis = createRedis(TEST_REDIS_URL, 'worker');
    const prefix = testQueuePrefix();
    queue = new DeliveryQueue(redis, { prefix });
    await receiver.start();
    ({ organizationId } = await createTenant(db));
    worker = await startTestWorker({ db, secretBox: testSecretBox(), prefix });
  });

  afterAll(async () => {
    await worker.close();
    await queue.obliterate();
    await queue.close();
    await redis.quit();
    await receiver.stop();
    await db.close();
  });

  it('is not sent again; an unfinished one is', async () => {
    const doc = await seedDocumentation(db, organizationId);
    await seedWebhook(db, doc, receiver.url(`/hook/${doc.id}`));
    const deliveries = [];
    for (let i = 0; i < 4; i++) {
      const result = await ingestEvent(db, { organizationId, documentation: doc, type: 'documentation.structure_change', diff: structureChange().diff });
      if (result.kind !== 'created') throw new Error('expected a new event');
      deliveries.push(result.deliveries[0]!);
    }
    const [done, exhausted, cancelled, pending] = deliveries;
    await db.pool.query(`UPDATE deliveries SET status = 'succeeded', attempts = 1 WHERE id = $1`, [done!.deliveryId]);
    await db.pool.query(`UPDATE deliveries SET status = 'exhausted', attempts = 3 WHERE id = $1`, [exhausted!.deliveryId]);
    await db.pool.query(`UPDATE deliveries SET status = 'cancelled' WHERE id = $1`, [cancelled!.deliveryId]);
    await queue.enqueue([done!, exhausted!, cancelled!, pending!]);
    await receiver.waitFor(1);
    // Give the three replayed jobs every chance to be sent too.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(receiver.requests.map((r) => r.headers['webhook-id'])).toEqual([pending!.deliveryId]);
    expect(await queue.getJobs(['waiting', 'active', 'delayed'])).toEqual([]);
  });
});
