import { Router } from 'express';
import { createOperationalWebhook, deleteOperationalWebhook, listFailingWebhooks, listOperationalWebhooks, uuidv7, type OperationalWebhook, type SecretBox } from '@hookline/db';
import { generateSecret } from '@hookline/signing';
import type { AppContext } from '../context';
import { bestEffort } from '../enqueue';
import { notFound } from '../problem';
import { maskSecret } from '../representations';
import { WebhookCreate } from '../schemas';
import { idParam, organizationOf, parseBody } from '../validation';
import { announce } from './webhooks';

/** The URL rules of a documentation's webhook; no breakingOnly (operational events are not changes). */
export const OperationalWebhookCreate = WebhookCreate.pick({ url: true, description: true });

export function operationalWebhookView(webhook: OperationalWebhook, secretBox: SecretBox) {
  return {
    id: webhook.id,
    url: webhook.url,
    description: webhook.description,
    enabled: webhook.enabled,
    secretMasked: maskSecret(secretBox.open(webhook.secretEncrypted, webhook.id)),
    createdAt: webhook.createdAt.toISOString(),
    updatedAt: webhook.updatedAt.toISOString(),
  };
}

/**
 * An organization's operational endpoints: they receive webhook.disabled,
 * webhook.failing, webhook.recovered and delivery.exhausted about its
 * documentations' webhooks, signed like any delivery.
 */
export function operationalWebhookRoutes(ctx: AppContext): Router {
  const { db, secretBox, queue, logger } = ctx;
  const router = Router();

  router.post('/v1/operational-webhooks', async (req, res) => {
    const input = parseBody(OperationalWebhookCreate, req.body);
    const id = uuidv7();
    const secret = generateSecret();
    const webhook = await createOperationalWebhook(db, {
      id,
      organizationId: organizationOf(res),
      url: input.url,
      description: input.description ?? null,
      secretEncrypted: secretBox.seal(secret, id),
    });
    res.status(201).location(`/v1/operational-webhooks/${id}`).json({ ...operationalWebhookView(webhook, secretBox), secret });
  });

  router.get('/v1/operational-webhooks', async (_req, res) => {
    const webhooks = await listOperationalWebhooks(db, organizationOf(res));
    res.json({ data: webhooks.map((webhook) => operationalWebhookView(webhook, secretBox)) });
  });

  // What the dashboard's banner shows: the webhooks failing now, oldest episode first.
  router.get('/v1/failing-webhooks', async (_req, res) => {
    const webhooks = await listFailingWebhooks(db, organizationOf(res));
    res.json({ data: webhooks.map((w) => ({ id: w.id, url: w.url, failingSince: w.failingSince.toISOString(), documentation: w.documentation })) });
  });

  router.delete('/v1/operational-webhooks/:id', async (req, res) => {
    const id = idParam(req.params.id);
    const deleted = await deleteOperationalWebhook(db, organizationOf(res), id);
    if (!deleted) throw notFound(`Operational webhook "${id}"`);
    await bestEffort('removing cancelled jobs', logger, () => queue.cancel(deleted.cancelledDeliveryIds.map((deliveryId) => ({ deliveryId, webhookId: id }))), { webhookId: id }, ctx.config.redisTimeoutMs);
    await announce(ctx, id);
    res.status(204).end();
  });

  return router;
}
