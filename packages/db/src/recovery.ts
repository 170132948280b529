import type { Db } from './client';
import { uuidv7 } from './ids';
import type { QueuedDelivery } from './ingest';

// What "the deliveries that failed since" means for a webhook: those that ran
// out of attempts or were cancelled while it was disabled, and the events of
// its documentation it never got a delivery for because it was disabled then.
const FAILED = `
SELECT d.id, d.event_id FROM deliveries d
 WHERE d.webhook_id = $1 AND d.created_at >= $2 AND d.status IN ('exhausted', 'cancelled')`;

const MISSED = `
SELECT e.id FROM events e JOIN webhooks w ON w.id = $1
 WHERE e.documentation_id = w.documentation_id AND e.created_at >= greatest($2, w.created_at)
   AND e.type = 'documentation.structure_change'
   AND (NOT w.breaking_only OR e.breaking)
   AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.event_id = e.id AND d.webhook_id = w.id)`;

export async function countRecoverable(db: Db, webhookId: string, since: Date): Promise<{ failed: number; missed: number }> {
  const { rows } = await db.pool.query<{ failed: number; missed: number }>(
    `SELECT (SELECT count(*) FROM (${FAILED}) f)::int AS failed, (SELECT count(*) FROM (${MISSED}) m)::int AS missed`,
    [webhookId, since],
  );
  return rows[0]!;
}

/**
 * Reopens the failed deliveries (same delivery id, so receivers still dedupe)
 * and creates deliveries for the missed events, all due now, in one
 * transaction. The caller enqueues what is returned; the reconciler covers a
 * failed enqueue as for any new delivery.
 */
export async function recoverDeliveries(db: Db, webhookId: string, since: Date, now = new Date()): Promise<QueuedDelivery[]> {
  const client = await db.pool.connect();
  try {
    await client.query('BEGIN');
    const reopened = await client.query<{ id: string; event_id: string }>(
      `UPDATE deliveries SET status = 'pending', next_attempt_at = $3, schedule_started_at = $3, updated_at = $3
        WHERE id IN (SELECT id FROM (${FAILED}) f) RETURNING id, event_id`,
      [webhookId, since, now],
    );
    const missed = await client.query<{ id: string }>(MISSED, [webhookId, since]);
    const created = missed.rows.map((event) => ({ deliveryId: uuidv7(now.getTime()), webhookId, eventId: event.id }));
    if (created.length > 0) {
      await client.query(
        `INSERT INTO deliveries (id, event_id, webhook_id, status, next_attempt_at, created_at, updated_at)
         SELECT id, event_id, $3, 'pending', $4, $4, $4 FROM unnest($1::uuid[], $2::uuid[]) AS n(id, event_id)`,
        [created.map((d) => d.deliveryId), created.map((d) => d.eventId), webhookId, now],
      );
    }
    await client.query('COMMIT');
    return [...reopened.rows.map((row) => ({ deliveryId: row.id, webhookId, eventId: row.event_id })), ...created];
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  } finally {
    client.release();
  }
}
