import type { Pool } from 'pg';
import type { Accepted } from './producer';
import type { Endpoint, IdRecord } from '../../support/chaos-receiver';
import { MAX_ATTEMPTS } from './stack';

export interface Tally {
  /** Deliveries promised by a 202 (sum of `deliveries` over accepted events). */
  sent: number;
  /** Of those, acknowledged (2xx) by the receiver at least once. */
  delivered: number;
  /** Extra acknowledgements of a webhook-id already acknowledged. */
  duplicates: number;
  /** Not delivered, but recorded `exhausted`: the promise kept by the record. */
  exhausted: number;
  /** Accepted by a 202, and at the end neither delivered nor recorded exhausted. */
  lost: number;
  /** Requests that arrived while another with the same webhook-id was still open at the receiver. */
  overlaps: number;
  /** The same change to the same endpoint under two different webhook-ids. */
  wrongIds: number;
  badSignatures: number;
  /** Recorded `succeeded` although the receiver never acknowledged it. */
  succeededWithoutAck: number;
  /** Exhausted after fewer attempts than the schedule allows. */
  shortSchedules: number;
  /** Requests the receiver saw beyond the attempts recorded in PostgreSQL. */
  unrecordedRequests: number;
  /** Deliveries acknowledged whose event never got a 202 (the producer gave up, or the API died after commit). */
  deliveredUnpromised: number;
  requests: number;
  /** The 202s that were idempotent replays after a failed request. */
  replayed: number;
  /** From the fault until every delivery accepted before it was delivered or exhausted. */
  settledAfterFaultMs: number | null;
  /** Deliveries still pending or retrying at the end, by id (for the report). */
  lostIds: string[];
  /** For a few duplicated ids: what the receiver saw and what PostgreSQL recorded, times relative to `origin`. */
  duplicateDetails: Array<{ id: string; receiver: string[]; attempts: string[] }>;
}

interface DeliveryRow {
  id: string;
  webhook_id: string;
  event_id: string;
  status: string;
  attempts: number;
  recorded: number;
  last_attempt_at: Date | null;
}

export async function tally(
  pool: Pool,
  accepted: Accepted[],
  endpoints: Endpoint[],
  faultAt: number | null,
  uncountedWebhooks = new Set<string>(),
  origin = 0,
): Promise<Tally> {
  const { rows } = await pool.query<DeliveryRow>(
    `SELECT d.id, d.webhook_id, d.event_id, d.status, d.attempts, d.last_attempt_at,
            (SELECT count(*)::int FROM attempts a WHERE a.delivery_id = d.id) AS recorded
       FROM deliveries d`,
  );
  const byEvent = new Map<string, DeliveryRow[]>();
  for (const row of rows) {
    if (uncountedWebhooks.has(row.webhook_id)) continue;
    const list = byEvent.get(row.event_id) ?? [];
    list.push(row);
    byEvent.set(row.event_id, list);
  }
  const acks = new Map<string, IdRecord>();
  for (const endpoint of endpoints) for (const [id, record] of endpoint.ids) acks.set(id, record);

  const t: Tally = {
    sent: 0, delivered: 0, duplicates: 0, exhausted: 0, lost: 0, overlaps: 0, wrongIds: 0, badSignatures: 0,
    succeededWithoutAck: 0, shortSchedules: 0, unrecordedRequests: 0, deliveredUnpromised: 0, requests: 0,
    replayed: accepted.filter((a) => a.replayed).length, settledAfterFaultMs: null, lostIds: [], duplicateDetails: [],
  };
  const promised = new Set<string>();
  let settledAt = faultAt;
  for (const event of accepted) {
    const promisedHere = event.deliveries - uncountedWebhooks.size;
    t.sent += promisedHere;
    const deliveries = byEvent.get(event.eventId) ?? [];
    // A 202 that promised more deliveries than PostgreSQL holds: the missing ones are lost outright.
    if (deliveries.length < promisedHere) {
      t.lost += promisedHere - deliveries.length;
      t.lostIds.push(`${event.eventId}: ${promisedHere - deliveries.length} delivery rows missing`);
    }
    for (const d of deliveries) {
      promised.add(d.id);
      const seen = acks.get(d.id);
      let doneAt: number | null = null;
      if (seen && seen.acks > 0) {
        t.delivered += 1;
        doneAt = seen.firstAckAt;
      } else if (d.status === 'exhausted') {
        t.exhausted += 1;
        doneAt = d.last_attempt_at?.getTime() ?? null;
      } else {
        t.lost += 1;
        t.lostIds.push(`${d.id} (${d.status}, ${d.attempts} attempts)`);
      }
      if (d.status === 'succeeded' && !(seen && seen.acks > 0)) t.succeededWithoutAck += 1;
      if (d.status === 'exhausted' && d.attempts < MAX_ATTEMPTS) t.shortSchedules += 1;
      if (seen) t.unrecordedRequests += Math.max(0, seen.requests - d.recorded);
      if (faultAt !== null && event.at < faultAt && doneAt !== null && settledAt !== null) settledAt = Math.max(settledAt, doneAt);
    }
  }
  for (const [id, seen] of acks) {
    t.duplicates += Math.max(0, seen.acks - 1);
    t.requests += seen.requests;
    if (seen.acks > 0 && !promised.has(id)) t.deliveredUnpromised += 1;
  }
  const confirmed = await confirmedOverlaps(pool, endpoints.flatMap((e) => e.overlaps), acks);
  for (const endpoint of endpoints) {
    t.badSignatures += endpoint.badSignatures;
    for (const ids of endpoint.diffIds.values()) if (ids.size > 1) t.wrongIds += 1;
  }
  t.overlaps = confirmed.length;
  const rel = (ms: number) => `${((ms - origin) / 1000).toFixed(3)} s`;
  const overlapped = new Set(confirmed.map((o) => o.id));
  // Overlaps first: they are the worse finding.
  const duplicated = [...acks].filter(([id, seen]) => overlapped.has(id)).concat([...acks].filter(([id, seen]) => seen.acks > 1 && !overlapped.has(id))).slice(0, 10);
  for (const [id, seen] of duplicated) {
    const { rows: attempts } = await pool.query<{ attempted_at: Date; response_status: number | null; error_kind: string | null; duration_ms: number }>(
      'SELECT attempted_at, response_status, error_kind, duration_ms FROM attempts WHERE delivery_id = $1 ORDER BY attempted_at',
      [id],
    );
    t.duplicateDetails.push({
      id: overlapped.has(id) ? `${id} (overlap)` : id,
      receiver: seen.log.map(([at, what]) => `${rel(at)} ${what}`),
      attempts: attempts.map((a) => `${rel(a.attempted_at.getTime())} ${a.response_status ?? a.error_kind} in ${a.duration_ms} ms`),
    });
  }
  t.settledAfterFaultMs = faultAt !== null && settledAt !== null ? settledAt - faultAt : null;
  return t;
}

/**
 * The receivers share the test process: when its event loop stalls, a
 * request is handled late, so a retry and the attempt it replaced can look
 * open at once here though the sender ran them one after the other. A
 * receiver's overlap stands unless the sender's records show each request of
 * that webhook-id as an attempt of its own and no two of them running at once.
 */
async function confirmedOverlaps(pool: Pool, overlaps: Array<{ id: string; at: number }>, acks: Map<string, IdRecord>) {
  const standing: Array<{ id: string; at: number }> = [];
  const verdicts = new Map<string, boolean>();
  for (const overlap of overlaps) {
    if (!verdicts.has(overlap.id)) {
      const { rows } = await pool.query<{ attempted_at: Date; duration_ms: number }>(
        'SELECT attempted_at, duration_ms FROM attempts WHERE delivery_id = $1 ORDER BY attempted_at',
        [overlap.id],
      );
      const attempts = rows.map((a) => ({ at: a.attempted_at.getTime(), durationMs: a.duration_ms }));
      verdicts.set(overlap.id, overlapStands(attempts, acks.get(overlap.id)?.requests ?? 0));
    }
    if (verdicts.get(overlap.id)) standing.push(overlap);
  }
  return standing;
}

/** Whether the sender's attempts of one webhook-id confirm an overlap a receiver saw: two of them ran at once, or a request has no attempt. */
export function overlapStands(attempts: Array<{ at: number; durationMs: number }>, requests: number): boolean {
  const sorted = [...attempts].sort((a, b) => a.at - b.at);
  const oneAtATime = sorted.every((a, i) => i === 0 || a.at >= sorted[i - 1]!.at + sorted[i - 1]!.durationMs);
  return !oneAtATime || sorted.length < requests;
}

/** Deliveries not yet delivered or exhausted, counted in PostgreSQL. */
export async function unsettledCount(pool: Pool): Promise<number> {
  const { rows } = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM deliveries WHERE status IN ('pending', 'retrying')`);
  return rows[0]!.n;
}
