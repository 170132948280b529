import type { Db } from './client';
import { DOCUMENTATION_COLUMNS, findDocumentation, type DocumentationRow } from './documentations';
import { isUuid } from './ids';

export interface DocumentationPatch {
  slug?: string;
  name?: string;
  description?: string | null;
  humanUrl?: string | null;
  tags?: string[];
}

export type UpdateDocumentationResult = { kind: 'updated'; documentation: DocumentationRow; previousSlug: string } | { kind: 'not-found' } | { kind: 'duplicate-slug' };

const COLUMNS: Record<keyof DocumentationPatch, string> = { slug: 'slug', name: 'name', description: 'description', humanUrl: 'human_url', tags: 'tags' };

/** Changes only the fields given; the id stays, so a slug change keeps webhooks and history. */
// Neither an id nor a slug (e.g. a NUL byte, which PostgreSQL would refuse): no query at all.
const referenceable = (idOrSlug: string) => isUuid(idOrSlug) || /^[a-z0-9][a-z0-9-]{0,63}$/.test(idOrSlug);

export async function updateDocumentation(db: Db, organizationId: string, idOrSlug: string, patch: DocumentationPatch): Promise<UpdateDocumentationResult> {
  if (!referenceable(idOrSlug)) return { kind: 'not-found' };
  const current = await findDocumentation(db, organizationId, idOrSlug);
  if (!current) return { kind: 'not-found' };
  const fields = (Object.keys(COLUMNS) as Array<keyof DocumentationPatch>).filter((field) => patch[field] !== undefined);
  const values = fields.map((field) => patch[field]);
  const assignments = fields.map((field, index) => `${COLUMNS[field]} = $${index + 3}`);
  try {
    const { rows } = await db.pool.query<DocumentationRow>(
      `UPDATE documentations SET ${[...assignments, 'updated_at = now()'].join(', ')}
        WHERE id = $1 AND organization_id = $2 AND deleted_at IS NULL
        RETURNING ${DOCUMENTATION_COLUMNS}`,
      [current.id, organizationId, ...values],
    );
    if (!rows[0]) return { kind: 'not-found' };
    return { kind: 'updated', documentation: rows[0], previousSlug: current.slug };
  } catch (error) {
    if ((error as { code?: string }).code === '23505') return { kind: 'duplicate-slug' };
    throw error;
  }
}

/**
 * Soft delete: marks the documentation deleted and frees its slug (it becomes
 * the id, which no live documentation can hold as a slug clash). Returns the
 * ids of its live webhooks, which the caller deletes like DELETE /v1/webhooks
 * does, or null when there is no such documentation.
 */
export async function deleteDocumentation(db: Db, organizationId: string, idOrSlug: string, now = new Date()): Promise<{ id: string; webhookIds: string[] } | null> {
  if (!referenceable(idOrSlug)) return null;
  const current = await findDocumentation(db, organizationId, idOrSlug);
  if (!current) return null;
  const { rowCount } = await db.pool.query(
    `UPDATE documentations SET deleted_at = $3, slug = id::text, updated_at = $3 WHERE id = $1 AND organization_id = $2 AND deleted_at IS NULL`,
    [current.id, organizationId, now],
  );
  if (rowCount !== 1) return null;
  const { rows } = await db.pool.query<{ id: string }>('SELECT id FROM webhooks WHERE documentation_id = $1 AND deleted_at IS NULL ORDER BY id', [current.id]);
  return { id: current.id, webhookIds: rows.map((row) => row.id) };
}
