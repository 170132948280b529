import { createHash } from 'node:crypto';
import type { Db } from './client';
import { uuidv7 } from './ids';

export const IDEMPOTENCY_WINDOW_MS = 24 * 60 * 60 * 1000;

export interface IngestInput {
  organizationId: string;
  documentation: { id: string; slug: string; name: string; description: string | null; humanUrl: string | null; tags?: string[]; createdAt: Date; updatedAt: Date };
  type: 'documentation.structure_change' | 'ping';
  diff: { breaking?: boolean } & Record<string, unknown>;
  version?: string | null;
  /** Only these webhooks (Test webhook); otherwise every enabled, matching webhook of the documentation. */
  webhookIds?: string[];
  idempotencyKey?: string;
}

export interface QueuedDelivery {
  deliveryId: string;
  webhookId: string;
  eventId: string;
}

export type IngestResult =
  | { kind: 'created'; eventId: string; deliveries: QueuedDelivery[] }
  | { kind: 'replayed'; eventId: string; deliveryCount: number }
  | { kind: 'conflict' };

/** What ingest reads with the targets: the documentation's tags and current definition, fresh (not the cached row). */
export interface ApiState {
  tags: string[] | null;
  versionId: string | null;
  version: string | null;
  specification: string | null;
}

const DEFINITION_TYPE: Record<string, string> = { 'openapi-3.0': 'OpenAPI', 'openapi-3.1': 'OpenAPI', 'swagger-2.0': 'OpenAPI', asyncapi: 'AsyncAPI' };

/**
 * The `api` half of the payload, in the shape of Bump's DocStructureChange:
 * the documentation as it is when the change is reported. A field Bump types
 * as a string is never null: it is left out when the documentation has no
 * value for it (description, url, humanUrl, version).
 */
export function apiSnapshot(doc: IngestInput['documentation'], version: string | null | undefined, state?: ApiState) {
  const current = version ?? state?.version ?? null;
  return {
    id: doc.id,
    name: doc.name,
    ...(doc.description !== null ? { description: doc.description } : {}),
    slug: doc.slug,
    // Deprecated in Bump's schema, kept for receivers written against it: the same URL as humanUrl.
    ...(doc.humanUrl !== null ? { url: doc.humanUrl, humanUrl: doc.humanUrl } : {}),
    tags: state?.tags ?? doc.tags ?? [],
    ...(current ? { version: current } : {}),
    properties:
      state?.versionId && state.specification
        ? [{ type: DEFINITION_TYPE[state.specification] ?? 'OpenAPI', url: `/v1/versions/${state.versionId}/definition` }]
        : [],
    created: doc.createdAt.toISOString(),
    modified: doc.updatedAt.toISOString(),
  };
}

// The documentation's tags and its newest deployed definition: one row, part of the targets round trip.
const API_STATE = `
SELECT d.id AS documentation_id, d.tags, v.id AS version_id, v.version, v.specification
  FROM documentations d
  LEFT JOIN LATERAL (SELECT id, version, specification FROM documentation_versions
                      WHERE documentation_id = d.id AND status <> 'failed' ORDER BY id DESC LIMIT 1) v ON true
 WHERE d.id = ANY($1::uuid[])`;

interface ApiStateRow {
  documentation_id: string;
  tags: string[] | null;
  version_id: string | null;
  version: string | null;
  specification: string | null;
}

const toState = (row: ApiStateRow | undefined): ApiState | undefined =>
  row && { tags: row.tags, versionId: row.version_id, version: row.version, specification: row.specification };

export function requestHash(documentationId: string, diff: unknown, version: string | null | undefined): string {
  return createHash('sha256').update(JSON.stringify([documentationId, diff, version ?? null])).digest('hex');
}

// The webhooks an event goes to, and (when a key is given) the event that already holds the
// idempotency key: one round trip for both.
const TARGETS = `
SELECT 'webhook' AS kind, id, NULL::text AS request_hash, NULL::int AS delivery_count, NULL::timestamptz AS created_at
  FROM webhooks
 WHERE documentation_id = $1 AND deleted_at IS NULL
   AND CASE WHEN $2::uuid[] IS NOT NULL THEN id = ANY($2::uuid[]) ELSE enabled AND ($3::boolean OR NOT breaking_only) END
UNION ALL
SELECT 'event', id, request_hash, delivery_count, created_at
  FROM events WHERE organization_id = $4 AND idempotency_key = $5`;

// The event and its deliveries in one statement, so they commit together: the outbox.
const INSERT_EVENT = `
WITH event AS (
  INSERT INTO events (id, organization_id, documentation_id, type, body, idempotency_key, request_hash, delivery_count, created_at, breaking)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $12)
  RETURNING id
)
INSERT INTO deliveries (id, event_id, webhook_id, status, next_attempt_at, created_at, updated_at)
SELECT d.id, (SELECT id FROM event), d.webhook_id, 'pending', $9, $9, $9
  FROM unnest($10::uuid[], $11::uuid[]) AS d(id, webhook_id)`;

interface TargetRow {
  kind: 'webhook' | 'event';
  id: string;
  request_hash: string | null;
  delivery_count: number | null;
  created_at: Date | null;
}

/**
 * The transactional outbox: the event and one delivery row per target webhook
 * commit together; the caller enqueues the returned deliveries afterwards, and
 * the reconciler re-enqueues any that never reach Redis. Two round trips,
 * plain SQL: this is the producers' hot path.
 */
export async function ingestEvent(db: Db, input: IngestInput, now = new Date()): Promise<IngestResult> {
  const hash = input.idempotencyKey ? requestHash(input.documentation.id, input.diff, input.version) : null;
  const [{ rows }, api] = await Promise.all([
    db.pool.query<TargetRow>(TARGETS, [input.documentation.id, input.webhookIds ?? null, input.diff.breaking === true, input.organizationId, input.idempotencyKey ?? null]),
    db.pool.query<ApiStateRow>(API_STATE, [[input.documentation.id]]),
  ]);
  const previous = rows.find((row) => row.kind === 'event');
  if (previous) {
    if (now.getTime() - previous.created_at!.getTime() < IDEMPOTENCY_WINDOW_MS) {
      return previous.request_hash === hash ? { kind: 'replayed', eventId: previous.id, deliveryCount: previous.delivery_count! } : { kind: 'conflict' };
    }
    // An expired key may be used again: the old event keeps its history, not its key.
    await db.pool.query('UPDATE events SET idempotency_key = NULL WHERE id = $1', [previous.id]);
  }

  const eventId = uuidv7(now.getTime());
  const webhookIds = rows.filter((row) => row.kind === 'webhook').map((row) => row.id);
  const deliveries = webhookIds.map((webhookId) => ({ deliveryId: uuidv7(now.getTime()), webhookId, eventId }));
  const body = JSON.stringify({ api: apiSnapshot(input.documentation, input.version, toState(api.rows[0])), diff: input.diff });
  try {
    await db.pool.query(INSERT_EVENT, [
      eventId,
      input.organizationId,
      input.documentation.id,
      input.type,
      body,
      input.idempotencyKey ?? null,
      hash,
      deliveries.length,
      now,
      deliveries.map((d) => d.deliveryId),
      webhookIds,
      input.diff.breaking === true,
    ]);
  } catch (error) {
    // Two requests with the same new key raced; the loser answers like a replay.
    if (input.idempotencyKey && (error as { code?: string }).code === '23505') return ingestEvent(db, input, now);
    throw error;
  }
  return { kind: 'created', eventId, deliveries };
}

// Many events and their deliveries in one statement (see INSERT_EVENT).
const INSERT_EVENTS = `
WITH events_in AS (
  INSERT INTO events (id, organization_id, documentation_id, type, body, delivery_count, created_at, breaking)
  SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::int[], $7::timestamptz[], $12::boolean[])
  RETURNING id
)
INSERT INTO deliveries (id, event_id, webhook_id, status, next_attempt_at, created_at, updated_at)
SELECT d.id, d.event_id, d.webhook_id, 'pending', d.at, d.at, d.at
  FROM unnest($8::uuid[], $9::uuid[], $10::uuid[], $11::timestamptz[]) AS d(id, event_id, webhook_id, at)`;

/**
 * Ingests several events (no idempotency key, no webhook selection) with two
 * round trips in all, whatever their number: the API gathers the requests that
 * arrive together. All commit or none do.
 */
export async function ingestEvents(db: Db, inputs: IngestInput[], now = new Date()): Promise<Array<Extract<IngestResult, { kind: 'created' }>>> {
  if (inputs.some((input) => input.idempotencyKey !== undefined || input.webhookIds !== undefined)) {
    throw new Error('ingestEvents takes events without an idempotency key or webhook selection');
  }
  const documentationIds = [...new Set(inputs.map((input) => input.documentation.id))];
  const [{ rows }, api] = await Promise.all([
    db.pool.query<{ id: string; documentation_id: string; breaking_only: boolean }>(
      'SELECT id, documentation_id, breaking_only FROM webhooks WHERE documentation_id = ANY($1::uuid[]) AND deleted_at IS NULL AND enabled',
      [documentationIds],
    ),
    db.pool.query<ApiStateRow>(API_STATE, [documentationIds]),
  ]);
  const states = new Map(api.rows.map((row) => [row.documentation_id, toState(row)]));
  const byDocumentation = new Map<string, typeof rows>();
  for (const row of rows) byDocumentation.set(row.documentation_id, [...(byDocumentation.get(row.documentation_id) ?? []), row]);

  const results = inputs.map((input) => {
    const eventId = uuidv7(now.getTime());
    const breaking = input.diff.breaking === true;
    const targets = (byDocumentation.get(input.documentation.id) ?? []).filter((webhook) => breaking || !webhook.breaking_only);
    const deliveries = targets.map((webhook) => ({ deliveryId: uuidv7(now.getTime()), webhookId: webhook.id, eventId }));
    const body = JSON.stringify({ api: apiSnapshot(input.documentation, input.version, states.get(input.documentation.id)), diff: input.diff });
    return { kind: 'created' as const, eventId, deliveries, input, body };
  });
  const deliveries = results.flatMap((r) => r.deliveries);
  await db.pool.query(INSERT_EVENTS, [
    results.map((r) => r.eventId),
    results.map((r) => r.input.organizationId),
    results.map((r) => r.input.documentation.id),
    results.map((r) => r.input.type),
    results.map((r) => r.body),
    results.map((r) => r.deliveries.length),
    results.map(() => now),
    deliveries.map((d) => d.deliveryId),
    deliveries.map((d) => d.eventId),
    deliveries.map((d) => d.webhookId),
    deliveries.map(() => now),
    results.map((r) => r.input.diff.breaking === true),
  ]);
  return results.map(({ kind, eventId, deliveries: own }) => ({ kind, eventId, deliveries: own }));
}
