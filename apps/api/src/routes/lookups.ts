import { findDocumentation, findWebhook, isUuid, type Db } from '@hookline/db';
import { notFound } from '../problem';
import { SLUG_PATTERN } from '../schemas';
import { TtlCache } from '../ttl-cache';

type Documentation = NonNullable<Awaited<ReturnType<typeof findDocumentation>>>;

// Documentations do not change once created (the API has no route that
// edits or deletes one), so producers posting events for the same one need
// not look it up each time: the lookup was the last per-request query of ingest.
const DOCUMENTATION_TTL_MS = 30_000;
const documentations = new WeakMap<Db, TtlCache<Documentation>>();

/** Another organization's resource and a malformed id both answer 404, like one that never existed. */
export async function loadDocumentation(db: Db, organizationId: string, idOrSlug: string): Promise<Documentation> {
  let cache = documentations.get(db);
  if (!cache) documentations.set(db, (cache = new TtlCache(DOCUMENTATION_TTL_MS)));
  const key = `${organizationId}/${idOrSlug}`;
  const hit = cache.get(key);
  if (hit) return hit;
  // Neither an id nor a slug (e.g. a NUL byte, which PostgreSQL would refuse): no query at all.
  const documentation = isUuid(idOrSlug) || SLUG_PATTERN.test(idOrSlug) ? await findDocumentation(db, organizationId, idOrSlug) : null;
  if (!documentation) throw notFound(`Documentation "${idOrSlug}"`);
  cache.set(key, documentation);
  return documentation;
}

export async function loadWebhook(db: Db, organizationId: string, id: string) {
  const webhook = await findWebhook(db, organizationId, id);
  if (!webhook) throw notFound(`Webhook "${id}"`);
  return webhook;
}
