import { Router } from 'express';
import { rotateWebhookSecret } from '@hookline/db';
import { generateSecret } from '@hookline/signing';
import type { AppContext } from '../context';
import { notFound } from '../problem';
import { idParam, organizationOf } from '../validation';
import { loadWebhook } from './lookups';
import { announce } from './webhooks';

/** How long the previous secret keeps signing (as a second signature) after a rotation. */
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
    if (!rotated) throw notFound(`Webhook "${id}"`);
    await announce(ctx, id);
    res.setHeader('Cache-Control', 'no-store');
    res.json({ secret });
  });

  return router;
}
