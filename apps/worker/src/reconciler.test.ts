import { ingestEvent, recordAttempts, uuidv7, type Db } from '@hookline/db';
import { DELIVERY_JOB_MAX_RUNS, DeliveryQueue, createRedis } from '@hookline/queue';
import { createLogger } from '@hookline/telemetry';
import { TEST_REDIS_URL } from '../../../test/support/env';
import { createTenant, structureChange, testDb, testQueuePrefix } from '../../../test/support/fixtures';
import { seedDocumentation, seedWebhook } from '../../../test/support/seed';
import { Reconciler, reconcilerEpochKey, reconcilerLockKey } from './reconciler';

describe('Reconciler (real PostgreSQL and Redis)', () => {
  let db: Db;
  let redis: ReturnType<typeof createRedis>;
  let queue: DeliveryQueue;
  let prefix: string;
  let organizationId: string;

  beforeAll(async () => {
    db = testDb();
    redis = createRedis(TEST_REDIS_URL, 'worker');
    prefix = testQueuePrefix();
    queue = new DeliveryQueue(redis, { prefix });
    ({ organizationId } = await createTenant(db));
  });

  afterAll(async () => {
    await queue.obliterate();
    await queue.close();
    await redis.quit();
    await db.close();
  });

  const reconciler = (database: Db = db) =>
    new Reconciler({
      db: database,
      redis,
      queue,
      logger: createLogger('reconciler-test', 'silent'),
      intervalMs: 60_000,
      graceMs: 0,
      autoDisableAfterMs: 365 * 24 * 3_600_000,
      onWebhooksDisabled: async () => undefined,
    });

  /** One committed delivery, due a minute ago, with no job. */
  const overdueDelivery = async () => {
    const doc = await seedDocumentation(db, organizationId);
    await seedWebhook(db, doc, 'http://127.0.0.1:9/hook');
    const result = await ingestEvent(db, { organizationId, documentation: doc, type: 'documentation.structure_change', diff: structureChange().diff }, new Date(Date.now() - 60_000));
    if (result.kind !== 'created') throw new Error('expected a new event');
    return result.deliveries[0]!;
  };

  /** An attempt as the worker records it, due again a minute ago. */
  const failedAttempt = (deliveryId: string, trigger: 'scheduled' | 'manual', nextStatus: 'retrying' | null) => ({
    id: uuidv7(),
    deliveryId,
    trigger,
    attemptedAt: new Date(),
    requestHeaders: {},
    responseStatus: 500,
    responseHeaders: {},
    responseBody: '',
    durationMs: 1,
    errorKind: 'http_status',
    errorMessage: null,
    nextStatus,
    nextAttemptAt: nextStatus ? new Date(Date.now() - 60_000) : null,
  });

  it('enqueues an overdue delivery that has no job, with its scheduled attempts (not the manual ones) already made', async () => {
    const delivery = await overdueDelivery();
    await recordAttempts(db, [failedAttempt(delivery.deliveryId, 'manual', null)]);
    await recordAttempts(db, [failedAttempt(delivery.deliveryId, 'scheduled', 'retrying')]);
    expect(await reconciler().runOnce()).toBeGreaterThanOrEqual(1);
    const job = await queue.getJob(delivery.deliveryId, delivery.webhookId);
    expect(job?.data).toMatchObject({ deliveryId: delivery.deliveryId, priorAttempts: 1 });
    // The worker alone ends a delivery (from its schedule); BullMQ's ceiling only has to stay above it.
    expect(job?.opts.attempts).toBe(DELIVERY_JOB_MAX_RUNS);
    await job?.remove();
  });

  it('leaves alone a delivery whose job is still queued', async () => {
    const delivery = await overdueDelivery();
    await queue.enqueue([delivery]);
    const before = await queue.getJob(delivery.deliveryId);
    await reconciler().runOnce();
    const after = await queue.getJob(delivery.deliveryId);
    expect(after?.timestamp).toBe(before?.timestamp);
    await after?.remove();
  });

  // The race seen in the fault suite (sigterm-workers: a delivery acknowledged, then
  // attempted again 30 ms later): the page is read while the job is in flight; the job
  // completes and is removed from Redis; re-adding it then made a second attempt.
  it('does not re-add a delivery that finished between its read and the enqueue', async () => {
    const delivery = await overdueDelivery();
    let raced = false;
    const racing: Db = {
      ...db,
      pool: {
        query: async (...args: unknown[]) => {
          const answer = (await (db.pool.query as (...a: unknown[]) => Promise<unknown>)(...args)) as { rows?: Array<{ deliveryId?: string }> };
          if (!raced && answer.rows?.some((row) => row.deliveryId === delivery.deliveryId)) {
            raced = true;
            // A worker writes the successful attempt (and would then remove the job) right after this read.
            await db.pool.query(`UPDATE deliveries SET status = 'succeeded', next_attempt_at = NULL, attempts = 1 WHERE id = $1`, [delivery.deliveryId]);
          }
          return answer;
        },
      } as unknown as Db['pool'],
    };
    await reconciler(racing).runOnce();
    expect(raced).toBe(true);
    expect(await queue.getJob(delivery.deliveryId)).toBeUndefined();
  });
});

describe('Reconciler passes: renewed lock, bounded time', () => {
  let db: Db;
  let redis: ReturnType<typeof createRedis>;
  let queue: DeliveryQueue;
  let organizationId: string;

  beforeAll(async () => {
    db = testDb();
    redis = createRedis(TEST_REDIS_URL, 'worker');
    queue = new DeliveryQueue(redis, { prefix: testQueuePrefix(), shards: 3 });
    ({ organizationId } = await createTenant(db));
  });

  afterAll(async () => {
    await queue.obliterate();
    await queue.close();
    await redis.quit();
    await db.close();
  });

  /** Sees only these deliveries (other files share the database: the scan's id filter is set), each page read taking `slowMs`. */
  const scoped = (ids: Set<string>, slowMs: number): Db => ({
    ...db,
    pool: {
      query: async (sql: string, params?: unknown[]) => {
        const scan = /FROM deliveries\s+WHERE status IN/.test(sql) && params?.length === 4;
        const scopedParams = scan && params![3] === null ? [...params!.slice(0, 3), [...ids]] : params;
        const answer = await db.pool.query(sql, scopedParams);
        if (scan) await new Promise((resolve) => setTimeout(resolve, slowMs));
        return answer;
      },
    } as unknown as Db['pool'],
  });
  const make = (database: Db, extra: Partial<ConstructorParameters<typeof Reconciler>[0]>) =>
    new Reconciler({ db: database, redis, queue, logger: createLogger('reconciler-test', 'silent'), intervalMs: 60_000, graceMs: 0, autoDisableAfterMs: 365 * 24 * 3_600_000, onWebhooksDisabled: async () => undefined, ...extra });
  const overdue = async (count: number) => {
    const doc = await seedDocumentation(db, organizationId);
    for (let i = 0; i < count; i++) await seedWebhook(db, doc, `http://127.0.0.1:9/hook/${i}`);
    const result = await ingestEvent(db, { organizationId, documentation: doc, type: 'documentation.structure_change', diff: structureChange().diff }, new Date(Date.now() - 60_000));
    if (result.kind !== 'created') throw new Error('expected a new event');
    return result.deliveries;
  };

  it('keeps its lock through a pass longer than the lock’s lifetime', async () => {
    const deliveries = await overdue(2);
    const slow = make(scoped(new Set(deliveries.map((d) => d.deliveryId)), 500), { lockTtlMs: 300, pageSize: 1 });
    const other = make(scoped(new Set(), 0), {});
    const pass = slow.runOnce();
    await new Promise((resolve) => setTimeout(resolve, 700));
    // Past the 300 ms lifetime: still held, so a second worker's pass does nothing.
    expect(await redis.get(reconcilerLockKey(queue.basePrefix))).not.toBeNull();
    expect(await other.runOnce()).toBe(0);
    expect(await pass).toBe(2);
    expect(await redis.get(reconcilerLockKey(queue.basePrefix))).toBeNull();
  });

  it('stops a pass at its time bound, and the next pass resumes where it stopped', async () => {
    const deliveries = await overdue(4);
    const reconciler = make(scoped(new Set(deliveries.map((d) => d.deliveryId)), 150), { pageSize: 1, maxPassMs: 200 });
    const first = await reconciler.runOnce();
    expect(first).toBeGreaterThanOrEqual(1);
    expect(first).toBeLessThan(4);
    let total = first;
    for (let i = 0; i < 6 && total < 4; i++) total += await reconciler.runOnce();
    expect(total).toBe(4);
    for (const d of deliveries) expect(await queue.getJob(d.deliveryId, d.webhookId)).toBeDefined();
  });
});

describe('Reconciler after Redis lost its data', () => {
  let db: Db;
  let redis: ReturnType<typeof createRedis>;
  let queue: DeliveryQueue;
  let prefix: string;
  let organizationId: string;

  beforeAll(async () => {
    db = testDb();
    redis = createRedis(TEST_REDIS_URL, 'worker');
    prefix = testQueuePrefix();
    queue = new DeliveryQueue(redis, { prefix });
    ({ organizationId } = await createTenant(db));
  });

  afterAll(async () => {
    await queue.obliterate();
    await redis.del(reconcilerEpochKey(prefix));
    await queue.close();
    await redis.quit();
    await db.close();
  });

  // Seen in the fault suite (redis-flush): an attempt in flight when Redis was flushed
  // was sent a second time by another worker while the first request was still open.
  it('waits until attempts in flight when Redis came back empty have ended, then re-enqueues', async () => {
    const doc = await seedDocumentation(db, organizationId);
    await seedWebhook(db, doc, 'http://127.0.0.1:9/hook');
    const result = await ingestEvent(db, { organizationId, documentation: doc, type: 'documentation.structure_change', diff: structureChange().diff }, new Date(Date.now() - 60_000));
    if (result.kind !== 'created') throw new Error('expected a new event');
    const deliveryId = result.deliveries[0]!.deliveryId;
    const settling = new Reconciler({
      db,
      redis,
      queue,
      logger: createLogger('reconciler-test', 'silent'),
      intervalMs: 60_000,
      graceMs: 0,
      autoDisableAfterMs: 365 * 24 * 3_600_000,
      onWebhooksDisabled: async () => undefined,
      settleMs: 5_000,
    });

    // Redis is empty (no epoch): the delivery may be in flight in a worker that took its job before the loss.
    expect(await settling.runOnce()).toBe(0);
    expect(await queue.getJob(deliveryId)).toBeUndefined();
    expect(Number(await redis.get(reconcilerEpochKey(prefix)))).toBeGreaterThan(Date.now() - 5_000);

    // Once every attempt of that time has ended (and been recorded), a delivery still due has truly lost its job.
    await redis.set(reconcilerEpochKey(prefix), String(Date.now() - 5_001));
    expect(await settling.runOnce()).toBeGreaterThanOrEqual(1);
    expect(await queue.getJob(deliveryId)).toBeDefined();
  });
});
