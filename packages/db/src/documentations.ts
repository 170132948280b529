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

/**
 * One query on the hot path of POST /events. A lowercase uuid is also a valid
 * slug, so a uuid-shaped reference matches either, and the id wins.
 */
export async function findDocumentation(db: Db, organizationId: string, idOrSlug: string): Promise<DocumentationRow | null> {
  if (!isUuid(idOrSlug)) return db.prisma.documentation.findUnique({ where: { organizationId_slug: { organizationId, slug: idOrSlug } } });
  const rows = await db.prisma.documentation.findMany({
    where: { organizationId, OR: [{ id: idOrSlug.toLowerCase() }, { slug: idOrSlug }] },
    take: 2,
  });
  return rows.find((row) => row.id === idOrSlug.toLowerCase()) ?? rows[0] ?? null;
}

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

/** Oldest first (ids are UUIDv7); `cursor` is the last id of the previous page. */
export async function listDocumentations(db: Db, organizationId: string, page: { limit: number; cursor?: string }): Promise<Page<DocumentationRow>> {
  const rows = await db.prisma.documentation.findMany({
    where: { organizationId, ...(page.cursor ? { id: { gt: page.cursor } } : {}) },
    orderBy: { id: 'asc' },
    take: page.limit + 1,
  });
  const data = rows.slice(0, page.limit);
  return { data, nextCursor: rows.length > page.limit ? data[data.length - 1]!.id : null };
}
