import { ingestEvent, recoverDeliveries, type Db } from '@hookline/db';
import { DeliveryQueue, createRedis } from '@hookline/queue';
import { createLogger } from '@hookline/telemetry';
import { TEST_REDIS_URL } from '../../../test/support/env';
import { createTenant, structureChange, testDb, testQueuePrefix } from '../../../test/support/fixtures';
import { Receiver, waitUntil } from '../../../test/support/receiver';
import { seedDocumentation, seedWebhook, testSecretBox } from '../../../test/support/seed';
import { startTestWorker } from '../../../test/support/worker';
import type { DeliveryWorker } from './delivery-worker';
import { Reconciler } from './reconciler';

/**
 * A recovered delivery gets the whole retry schedule again, whichever path
 * queues it: the API's enqueue right after the recovery commits, or the
 * reconciler when that enqueue was lost. The schedule (0.2 s, 0.4 s: three
 * attempts) is the worker's alone.
 */
describe('a recovered delivery gets the full schedule', () => {
  const SCHEDULE = [0.2, 0.4];
  let db: Db;
  let redis: ReturnType<typeof createRedis>;
  let queue: DeliveryQueue;
  let worker: DeliveryWorker;
  let organizationId: string;
  // One failing endpoint per case: the endpoint gate's breaker opens after 10 failures to one host:port.
  const receivers: Receiver[] = [];

  beforeAll(async () => {
    db = testDb();
    redis = createRedis(TEST_REDIS_URL, 'worker');
    const prefix = testQueuePrefix();
    queue = new DeliveryQueue(redis, { prefix, shards: 2 });
    ({ organizationId } = await createTenant(db));
    worker = await startTestWorker({ db, secretBox: testSecretBox(), prefix }, { shards: 2, retrySchedule: SCHEDULE });
  });

  afterAll(async () => {
    await worker.close();
    await queue.obliterate();
    await queue.close();
    await redis.quit();
    await Promise.all(receivers.map((r) => r.stop()));
    await db.close();
  });

  const scheduledAttempts = async (deliveryId: string) => {
    const { rows } = await db.pool.query(`SELECT count(*)::int AS n FROM attempts WHERE delivery_id = $1 AND trigger = 'scheduled'`, [deliveryId]);
    return rows[0].n as number;
  };
  const statusOf = async (deliveryId: string) => (await db.prisma.delivery.findUniqueOrThrow({ where: { id: deliveryId } })).status;

  /** A delivery that used its whole schedule against a failing endpoint. */
  const exhaustedDelivery = async () => {
    const doc = await seedDocumentation(db, organizationId);
    const receiver = new Receiver((_req, res) => res.writeHead(500).end('down'));
    receivers.push(receiver);
    const webhook = await seedWebhook(db, doc, await receiver.start());
    const since = new Date(Date.now() - 1_000);
    const result = await ingestEvent(db, { organizationId, documentation: doc, type: 'documentation.structure_change', diff: structureChange().diff });
    if (result.kind !== 'created') throw new Error('expected a new event');
    const delivery = result.deliveries[0]!;
    await queue.enqueue([delivery]);
    await waitUntil(async () => (await statusOf(delivery.deliveryId)) === 'exhausted', 15_000, 'the first schedule to run out');
    expect(await scheduledAttempts(delivery.deliveryId)).toBe(SCHEDULE.length + 1);
    return { delivery, webhookId: webhook.id, since };
  };

  it('when the API enqueues it after the recovery', async () => {
    const { delivery, webhookId, since } = await exhaustedDelivery();
    const recovered = await recoverDeliveries(db, webhookId, since);
    expect(recovered.map((d) => d.deliveryId)).toEqual([delivery.deliveryId]);
    await queue.enqueue(recovered);
    await waitUntil(async () => (await statusOf(delivery.deliveryId)) === 'exhausted' && (await scheduledAttempts(delivery.deliveryId)) >= 2 * (SCHEDULE.length + 1), 15_000, 'the second schedule');
    expect(await scheduledAttempts(delivery.deliveryId)).toBe(2 * (SCHEDULE.length + 1));
  });

  it('when the reconciler enqueues it because the API’s enqueue was lost', async () => {
    const { delivery, webhookId, since } = await exhaustedDelivery();
    await recoverDeliveries(db, webhookId, since);
    // Other test files share this database: the reconciler sees only this delivery, so it hands nobody else's to this worker.
    const onlyMine: Db = {
      ...db,
      pool: {
        query: async (...args: unknown[]) => {
          const answer = (await (db.pool.query as (...a: unknown[]) => Promise<{ rows: Array<{ deliveryId?: string }> }>)(...args));
          // The page scan sees everything (so paging goes on past other files' rows); what is re-read to be enqueued is only ours.
          const rereading = Array.isArray((args[1] as unknown[] | undefined)?.[3]);
          if (!rereading) return answer;
          return { ...answer, rows: answer.rows.filter((row) => row.deliveryId === undefined || row.deliveryId === delivery.deliveryId) };
        },
      } as unknown as Db['pool'],
    };
    const reconciler = new Reconciler({
      db: onlyMine,
      redis,
      queue,
      logger: createLogger('reconciler-test', 'silent'),
      intervalMs: 60_000,
      graceMs: 0,
      autoDisableAfterMs: 365 * 24 * 3_600_000,
      onWebhooksDisabled: async () => undefined,
    });
    expect(await reconciler.runOnce()).toBeGreaterThanOrEqual(1);
    await waitUntil(async () => (await statusOf(delivery.deliveryId)) === 'exhausted' && (await scheduledAttempts(delivery.deliveryId)) > SCHEDULE.length + 1, 15_000, 'the second schedule');
    // Settle: a short-changed schedule would stop here at one attempt.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(await scheduledAttempts(delivery.deliveryId)).toBe(2 * (SCHEDULE.length + 1));
  });
});
