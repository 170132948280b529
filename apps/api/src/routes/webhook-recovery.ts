import { Router } from 'express';
import { countRecoverable, recoverDeliveries } from '@hookline/db';
import type { AppContext } from '../context';
import { enqueueAfterCommit } from '../enqueue';
import { conflict, validationFailed } from '../problem';
import { WebhookRecover } from '../schemas';
import { idParam, organizationOf, parseBody } from '../validation';
import { loadWebhook } from './lookups';

/**
 * After a webhook was disabled (by a person, a 410, or failing for the whole
 * auto-disable window): count, then resend, what it missed since a time.
 */
export function webhookRecoveryRoutes(ctx: AppContext): Router {
  const { db, queue, logger } = ctx;
  const router = Router();

  router.post('/v1/webhooks/:id/recover', async (req, res) => {
    const input = parseBody(WebhookRecover, req.body);
    const webhook = await loadWebhook(db, organizationOf(res), idParam(req.params.id));
    const since = new Date(input.since);
    if (since.getTime() > Date.now()) throw validationFailed([{ path: 'since', message: 'must not be in the future' }]);
    if (input.dryRun) {
      const { failed, missed } = await countRecoverable(db, webhook.id, since);
      res.json({ since: since.toISOString(), count: failed + missed, failed, missed });
      return;
    }
    if (!webhook.enabled) throw conflict('webhook-disabled', 'Enable the webhook before recovering its deliveries; they would be cancelled again.');
    const recovered = await recoverDeliveries(db, webhook.id, since);
    await enqueueAfterCommit(queue, recovered, logger, ctx.config.redisTimeoutMs);
    res.status(202).json({ since: since.toISOString(), count: recovered.length });
  });

  return router;
}
