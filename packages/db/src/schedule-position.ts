import type { Db } from './client';

/**
 * Where each delivery stands in its retry schedule: how many scheduled
 * attempts its current schedule has made — since a recovery reopened it
 * (schedule_started_at), not counting manual redeliveries. A pending delivery
 * has made none, whatever its attempt count says. The reconciler re-enqueues
 * with this, so a recovered delivery gets the whole schedule on that path as
 * on the API's.
 */
export async function scheduledAttemptsMade(db: Db, deliveryIds: string[]): Promise<Map<string, number>> {
  if (deliveryIds.length === 0) return new Map();
  const { rows } = await db.pool.query<{ id: string; made: number }>(
    `SELECT d.id,
            CASE WHEN d.status = 'pending' THEN 0
                 ELSE (SELECT count(*) FROM attempts a
                        WHERE a.delivery_id = d.id AND a.trigger = 'scheduled'
                          AND a.attempted_at >= coalesce(d.schedule_started_at, '-infinity')) END::int AS made
       FROM deliveries d WHERE d.id = ANY($1::uuid[])`,
    [deliveryIds],
  );
  return new Map(rows.map((row) => [row.id, row.made]));
}

/** The status of each delivery, for the worker's last look before sending (one query for a batch of jobs). */
export async function loadDeliveryStatuses(db: Db, deliveryIds: string[]): Promise<Map<string, string>> {
  if (deliveryIds.length === 0) return new Map();
  const { rows } = await db.pool.query<{ id: string; status: string }>(`SELECT id, status FROM deliveries WHERE id = ANY($1::uuid[])`, [deliveryIds]);
  return new Map(rows.map((row) => [row.id, row.status]));
}
