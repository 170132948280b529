import { Router } from 'express';
import { activateWebhookSecret, findWebhook, rotateWebhookSecret } from '@hookline/db';
import { generateSecret } from '@hookline/signing';
import type { AppContext } from '../context';
import { conflict, notFound } from '../problem';
import { webhookView } from '../representations';
import { idParam, organizationOf } from '../validation';
import { loadWebhook } from './lookups';
import { announce } from './webhooks';

/** How long the previous secret keeps signing after a rotation (both signatures; see activate-secret). */
export const PREVIOUS_SECRET_GRACE_MS = 24 * 60 * 60 * 1000;

export function webhookSecretRoutes(ctx: AppContext): Router {
  const { db, secretBox } = ctx;
  const router = Router();

  router.get('/v1/webhooks/:id/secret', async (req, res) => {
    const webhook = await loadWebhook(db, organizationOf(res), idParam(req.params.id));
    res.setHeader('Cache-Control', 'no-store');
    res.json({ secret: secretBox.open(webhook.secretEncrypted, webhook.id) });
  });

  router.post('/v1/webhooks/:id/rotate-secret', async (req, res) => {
    const id = idParam(req.params.id);
    const secret = generateSecret();
    const rotated = await rotateWebhookSecret(db, organizationOf(res), id, secretBox.seal(secret, id), new Date(Date.now() + PREVIOUS_SECRET_GRACE_MS));
    if (rotated === 'not_found') throw notFound(`Webhook "${id}"`);
    if (rotated === 'in_progress') {
      throw conflict('rotation-in-progress', 'A rotated secret is waiting for activation: activate it (POST /v1/webhooks/{id}/activate-secret) or wait for the overlap to end before rotating again.');
    }
    await announce(ctx, id);
    res.setHeader('Cache-Control', 'no-store');
    res.json({ secret });
  });

  router.post('/v1/webhooks/:id/activate-secret', async (req, res) => {
    const id = idParam(req.params.id);
    const organizationId = organizationOf(res);
    const activated = await activateWebhookSecret(db, organizationId, id);
    if (activated === 'not_found') throw notFound(`Webhook "${id}"`);
    if (activated === 'nothing_to_activate') throw conflict('nothing-to-activate', 'No rotated secret is waiting for activation.');
    await announce(ctx, id);
    const webhook = await findWebhook(db, organizationId, id);
    if (!webhook) throw notFound(`Webhook "${id}"`);
    res.json(webhookView(webhook, secretBox));
  });

  return router;
}
