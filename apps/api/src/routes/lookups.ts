import { findDocumentation, findWebhook, isUuid, type Db } from '@hookline/db';
import { notFound } from '../problem';
import { SLUG_PATTERN } from '../schemas';

/** Another organization's resource and a malformed id both answer 404, like one that never existed. */

export async function loadDocumentation(db: Db, organizationId: string, idOrSlug: string) {
  // Neither an id nor a slug (e.g. a NUL byte, which PostgreSQL would refuse): no query at all.
  const documentation = isUuid(idOrSlug) || SLUG_PATTERN.test(idOrSlug) ? await findDocumentation(db, organizationId, idOrSlug) : null;
  if (!documentation) throw notFound(`Documentation "${idOrSlug}"`);
  return documentation;
}

export async function loadWebhook(db: Db, organizationId: string, id: string) {
  const webhook = await findWebhook(db, organizationId, id);
  if (!webhook) throw notFound(`Webhook "${id}"`);
  return webhook;
}
