import type { VersionRow } from '@hookline/db';

/** GET /v1/versions/{id}: the contract's shape; the diff is Bump's, or null when there was nothing to diff. */
export function versionView(row: VersionRow) {
  return {
    id: row.id,
    documentationId: row.documentationId,
    status: row.status,
    version: row.version,
    specification: row.specification,
    contentHash: row.contentHash,
    previousVersionId: row.previousVersionId,
    diff: row.diff ?? null,
    summary: row.summary ?? null,
    eventId: row.eventId,
    error: row.error,
    createdAt: row.createdAt.toISOString(),
    completedAt: row.completedAt ? row.completedAt.toISOString() : null,
  };
}
