import type { Db } from './client';
import type { AttemptTrigger, DeliveryStatus } from './generated/prisma/enums';

/** One attempt and the delivery state it leads to. */
export interface AttemptRecord {
  id: string;
  deliveryId: string;
  trigger: AttemptTrigger;
  attemptedAt: Date;
  requestHeaders: Record<string, string>;
  responseStatus: number | null;
  responseHeaders: Record<string, string | string[]> | null;
  responseBody: string | null;
  /** utf8, utf8-replaced (NUL or invalid UTF-8 replaced) or base64 (a binary excerpt). */
  responseBodyEncoding?: string;
  /** Written without headers and body because the full record was refused. */
  reduced?: boolean;
  /** The URL the request was sent to. */
  url?: string | null;
  durationMs: number;
  errorKind: string | null;
  errorMessage: string | null;
  /** null keeps the delivery's status (a failed manual redelivery does not reopen or close it). */
  nextStatus: DeliveryStatus | null;
  nextAttemptAt: Date | null;
}

// One statement per batch: insert the attempts, then move each delivery to the
// state of its newest attempt. ON CONFLICT + counting only inserted rows makes a
// retried flush (commit acknowledged but the answer lost) change nothing twice.
// A cancelled delivery, or one that already has a newer attempt, keeps its status.
// Last, each webhook's failing_since is set on its first failure after a success
// and cleared by a success (the auto-disable window is measured from it).
const RECORD_ATTEMPTS = `
WITH input AS (
  SELECT * FROM unnest(
    $1::uuid[], $2::uuid[], $3::attempt_trigger[], $4::timestamptz[], $5::jsonb[], $6::int[],
    $7::jsonb[], $8::text[], $9::int[], $10::text[], $11::text[], $12::delivery_status[], $13::timestamptz[],
    $14::text[], $15::boolean[], $16::text[]
  ) AS u(id, delivery_id, trigger, attempted_at, request_headers, response_status,
         response_headers, response_body, duration_ms, error_kind, error_message, next_status, next_attempt_at,
         response_body_encoding, reduced, url)
), inserted AS (
  INSERT INTO attempts (id, delivery_id, trigger, attempted_at, request_headers, response_status,
                        response_headers, response_body, duration_ms, error_kind, error_message,
                        response_body_encoding, reduced, url)
  SELECT id, delivery_id, trigger, attempted_at, request_headers, response_status,
         response_headers, response_body, duration_ms, error_kind, error_message,
         response_body_encoding, reduced, url FROM input
   -- A delivery removed by retention meanwhile: its attempt is dropped rather than failing the whole batch.
   WHERE EXISTS (SELECT 1 FROM deliveries d WHERE d.id = input.delivery_id)
  ON CONFLICT (id) DO NOTHING
  RETURNING delivery_id
), counts AS (
  SELECT delivery_id, count(*)::int AS n FROM inserted GROUP BY delivery_id
), latest AS (
  SELECT DISTINCT ON (delivery_id) * FROM input ORDER BY delivery_id, attempted_at DESC
), updated AS (
  UPDATE deliveries d SET
    attempts = d.attempts + c.n,
    status = CASE WHEN d.status = 'cancelled' OR l.next_status IS NULL THEN d.status ELSE l.next_status END,
    next_attempt_at = CASE WHEN d.status = 'cancelled' THEN NULL
                           WHEN l.next_status IS NULL THEN d.next_attempt_at
                           ELSE l.next_attempt_at END,
    last_attempt_at = l.attempted_at,
    last_status_code = l.response_status,
    last_duration_ms = l.duration_ms,
    last_error = CASE WHEN l.error_kind IS NULL THEN NULL ELSE l.error_kind || ': ' || coalesce(l.error_message, '') END,
    updated_at = now()
  FROM latest l JOIN counts c ON c.delivery_id = l.delivery_id
  WHERE d.id = l.delivery_id AND (d.last_attempt_at IS NULL OR d.last_attempt_at <= l.attempted_at)
  RETURNING d.webhook_id, l.attempted_at, coalesce(l.response_status BETWEEN 200 AND 299, false) AS ok
), per_webhook AS (
  SELECT webhook_id, bool_or(ok) AS any_ok, min(attempted_at) FILTER (WHERE NOT ok) AS first_failure
    FROM updated GROUP BY webhook_id
)
-- Only state changes touch the webhook row, so a busy webhook is not rewritten on every batch.
UPDATE webhooks w SET failing_since = CASE WHEN p.any_ok THEN NULL ELSE p.first_failure END
  FROM per_webhook p
 WHERE w.id = p.webhook_id
   AND ((p.any_ok AND w.failing_since IS NOT NULL) OR (NOT p.any_ok AND w.failing_since IS NULL))`;

/** Writes a batch of attempts and their deliveries' new state in one round trip. */
export async function recordAttempts(db: Db, records: AttemptRecord[]): Promise<void> {
  if (records.length === 0) return;
  const column = <T>(pick: (r: AttemptRecord) => T) => records.map(pick);
  await db.pool.query(RECORD_ATTEMPTS, [
    column((r) => r.id),
    column((r) => r.deliveryId),
    column((r) => r.trigger),
    column((r) => r.attemptedAt),
    column((r) => JSON.stringify(r.requestHeaders)),
    column((r) => r.responseStatus),
    column((r) => (r.responseHeaders ? JSON.stringify(r.responseHeaders) : null)),
    column((r) => r.responseBody),
    column((r) => r.durationMs),
    column((r) => r.errorKind),
    column((r) => r.errorMessage),
    column((r) => r.nextStatus),
    column((r) => r.nextAttemptAt),
    column((r) => r.responseBodyEncoding ?? 'utf8'),
    column((r) => r.reduced ?? false),
    column((r) => r.url ?? null),
  ]);
}

export interface WebhookRow {
  id: string;
  url: string;
  secretEncrypted: string;
  previousSecretEncrypted: string | null;
  previousSecretExpiresAt: Date | null;
  bumpSignsPrevious: boolean;
  enabled: boolean;
  deleted: boolean;
  organizationId: string;
  maxConcurrency: number | null;
  rateLimitPerSecond: number | null;
}

export async function loadWebhooks(db: Db, ids: string[]): Promise<WebhookRow[]> {
  const { rows } = await db.pool.query(
    `SELECT id, url, secret_encrypted AS "secretEncrypted", previous_secret_encrypted AS "previousSecretEncrypted",
            previous_secret_expires_at AS "previousSecretExpiresAt", bump_signs_previous AS "bumpSignsPrevious", enabled, deleted_at IS NOT NULL AS deleted,
            organization_id AS "organizationId", max_concurrency AS "maxConcurrency", rate_limit_per_second AS "rateLimitPerSecond"
       FROM webhooks WHERE id = ANY($1::uuid[])`,
    [ids],
  );
  return rows;
}

export interface EventRow {
  id: string;
  type: string;
  body: string;
}

export async function loadEvents(db: Db, ids: string[]): Promise<EventRow[]> {
  const { rows } = await db.pool.query('SELECT id, type, body FROM events WHERE id = ANY($1::uuid[])', [ids]);
  return rows;
}

/** Deliveries that will not be attempted (webhook deleted or disabled). */
export async function cancelDeliveries(db: Db, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await db.pool.query(
    `UPDATE deliveries SET status = 'cancelled', next_attempt_at = NULL, updated_at = now()
      WHERE id = ANY($1::uuid[]) AND status IN ('pending', 'retrying')`,
    [ids],
  );
}

export async function disableWebhook(db: Db, id: string, reason: string): Promise<void> {
  await db.pool.query(
    `UPDATE webhooks SET enabled = false, disabled_reason = $2, disabled_at = now(), updated_at = now()
      WHERE id = $1 AND enabled`,
    [id, reason],
  );
}

export interface DueDelivery {
  deliveryId: string;
  webhookId: string;
  eventId: string;
  attempts: number;
}

/**
 * Deliveries PostgreSQL says should have been attempted by now. Most still have
 * their job (waiting behind a backlog, or active): re-adding those is a no-op
 * because the job id is the delivery id. The rest lost their job to a crash
 * between commit and enqueue, or to Redis losing its data. `onlyIds` narrows
 * the search to those deliveries (the reconciler's second look).
 */
export async function findOverdueDeliveries(db: Db, dueBefore: Date, afterId: string | null, limit: number, onlyIds?: string[]): Promise<DueDelivery[]> {
  const { rows } = await db.pool.query(
    `SELECT id AS "deliveryId", webhook_id AS "webhookId", event_id AS "eventId", attempts
       FROM deliveries
      WHERE status IN ('pending', 'retrying') AND next_attempt_at < $1 AND ($2::uuid IS NULL OR id > $2::uuid)
        AND ($4::uuid[] IS NULL OR id = ANY($4::uuid[]))
      ORDER BY id LIMIT $3`,
    [dueBefore, afterId, limit, onlyIds ?? null],
  );
  return rows;
}

/**
 * Disables webhooks whose every attempt has failed since before `failingBefore`.
 * `reasonFormat` is a format() string whose %s becomes the UTC time the
 * failures began. Returns the ids, for cache invalidation.
 */
export async function disableFailingWebhooks(db: Db, failingBefore: Date, reasonFormat: string): Promise<Array<{ id: string; failingSince: Date }>> {
  const { rows } = await db.pool.query<{ id: string; failingSince: Date }>(
    `UPDATE webhooks
        SET enabled = false, disabled_at = now(), updated_at = now(),
            disabled_reason = format($2, to_char(failing_since AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI "UTC"'))
      WHERE enabled AND deleted_at IS NULL AND failing_since < $1
      RETURNING id, failing_since AS "failingSince"`,
    [failingBefore, reasonFormat],
  );
  return rows;
}
