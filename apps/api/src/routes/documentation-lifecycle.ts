import { Router } from 'express';
import { deleteDocumentation, updateDocumentation } from '@hookline/db';
import type { AppContext } from '../context';
import { bestEffort } from '../enqueue';
import { DocumentationUpdate } from '../lifecycle-schemas';
import { conflict, notFound } from '../problem';
import { documentationView } from '../representations';
import { organizationOf, param, parseBody } from '../validation';
import { removeWebhook } from './webhooks';

/** Every API process caches documentation lookups: each change is announced so all of them drop theirs. */
const announceDocumentation = (ctx: AppContext, id: string) =>
  bestEffort('documentation change announcement', ctx.logger, () => ctx.invalidation.publish(ctx.redis, { kind: 'documentation', id }), { documentationId: id }, ctx.config.redisTimeoutMs);

export function documentationLifecycleRoutes(ctx: AppContext): Router {
  const { db } = ctx;
  const router = Router();

  router.patch('/v1/documentations/:idOrSlug', async (req, res) => {
    const patch = parseBody(DocumentationUpdate, req.body);
    const idOrSlug = param(req.params.idOrSlug);
    const result = await updateDocumentation(db, organizationOf(res), idOrSlug, patch);
    if (result.kind === 'not-found') throw notFound(`Documentation "${idOrSlug}"`);
    if (result.kind === 'duplicate-slug') throw conflict('duplicate-slug', `A documentation with slug "${patch.slug}" already exists.`);
    await announceDocumentation(ctx, result.documentation.id);
    res.json(documentationView(result.documentation));
  });

  router.delete('/v1/documentations/:idOrSlug', async (req, res) => {
    const idOrSlug = param(req.params.idOrSlug);
    const organizationId = organizationOf(res);
    const deleted = await deleteDocumentation(db, organizationId, idOrSlug);
    if (!deleted) throw notFound(`Documentation "${idOrSlug}"`);
    // Announced first: from here on no process accepts events for it.
    await announceDocumentation(ctx, deleted.id);
    for (const webhookId of deleted.webhookIds) await removeWebhook(ctx, organizationId, webhookId);
    res.status(204).end();
  });

  return router;
}
