import { findDocumentation, findWebhook, isUuid, type Db } from '@hookline/db';
import { notFound } from '../problem';
import { SLUG_PATTERN } from '../schemas';
import type { CacheInvalidation } from '../cache-invalidation';
import { TtlCache } from '../ttl-cache';

type Documentation = NonNullable<Awaited<ReturnType<typeof findDocumentation>>>;

// Producers posting events for the same documentation need not look it up
// each time: the lookup was the last per-request query of ingest. An edit or
// delete is announced to every API process (CacheInvalidation), which drops
// the entry; the TTL is only a safety net.
const DOCUMENTATION_TTL_MS = 5_000;
interface DocumentationCache {
  entries: TtlCache<Documentation>;
  invalidation: CacheInvalidation;
  generation: number;
}
const documentations = new WeakMap<Db, DocumentationCache>();

/** Caches this Db's documentation lookups while `invalidation` is live; without it, nothing is cached. */
export function cacheDocumentations(db: Db, invalidation: CacheInvalidation): void {
  const cache: DocumentationCache = { entries: new TtlCache(DOCUMENTATION_TTL_MS), invalidation, generation: 0 };
  documentations.set(db, cache);
  invalidation.on((change) => {
    if (change.kind === 'api-key') return;
    cache.generation++;
    if (change.kind === 'all') cache.entries.clear();
    else cache.entries.deleteWhere((documentation) => documentation.id === change.id);
  });
}

/** Another organization's resource, a deleted one and a malformed id all answer 404, like one that never existed. */
export async function loadDocumentation(db: Db, organizationId: string, idOrSlug: string): Promise<Documentation> {
  const cache = documentations.get(db);
  const live = cache?.invalidation.live === true;
  const key = `${organizationId}/${idOrSlug}`;
  const hit = live ? cache!.entries.get(key) : undefined;
  if (hit) return hit;
  const before = cache?.generation;
  // Neither an id nor a slug (e.g. a NUL byte, which PostgreSQL would refuse): no query at all.
  const documentation = isUuid(idOrSlug) || SLUG_PATTERN.test(idOrSlug) ? await findDocumentation(db, organizationId, idOrSlug) : null;
  if (!documentation) throw notFound(`Documentation "${idOrSlug}"`);
  // A lookup that raced an edit must not cache what it read before it.
  if (live && cache!.generation === before) cache!.entries.set(key, documentation);
  return documentation;
}

export async function loadWebhook(db: Db, organizationId: string, id: string) {
  const webhook = await findWebhook(db, organizationId, id);
  if (!webhook) throw notFound(`Webhook "${id}"`);
  return webhook;
}
