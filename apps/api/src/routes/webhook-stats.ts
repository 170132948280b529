import { Router } from 'express';
import { z } from 'zod';
import { webhookStats } from '@hookline/db';
import type { AppContext } from '../context';
import { idParam, organizationOf, parseQuery } from '../validation';
import { loadWebhook } from './lookups';

const HOUR_MS = 60 * 60 * 1000;

export const WebhookStatsQuery = z.object({
  hours: z.coerce.number().int('must be an integer').min(1, 'must be at least 1').max(168, 'must be at most 168 (7 days)').default(24),
});

/** The dashboard's health plot: attempts per hour, succeeded vs failed, and latency. */
export function webhookStatsRoutes(ctx: AppContext): Router {
  const { db } = ctx;
  const router = Router();

  router.get('/v1/webhooks/:id/stats', async (req, res) => {
    const { hours } = parseQuery(WebhookStatsQuery, req.query);
    // Another organization's webhook is a 404 here as everywhere.
    const webhook = await loadWebhook(db, organizationOf(res), idParam(req.params.id));
    // `hours` buckets including the current, partial one.
    const since = new Date(Math.floor(Date.now() / HOUR_MS) * HOUR_MS - (hours - 1) * HOUR_MS);
    const buckets = await webhookStats(db, webhook.id, since);
    res.json({ webhookId: webhook.id, hours, since: since.toISOString(), buckets });
  });

  return router;
}
