import { ingestEvents, pruneExpired, recordAttempts, RETENTION_LOCK, uuidv7, type Db } from '@hookline/db';
import { createLogger } from '@hookline/telemetry';
import { createTenant, structureChange, testDb } from '../../../test/support/fixtures';
import { seedDocumentation, seedWebhook } from '../../../test/support/seed';
import { parseWorkerEnv } from './env';
import { RetentionPruner } from './retention';

const DAY = 86_400_000;

describe('retention (real PostgreSQL)', () => {
  let db: Db;
  let organizationId: string;
  let documentation: Awaited<ReturnType<typeof seedDocumentation>>;

  beforeAll(async () => {
    db = testDb();
    ({ organizationId } = await createTenant(db));
    documentation = await seedDocumentation(db, organizationId);
    await seedWebhook(db, documentation, 'https://receiver.example.test/a');
    await seedWebhook(db, documentation, 'https://receiver.example.test/b');
  });
  afterAll(() => db.close());

  const pruner = (options: { batchSize?: number } = {}) =>
    new RetentionPruner({ db, logger: createLogger('retention-test', 'silent'), retentionMs: 30 * DAY, intervalMs: 3_600_000, pauseMs: 0, ...options });

  /** `count` events, each delivered to both webhooks, each delivery with one attempt and the given status. */
  async function deliveries(count: number, status: 'succeeded' | 'exhausted' | 'retrying' | 'pending' = 'succeeded') {
    const events = await ingestEvents(db, Array.from({ length: count }, () => ({ organizationId, documentation, type: 'documentation.structure_change' as const, diff: structureChange().diff })));
    const all = events.flatMap((event) => event.deliveries);
    if (status !== 'pending') {
      await recordAttempts(
        db,
        all.map((delivery) => ({
          id: uuidv7(),
          deliveryId: delivery.deliveryId,
          trigger: 'scheduled' as const,
          attemptedAt: new Date(),
          requestHeaders: { 'webhook-id': delivery.deliveryId },
          responseStatus: status === 'succeeded' ? 200 : 500,
          responseHeaders: {},
          responseBody: '',
          durationMs: 12,
          errorKind: null,
          errorMessage: null,
          nextStatus: status,
          nextAttemptAt: status === 'retrying' ? new Date(Date.now() + 60_000) : null,
        })),
      );
    }
    return { eventIds: events.map((event) => event.eventId), deliveryIds: all.map((d) => d.deliveryId) };
  }

  /** Ages rows by moving every timestamp of this organization back (ids, which are time-ordered, stay). */
  async function age(ms: number, deliveryIds?: string[]) {
    const interval = `${ms} milliseconds`;
    const scope = deliveryIds ? 'id = ANY($2::uuid[])' : 'organization_id = $1';
    const params = deliveryIds ? [organizationId, deliveryIds] : [organizationId];
    await db.pool.query(`UPDATE attempts SET attempted_at = attempted_at - $${params.length + 1}::interval WHERE delivery_id IN (SELECT id FROM deliveries WHERE ${scope} AND $1::uuid IS NOT NULL)`, [...params, interval]);
    await db.pool.query(
      `UPDATE deliveries SET created_at = created_at - $${params.length + 1}::interval, last_attempt_at = last_attempt_at - $${params.length + 1}::interval WHERE ${scope} AND $1::uuid IS NOT NULL`,
      [...params, interval],
    );
    const events = deliveryIds ? 'id IN (SELECT event_id FROM deliveries WHERE id = ANY($2::uuid[]))' : 'organization_id = $1';
    await db.pool.query(`UPDATE events SET created_at = created_at - $${params.length + 1}::interval WHERE ${events} AND $1::uuid IS NOT NULL`, [...params, interval]);
  }

  async function counts() {
    const { rows } = await db.pool.query(
      `SELECT (SELECT count(*)::int FROM events WHERE organization_id = $1) AS events,
              (SELECT count(*)::int FROM deliveries WHERE organization_id = $1) AS deliveries,
              (SELECT count(*)::int FROM attempts a JOIN deliveries d ON d.id = a.delivery_id WHERE d.organization_id = $1) AS attempts`,
      [organizationId],
    );
    return rows[0] as { events: number; deliveries: number; attempts: number };
  }

  const exists = async (table: 'events' | 'deliveries', ids: string[]) =>
    (await db.pool.query(`SELECT id FROM ${table} WHERE id = ANY($1::uuid[])`, [ids])).rows.length;

  it('reads DELIVERY_RETENTION_DAYS and RETENTION_INTERVAL_SECONDS, defaults 30 and 3600', () => {
    expect(parseWorkerEnv({})).toMatchObject({ DELIVERY_RETENTION_DAYS: 30, RETENTION_INTERVAL_SECONDS: 3600 });
    expect(parseWorkerEnv({ DELIVERY_RETENTION_DAYS: '7', RETENTION_INTERVAL_SECONDS: '60' })).toMatchObject({ DELIVERY_RETENTION_DAYS: 7, RETENTION_INTERVAL_SECONDS: 60 });
    expect(() => parseWorkerEnv({ DELIVERY_RETENTION_DAYS: '0' })).toThrow(/DELIVERY_RETENTION_DAYS/);
    expect(() => parseWorkerEnv({ RETENTION_INTERVAL_SECONDS: 'hourly' })).toThrow(/RETENTION_INTERVAL_SECONDS/);
  });

  it('removes what is older than the retention by its own timestamps, and keeps pending and retrying deliveries', async () => {
    const done = await deliveries(2, 'succeeded');
    const failed = await deliveries(1, 'exhausted');
    const retrying = await deliveries(1, 'retrying');
    const pending = await deliveries(1, 'pending');
    const fresh = await deliveries(1, 'succeeded');
    const old = [...done.deliveryIds, ...failed.deliveryIds, ...retrying.deliveryIds, ...pending.deliveryIds];
    await age(31 * DAY, old);
    // One day short of the retention: stays.
    await age(29 * DAY, fresh.deliveryIds);

    const result = await pruner().runOnce();
    expect(result).toMatchObject({ attempts: 6, deliveries: 6, events: 3, complete: true });
    expect(await exists('deliveries', [...done.deliveryIds, ...failed.deliveryIds])).toBe(0);
    expect(await exists('events', [...done.eventIds, ...failed.eventIds])).toBe(0);
    // Kept whatever their age, with their attempts and their events.
    expect(await exists('deliveries', [...retrying.deliveryIds, ...pending.deliveryIds, ...fresh.deliveryIds])).toBe(6);
    expect(await exists('events', [...retrying.eventIds, ...pending.eventIds, ...fresh.eventIds])).toBe(3);
    const { rows } = await db.pool.query('SELECT count(*)::int AS n FROM attempts WHERE delivery_id = ANY($1::uuid[])', [[...retrying.deliveryIds, ...fresh.deliveryIds]]);
    expect(rows[0].n).toBe(4);

    // Once the retrying ones finish, they go on the next pass; their event only with its last delivery.
    await db.pool.query(`UPDATE deliveries SET status = 'exhausted' WHERE id = $1`, [retrying.deliveryIds[0]]);
    expect(await pruner().runOnce()).toMatchObject({ attempts: 1, deliveries: 1, events: 0 });
    expect(await exists('events', retrying.eventIds)).toBe(1);
    await db.pool.query(`UPDATE deliveries SET status = 'succeeded' WHERE id = $1`, [retrying.deliveryIds[1]]);
    expect(await pruner().runOnce()).toMatchObject({ attempts: 1, deliveries: 1, events: 1 });
    await db.pool.query(`UPDATE deliveries SET status = 'cancelled' WHERE id = ANY($1::uuid[])`, [pending.deliveryIds]);
    await db.pool.query(`DELETE FROM deliveries WHERE organization_id = $1`, [organizationId]);
    await db.pool.query(`DELETE FROM events WHERE organization_id = $1`, [organizationId]);
  });

  it('works in batches, and only in one worker at a time', async () => {
    await deliveries(5, 'succeeded');
    await age(40 * DAY);
    const holder = await db.pool.connect();
    try {
      await holder.query('SELECT pg_advisory_lock($1::bigint)', [RETENTION_LOCK]);
      expect(await pruner({ batchSize: 3 }).runOnce()).toBeNull();
      expect((await counts()).attempts).toBe(10);
      await holder.query('SELECT pg_advisory_unlock($1::bigint)', [RETENTION_LOCK]);
    } finally {
      holder.release();
    }
    const result = await pruner({ batchSize: 3 }).runOnce();
    // 10 attempts in 4 batches (3+3+3+1), 10 deliveries in 4, 5 events in 2.
    expect(result).toMatchObject({ attempts: 10, deliveries: 10, events: 5, batches: 10 });
    expect(await counts()).toEqual({ events: 0, deliveries: 0, attempts: 0 });
  });

  it('keeps table sizes bounded while rows keep ageing past the retention (soak)', async () => {
    const perRound = 40;
    const sizes: Array<{ events: number; deliveries: number; attempts: number }> = [];
    const stuck = await deliveries(1, 'pending');
    for (let round = 0; round < 8; round++) {
      await deliveries(perRound, round % 3 === 0 ? 'exhausted' : 'succeeded');
      // 11 days pass per round: each round's rows outlive two more rounds, then age out.
      await age(11 * DAY);
      await pruner({ batchSize: 25 }).runOnce();
      sizes.push(await counts());
    }
    const pendingRows = { events: 1, deliveries: 2, attempts: 0 };
    // At most two rounds alive (ages 11 and 22 days) plus the pending event, whatever the number of rounds.
    for (const size of sizes.slice(2)) {
      expect(size).toEqual({ events: 2 * perRound + pendingRows.events, deliveries: 4 * perRound + pendingRows.deliveries, attempts: 4 * perRound });
    }
    expect(await exists('deliveries', stuck.deliveryIds)).toBe(2);
    const { rows } = await db.pool.query(`SELECT min(created_at) AS oldest FROM deliveries WHERE organization_id = $1 AND status = 'succeeded'`, [organizationId]);
    expect(Date.now() - new Date(rows[0].oldest).getTime()).toBeLessThan(30 * DAY);
  });

  it('holds no lock that blocks ingest or attempt writes, and skips rows another transaction holds', async () => {
    const old = await deliveries(3, 'succeeded');
    await age(40 * DAY, old.deliveryIds);
    // A pass left open inside a transaction: whatever it locks stays locked until ROLLBACK.
    const pruning = await db.pool.connect();
    try {
      await pruning.query('BEGIN');
      const result = await pruneExpired(pruning, { cutoff: new Date(Date.now() - 30 * DAY), pauseMs: 0 });
      expect(result).toMatchObject({ attempts: 6, deliveries: 6, events: 3 });
      // Meanwhile: new events and their attempts commit at once (a blocked statement would hit the timeout).
      const writer = await db.pool.connect();
      try {
        await writer.query("SET statement_timeout = '3s'");
        const fresh = await ingestEvents(db, [{ organizationId, documentation, type: 'documentation.structure_change', diff: structureChange().diff }]);
        const deliveryId = fresh[0]!.deliveries[0]!.deliveryId;
        await writer.query(`UPDATE deliveries SET status = 'retrying', attempts = attempts + 1 WHERE id = $1`, [deliveryId]);
        await writer.query('UPDATE webhooks SET updated_at = now() WHERE documentation_id = $1', [documentation.id]);
        await writer.query('UPDATE documentations SET updated_at = now() WHERE id = $1', [documentation.id]);
      } finally {
        await writer.query('RESET statement_timeout');
        writer.release();
      }
    } finally {
      await pruning.query('ROLLBACK');
      pruning.release();
    }
    expect(await exists('deliveries', old.deliveryIds)).toBe(6);

    // A delivery row the worker holds (e.g. mid-write) is skipped, not waited for; the next pass takes it.
    const holder = await db.pool.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT id FROM deliveries WHERE id = $1 FOR UPDATE', [old.deliveryIds[0]]);
      const client = await db.pool.connect();
      try {
        await client.query("SET statement_timeout = '3s'");
        const result = await pruneExpired(client, { cutoff: new Date(Date.now() - 30 * DAY), pauseMs: 0 });
        expect(result.deliveries).toBe(5);
      } finally {
        await client.query('RESET statement_timeout');
        client.release();
      }
    } finally {
      await holder.query('ROLLBACK');
      holder.release();
    }
    expect(await exists('deliveries', old.deliveryIds)).toBe(1);
    expect(await pruner().runOnce()).toMatchObject({ deliveries: 1 });
    expect(await exists('deliveries', old.deliveryIds)).toBe(0);
  });

  it('runs on its interval once started, and stops between passes', async () => {
    const old = await deliveries(2, 'succeeded');
    await age(40 * DAY, old.deliveryIds);
    const timed = new RetentionPruner({ db, logger: createLogger('retention-test', 'silent'), retentionMs: 30 * DAY, intervalMs: 50, firstRunMs: 10, pauseMs: 0 });
    timed.start();
    try {
      const deadline = Date.now() + 10_000;
      while ((await exists('deliveries', old.deliveryIds)) > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 25));
      expect(await exists('deliveries', old.deliveryIds)).toBe(0);
    } finally {
      await timed.stop();
    }
  });

  it('an attempt of a delivery retention removed meanwhile does not fail the attempts written with it', async () => {
    const kept = await deliveries(1, 'pending');
    const gone = await deliveries(1, 'pending');
    await db.pool.query('DELETE FROM deliveries WHERE id = ANY($1::uuid[])', [gone.deliveryIds]);
    const attempt = (deliveryId: string) => ({
      id: uuidv7(),
      deliveryId,
      trigger: 'manual' as const,
      attemptedAt: new Date(),
      requestHeaders: {},
      responseStatus: 200,
      responseHeaders: {},
      responseBody: '',
      durationMs: 5,
      errorKind: null,
      errorMessage: null,
      nextStatus: 'succeeded' as const,
      nextAttemptAt: null,
    });
    await recordAttempts(db, [...kept.deliveryIds, ...gone.deliveryIds].map(attempt));
    const { rows } = await db.pool.query('SELECT status FROM deliveries WHERE id = ANY($1::uuid[])', [kept.deliveryIds]);
    expect(rows.map((row) => row.status)).toEqual(['succeeded', 'succeeded']);
  });
});
