import type { Db } from './client';
import { uuidv7, isUuid } from './ids';
import { Prisma } from './generated/prisma/client';

export interface DocumentationRow {
  id: string;
  organizationId: string;
  slug: string;
  name: string;
  description: string | null;
  humanUrl: string | null;
  tags: string[];
  createdAt: Date;
  updatedAt: Date;
}

export interface NewDocumentation {
  slug: string;
  name: string;
  description?: string | null;
  humanUrl?: string | null;
}

export type CreateDocumentationResult = { kind: 'created'; documentation: DocumentationRow } | { kind: 'duplicate-slug' };

export async function createDocumentation(db: Db, organizationId: string, input: NewDocumentation): Promise<CreateDocumentationResult> {
  try {
    const documentation = await db.prisma.documentation.create({
      data: {
        id: uuidv7(),
        organizationId,
        slug: input.slug,
        name: input.name,
        description: input.description ?? null,
        humanUrl: input.humanUrl ?? null,
      },
    });
    return { kind: 'created', documentation };
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') return { kind: 'duplicate-slug' };
    throw error;
  }
}

export const DOCUMENTATION_COLUMNS = `id, organization_id AS "organizationId", slug, name, description, human_url AS "humanUrl",
  coalesce(tags, '{}') AS tags, created_at AS "createdAt", updated_at AS "updatedAt"`;

/**
 * On the hot path of POST /events, so one plain pg query rather than a trip
 * through Prisma's engine. A lowercase uuid is also a valid slug: a
 * uuid-shaped reference matches either, and the id wins.
 */
export async function findDocumentation(db: Db, organizationId: string, idOrSlug: string): Promise<DocumentationRow | null> {
  if (!isUuid(idOrSlug)) {
    const { rows } = await db.pool.query<DocumentationRow>(
      `SELECT ${DOCUMENTATION_COLUMNS} FROM documentations WHERE organization_id = $1 AND slug = $2 AND deleted_at IS NULL`,
      [organizationId, idOrSlug],
    );
    return rows[0] ?? null;
  }
  const { rows } = await db.pool.query<DocumentationRow>(
    `SELECT ${DOCUMENTATION_COLUMNS} FROM documentations
      WHERE organization_id = $1 AND (id = $2::uuid OR slug = $3) AND deleted_at IS NULL
      ORDER BY (id = $2::uuid) DESC LIMIT 1`,
    [organizationId, idOrSlug.toLowerCase(), idOrSlug],
  );
  return rows[0] ?? null;
}

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

/** Oldest first (ids are UUIDv7); `cursor` is the last id of the previous page. */
export async function listDocumentations(db: Db, organizationId: string, page: { limit: number; cursor?: string }): Promise<Page<DocumentationRow>> {
  const rows = await db.prisma.documentation.findMany({
    where: { organizationId, deletedAt: null, ...(page.cursor ? { id: { gt: page.cursor } } : {}) },
    orderBy: { id: 'asc' },
    take: page.limit + 1,
  });
  const data = rows.slice(0, page.limit);
  return { data, nextCursor: rows.length > page.limit ? data[data.length - 1]!.id : null };
}
