import type { PoolClient } from 'pg';
import type { Db } from './client';

/**
 * Retention: attempts, deliveries and events older than a cutoff, each by its
 * own timestamp, removed in small batches. Each batch is one short DELETE of
 * at most `batchSize` rows chosen with SKIP LOCKED, so it never waits for a
 * row the worker is writing and takes no lock beyond the rows it removes:
 * ingest and attempt writes go on meanwhile. Deliveries still pending or
 * retrying are kept whatever their age, with their attempts and their event.
 * The rows are picked by an index and removed by their physical address
 * (ctid), so a batch never scans the table, however large it has grown.
 */

// Attempts of deliveries still in progress stay: the delivery's record must show them.
// The checks are scalar subqueries on purpose: one primary-key or index probe per
// candidate row. As NOT EXISTS, the planner may turn them into an anti join that
// compares each old attempt with every pending delivery, which grows with the backlog.
const PRUNE_ATTEMPTS = `
DELETE FROM attempts WHERE ctid = ANY(ARRAY(
  SELECT a.ctid FROM attempts a
   WHERE a.attempted_at < $1
     AND (SELECT d.status FROM deliveries d WHERE d.id = a.delivery_id) NOT IN ('pending', 'retrying')
   LIMIT $2
   FOR UPDATE OF a SKIP LOCKED))`;

// A delivery redelivered recently is kept until its last attempt is old too.
const PRUNE_DELIVERIES = `
DELETE FROM deliveries WHERE ctid = ANY(ARRAY(
  SELECT d.ctid FROM deliveries d
   WHERE d.created_at < $1
     AND d.status NOT IN ('pending', 'retrying')
     AND (d.last_attempt_at IS NULL OR d.last_attempt_at < $1)
   LIMIT $2
   FOR UPDATE SKIP LOCKED))`;

// An event goes only once none of its deliveries remain.
const PRUNE_EVENTS = `
DELETE FROM events WHERE ctid = ANY(ARRAY(
  SELECT e.ctid FROM events e
   WHERE e.created_at < $1
     AND (SELECT 1 FROM deliveries d WHERE d.event_id = e.id LIMIT 1) IS NULL
   LIMIT $2
   FOR UPDATE SKIP LOCKED))`;

export interface PruneOptions {
  /** Rows older than this go. */
  cutoff: Date;
  batchSize?: number;
  /** The shortest pause between batches. */
  pauseMs?: number;
  /**
   * The share of the time spent deleting: after a batch that took t ms the
   * pass waits t × (1 − share) / share (at least pauseMs), so on a busy server,
   * where batches take longer, pruning backs off by itself and ingest keeps
   * most of PostgreSQL.
   */
  busyShare?: number;
  /** Checked between batches: stop early (shutdown). */
  shouldStop?: () => boolean;
  /** After each batch, for progress and the benchmark. */
  onBatch?: (table: 'attempts' | 'deliveries' | 'events', rows: number) => void;
}

export interface PruneResult {
  attempts: number;
  deliveries: number;
  events: number;
  batches: number;
  durationMs: number;
  /** False when shouldStop ended it before everything old was gone. */
  complete: boolean;
}

type Runner = Pick<PoolClient, 'query'> | Db['pool'];

export const DEFAULT_BATCH_SIZE = 1_000;
export const DEFAULT_BUSY_SHARE = 0.1;

/** Runs on `runner`: a pool, or the client that holds the retention lock. */
export async function pruneExpired(runner: Runner, options: PruneOptions): Promise<PruneResult> {
  const { cutoff, batchSize = DEFAULT_BATCH_SIZE, pauseMs = 20, busyShare = DEFAULT_BUSY_SHARE, shouldStop = () => false, onBatch } = options;
  const started = Date.now();
  const result: PruneResult = { attempts: 0, deliveries: 0, events: 0, batches: 0, durationMs: 0, complete: true };
  const steps = [
    ['attempts', PRUNE_ATTEMPTS],
    ['deliveries', PRUNE_DELIVERIES],
    ['events', PRUNE_EVENTS],
  ] as const;
  for (const [table, sql] of steps) {
    for (;;) {
      if (shouldStop()) {
        result.complete = false;
        result.durationMs = Date.now() - started;
        return result;
      }
      const batchStarted = Date.now();
      const { rowCount } = await runner.query(sql, [cutoff, batchSize]);
      const took = Date.now() - batchStarted;
      const rows = rowCount ?? 0;
      result[table] += rows;
      result.batches++;
      onBatch?.(table, rows);
      if (rows < batchSize) break;
      const pause = Math.max(pauseMs, busyShare >= 1 ? 0 : (took * (1 - busyShare)) / busyShare);
      if (pause > 0) await new Promise((resolve) => setTimeout(resolve, pause));
    }
  }
  result.durationMs = Date.now() - started;
  return result;
}

/** An advisory lock key no other lock of the project uses ("hklr"). */
export const RETENTION_LOCK = 0x686b6c72;

/**
 * One pruner at a time across every worker: a session advisory lock held by
 * one connection for the whole pass (released when it ends, or when the
 * process dies and PostgreSQL drops the connection). Returns null when
 * another worker holds it.
 */
export async function pruneWithLock(db: Db, options: PruneOptions): Promise<PruneResult | null> {
  const client = await db.pool.connect();
  let locked = false;
  try {
    const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1::bigint) AS locked', [RETENTION_LOCK]);
    locked = rows[0]?.locked === true;
    if (!locked) return null;
    return await pruneExpired(client, options);
  } finally {
    if (locked) await client.query('SELECT pg_advisory_unlock($1::bigint)', [RETENTION_LOCK]).catch(() => undefined);
    client.release();
  }
}
