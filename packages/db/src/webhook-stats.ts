import type { Db } from './client';

/** One hour of a webhook's attempts: what the dashboard's health plot draws. */
export interface HourlyAttemptStats {
  /** Start of the hour, ISO 8601 UTC. */
  hour: string;
  succeeded: number;
  failed: number;
  /** Latency percentiles of every attempt in the hour; null when there was none. */
  p50Ms: number | null;
  p95Ms: number | null;
}

// Every hour from `since` to now appears, empty ones with zeros, so a plot
// never has to guess whether a missing bar means "no traffic" or "no data".
// Hours are UTC whatever the session's time zone (some zones are offset by
// half hours). The window is a range on the indexed attempts.attempted_at.
const WEBHOOK_STATS = `
WITH hours AS (
  SELECT generate_series(date_trunc('hour', $2::timestamptz, 'UTC'), date_trunc('hour', now(), 'UTC'), interval '1 hour') AS hour
), windowed AS (
  SELECT date_trunc('hour', a.attempted_at, 'UTC') AS hour,
         a.response_status BETWEEN 200 AND 299 AS ok,
         a.duration_ms
    FROM attempts a
    JOIN deliveries d ON d.id = a.delivery_id
   WHERE d.webhook_id = $1::uuid AND a.attempted_at >= $2::timestamptz
)
SELECT h.hour,
       count(w.hour) FILTER (WHERE w.ok)::int AS succeeded,
       count(w.hour) FILTER (WHERE w.ok IS NOT TRUE)::int AS failed,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY w.duration_ms) AS p50,
       percentile_cont(0.95) WITHIN GROUP (ORDER BY w.duration_ms) AS p95
  FROM hours h
  LEFT JOIN windowed w ON w.hour = h.hour
 GROUP BY h.hour
 ORDER BY h.hour`;

interface StatsRow {
  hour: Date;
  succeeded: number;
  failed: number;
  p50: number | null;
  p95: number | null;
}

const roundMs = (value: number | null) => (value === null ? null : Math.round(Number(value)));

/**
 * Attempts of one webhook per hour since `since`, oldest first. An attempt
 * succeeded when the receiver answered 2xx; a timeout, a refused connection
 * or any other status is a failure.
 */
export async function webhookStats(db: Db, webhookId: string, since: Date): Promise<HourlyAttemptStats[]> {
  const { rows } = await db.pool.query<StatsRow>(WEBHOOK_STATS, [webhookId, since]);
  return rows.map((row) => ({
    hour: row.hour.toISOString(),
    succeeded: row.succeeded,
    failed: row.failed,
    p50Ms: roundMs(row.p50),
    p95Ms: roundMs(row.p95),
  }));
}
