import { createTenant, structureChange, testDb } from '../../../test/support/fixtures';
import { seedDocumentation, seedWebhook } from '../../../test/support/seed';
import type { Db } from './client';
import { uuidv7 } from './ids';
import { ingestEvent } from './ingest';
import { recordAttempts } from './delivery-records';
import { recoverDeliveries } from './recovery';
import { scheduledAttemptsMade } from './schedule-position';

describe('scheduledAttemptsMade', () => {
  let db: Db;
  beforeAll(() => {
    db = testDb();
  });
  afterAll(() => db.close());

  const attempt = (deliveryId: string, at: number, trigger: 'scheduled' | 'manual', nextStatus: 'retrying' | 'exhausted' | null) => ({
    id: uuidv7(at),
    deliveryId,
    trigger,
    attemptedAt: new Date(at),
    requestHeaders: {},
    responseStatus: 500,
    responseHeaders: {},
    responseBody: '',
    durationMs: 1,
    errorKind: 'http_status',
    errorMessage: null,
    nextStatus,
    nextAttemptAt: nextStatus === 'retrying' ? new Date(at + 1_000) : null,
  });

  it('counts the scheduled attempts of the current schedule only: not those before a recovery, not manual ones', async () => {
    const { organizationId } = await createTenant(db);
    const doc = await seedDocumentation(db, organizationId);
    const webhook = await seedWebhook(db, doc, 'http://127.0.0.1:9/hook');
    const since = new Date(Date.now() - 60_000);
    const result = await ingestEvent(db, { organizationId, documentation: doc, type: 'documentation.structure_change', diff: structureChange().diff }, new Date(Date.now() - 50_000));
    if (result.kind !== 'created') throw new Error('expected a new event');
    const id = result.deliveries[0]!.deliveryId;
    const t = Date.now() - 40_000;
    await recordAttempts(db, [attempt(id, t, 'scheduled', 'retrying'), attempt(id, t + 1, 'scheduled', 'retrying'), attempt(id, t + 2, 'scheduled', 'exhausted')]);
    expect((await scheduledAttemptsMade(db, [id])).get(id)).toBe(3);
    await recoverDeliveries(db, webhook.id, since, new Date(t + 10_000));
    expect((await scheduledAttemptsMade(db, [id])).get(id)).toBe(0);
    await recordAttempts(db, [attempt(id, t + 11_000, 'manual', null)]);
    await recordAttempts(db, [attempt(id, t + 12_000, 'scheduled', 'retrying')]);
    expect((await scheduledAttemptsMade(db, [id])).get(id)).toBe(1);
  });
});
