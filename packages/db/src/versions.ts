import type { Db } from './client';
import { isUuid, uuidv7 } from './ids';

export type VersionStatus = 'pending' | 'done' | 'failed';

export interface VersionRow {
  id: string;
  documentationId: string;
  previousVersionId: string | null;
  version: string;
  specification: string;
  contentHash: string;
  status: VersionStatus;
  diff: unknown;
  summary: { text: string; markdown: string } | null;
  eventId: string | null;
  error: string | null;
  createdAt: Date;
  completedAt: Date | null;
}

export interface NewVersion {
  organizationId: string;
  documentationId: string;
  version: string;
  specification: string;
  contentHash: string;
  /** The parsed definition, as JSON text. */
  definition: string;
}

const COLUMNS = `id, documentation_id AS "documentationId", previous_version_id AS "previousVersionId", version, specification,
  content_hash AS "contentHash", status, diff, summary, event_id AS "eventId", error, created_at AS "createdAt", completed_at AS "completedAt"`;

/**
 * Stores a deployed definition. The version it will be compared with is
 * fixed here, in the same statement: the newest one not failed. Two deploys
 * racing each other are ordered by their ids (UUIDv7).
 */
export async function createVersion(db: Db, input: NewVersion, now = new Date()): Promise<VersionRow> {
  const { rows } = await db.pool.query<VersionRow>(
    `INSERT INTO documentation_versions (id, organization_id, documentation_id, previous_version_id, version, specification, content_hash, definition, status, created_at)
     SELECT $1, $2, $3, (SELECT id FROM documentation_versions WHERE documentation_id = $3 AND status <> 'failed' ORDER BY id DESC LIMIT 1),
            $4, $5, $6, $7, 'pending', $8
     RETURNING ${COLUMNS}`,
    [uuidv7(now.getTime()), input.organizationId, input.documentationId, input.version, input.specification, input.contentHash, input.definition, now],
  );
  return rows[0]!;
}

// A deleted documentation's versions answer 404 like its webhooks and events.
const LIVE_DOCUMENTATION = 'EXISTS (SELECT 1 FROM documentations d WHERE d.id = v.documentation_id AND d.deleted_at IS NULL)';

export async function findVersion(db: Db, organizationId: string, id: string): Promise<VersionRow | null> {
  if (!isUuid(id)) return null;
  const { rows } = await db.pool.query<VersionRow>(`SELECT ${COLUMNS} FROM documentation_versions v WHERE id = $1 AND organization_id = $2 AND ${LIVE_DOCUMENTATION}`, [id, organizationId]);
  return rows[0] ?? null;
}

/** The definition as stored (JSON text), for GET /v1/versions/{id}/definition. */
export async function findVersionDefinition(db: Db, organizationId: string, id: string): Promise<string | null> {
  if (!isUuid(id)) return null;
  const { rows } = await db.pool.query<{ definition: string }>(`SELECT definition FROM documentation_versions v WHERE id = $1 AND organization_id = $2 AND ${LIVE_DOCUMENTATION}`, [id, organizationId]);
  return rows[0]?.definition ?? null;
}

/** The newest definition of a documentation that was not failed, for previews against it. */
export async function latestDefinition(db: Db, documentationId: string): Promise<{ id: string; definition: string } | null> {
  const { rows } = await db.pool.query<{ id: string; definition: string }>(
    `SELECT id, definition FROM documentation_versions WHERE documentation_id = $1 AND status <> 'failed' ORDER BY id DESC LIMIT 1`,
    [documentationId],
  );
  return rows[0] ?? null;
}

/** Newest first; `cursor` is the last id of the previous page. */
export async function listVersions(db: Db, documentationId: string, page: { limit: number; cursor?: string }): Promise<{ data: VersionRow[]; nextCursor: string | null }> {
  const { rows } = await db.pool.query<VersionRow>(
    `SELECT ${COLUMNS} FROM documentation_versions WHERE documentation_id = $1 AND ($2::uuid IS NULL OR id < $2::uuid) ORDER BY id DESC LIMIT $3`,
    [documentationId, page.cursor ?? null, page.limit + 1],
  );
  const data = rows.slice(0, page.limit);
  return { data, nextCursor: rows.length > page.limit ? data[data.length - 1]!.id : null };
}

export interface VersionWork {
  id: string;
  organizationId: string;
  documentationId: string;
  version: string;
  status: VersionStatus;
  contentHash: string;
  definition: string;
  previous: { id: string; contentHash: string; definition: string } | null;
}

/** What the diff job needs: this definition and the one it is compared with. */
export async function loadVersionWork(db: Db, id: string): Promise<VersionWork | null> {
  const { rows } = await db.pool.query<VersionWork & { previousId: string | null; previousHash: string | null; previousDefinition: string | null }>(
    `SELECT v.id, v.organization_id AS "organizationId", v.documentation_id AS "documentationId", v.version, v.status,
            v.content_hash AS "contentHash", v.definition,
            p.id AS "previousId", p.content_hash AS "previousHash", p.definition AS "previousDefinition"
       FROM documentation_versions v LEFT JOIN documentation_versions p ON p.id = v.previous_version_id
      WHERE v.id = $1`,
    [id],
  );
  const row = rows[0];
  if (!row) return null;
  const { previousId, previousHash, previousDefinition, ...work } = row;
  return { ...work, previous: previousId ? { id: previousId, contentHash: previousHash!, definition: previousDefinition! } : null };
}

export interface VersionOutcome {
  status: 'done' | 'failed';
  diff?: unknown;
  summary?: { text: string; markdown: string } | null;
  eventId?: string | null;
  error?: string | null;
}

export async function completeVersion(db: Db, id: string, outcome: VersionOutcome, now = new Date()): Promise<void> {
  await db.pool.query(
    `UPDATE documentation_versions SET status = $2::version_status, diff = $3::jsonb, summary = $4::jsonb, event_id = $5, error = $6, completed_at = $7 WHERE id = $1`,
    [
      id,
      outcome.status,
      outcome.diff === undefined || outcome.diff === null ? null : JSON.stringify(outcome.diff),
      outcome.summary ? JSON.stringify(outcome.summary) : null,
      outcome.eventId ?? null,
      outcome.error ?? null,
      now,
    ],
  );
}

/** The one-line summaries of events created by deployed versions, for lists of deliveries. */
export async function versionSummariesByEvent(db: Db, eventIds: string[]): Promise<Map<string, { versionId: string; text: string }>> {
  if (eventIds.length === 0) return new Map();
  const { rows } = await db.pool.query<{ eventId: string; versionId: string; text: string }>(
    `SELECT event_id AS "eventId", id AS "versionId", summary->>'text' AS text FROM documentation_versions WHERE event_id = ANY($1::uuid[])`,
    [eventIds],
  );
  return new Map(rows.map((row) => [row.eventId, { versionId: row.versionId, text: row.text }]));
}

/**
 * Each event's one-line change summary: the deployed version's summary when
 * a version caused the event, else the title the producer gave its diff.
 */
export async function changeSummaries(db: Db, eventIds: string[]): Promise<Map<string, string>> {
  if (eventIds.length === 0) return new Map();
  const { rows } = await db.pool.query<{ id: string; summary: string | null }>(
    `SELECT e.id, COALESCE(v.summary->>'text', (e.body::jsonb)->'diff'->>'title') AS summary
       FROM events e LEFT JOIN documentation_versions v ON v.event_id = e.id
      WHERE e.id = ANY($1::uuid[])`,
    [[...new Set(eventIds)]],
  );
  return new Map(rows.filter((row) => row.summary !== null).map((row) => [row.id, row.summary!]));
}

/** Versions still pending a while after their deploy: their diff job may have been lost with Redis's data. */
export async function findStalledVersions(db: Db, olderThanMs: number, limit = 100, now = new Date()): Promise<string[]> {
  const { rows } = await db.pool.query<{ id: string }>(
    `SELECT id FROM documentation_versions WHERE status = 'pending' AND created_at < $1 ORDER BY id LIMIT $2`,
    [new Date(now.getTime() - olderThanMs), limit],
  );
  return rows.map((row) => row.id);
}
