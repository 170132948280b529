import { Router } from 'express';
import { countWebhooks, createWebhook, deleteWebhook, listWebhooks, updateWebhook, uuidv7 } from '@hookline/db';
import { announceWebhookChange } from '@hookline/queue';
import { generateSecret } from '@hookline/signing';
import type { AppContext } from '../context';
import { bestEffort } from '../enqueue';
import { notFound } from '../problem';
import { DEFAULT_QUOTAS, QuotaExceeded } from '../quotas';
import { webhookView } from '../representations';
import { WebhookCreate, WebhookPageQuery, WebhookUpdate } from '../schemas';
import { idParam, organizationOf, param, parseBody, parseQuery } from '../validation';
import { loadDocumentation, loadWebhook } from './lookups';

/** Workers cache webhooks; every change is announced so they drop theirs at once. */
export const announce = (ctx: AppContext, webhookId: string) =>
  bestEffort('webhook change announcement', ctx.logger, () => announceWebhookChange(ctx.redis, webhookId, ctx.config.queuePrefix), { webhookId }, ctx.config.redisTimeoutMs);

/**
 * DELETE /v1/webhooks/{id}, also used for each webhook of a deleted
 * documentation: soft delete, pending deliveries cancelled and their jobs
 * removed, workers told. False when there is no such live webhook.
 */
export async function removeWebhook(ctx: AppContext, organizationId: string, id: string): Promise<boolean> {
  const deleted = await deleteWebhook(ctx.db, organizationId, id);
  if (!deleted) return false;
  // Cancelled in PostgreSQL already: a job that survives this still finds its delivery cancelled.
  await bestEffort('removing cancelled jobs', ctx.logger, () => ctx.queue.cancel(deleted.cancelledDeliveryIds.map((deliveryId) => ({ deliveryId, webhookId: id }))), { webhookId: id }, ctx.config.redisTimeoutMs);
  await announce(ctx, id);
  return true;
}

export function webhookRoutes(ctx: AppContext): Router {
  const { db, secretBox } = ctx;
  const router = Router();

  router.post('/v1/documentations/:idOrSlug/webhooks', async (req, res) => {
    const input = parseBody(WebhookCreate, req.body);
    const organizationId = organizationOf(res);
    const documentation = await loadDocumentation(db, organizationId, param(req.params.idOrSlug));
    const limit = ctx.config.quotas?.webhooksPerDocumentation ?? DEFAULT_QUOTAS.webhooksPerDocumentation;
    if ((await countWebhooks(db, documentation.id)) >= limit) {
      throw new QuotaExceeded('webhooksPerDocumentation', limit, 60, `The quota webhooksPerDocumentation (${limit} per documentation) is reached; delete a webhook to add another.`);
    }
    const id = uuidv7();
    const secret = generateSecret();
    const webhook = await createWebhook(db, {
      id,
      organizationId,
      documentationId: documentation.id,
      url: input.url,
      description: input.description ?? null,
      breakingOnly: input.breakingOnly ?? false,
      maxConcurrency: input.maxConcurrency ?? null,
      rateLimitPerSecond: input.rateLimitPerSecond ?? null,
      secretEncrypted: secretBox.seal(secret, id),
    });
    // The only answer that carries the secret without an explicit reveal.
    res.status(201).location(`/v1/webhooks/${id}`).json({ ...webhookView(webhook, secretBox), secret });
  });

  router.get('/v1/documentations/:idOrSlug/webhooks', async (req, res) => {
    const organizationId = organizationOf(res);
    const documentation = await loadDocumentation(db, organizationId, param(req.params.idOrSlug));
    const page = await listWebhooks(db, organizationId, documentation.id, parseQuery(WebhookPageQuery, req.query));
    res.json({ data: page.data.map((webhook) => webhookView(webhook, secretBox)), nextCursor: page.nextCursor });
  });

  router.get('/v1/webhooks/:id', async (req, res) => {
    res.json(webhookView(await loadWebhook(db, organizationOf(res), idParam(req.params.id)), secretBox));
  });

  router.patch('/v1/webhooks/:id', async (req, res) => {
    const patch = parseBody(WebhookUpdate, req.body);
    const id = idParam(req.params.id);
    const webhook = await updateWebhook(db, organizationOf(res), id, patch);
    if (!webhook) throw notFound(`Webhook "${id}"`);
    await announce(ctx, webhook.id);
    res.json(webhookView(webhook, secretBox));
  });

  router.delete('/v1/webhooks/:id', async (req, res) => {
    const id = idParam(req.params.id);
    if (!(await removeWebhook(ctx, organizationOf(res), id))) throw notFound(`Webhook "${id}"`);
    res.status(204).end();
  });

  return router;
}
