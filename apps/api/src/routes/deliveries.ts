import { Router } from 'express';
import { findDelivery, findDeliveryTarget, searchDeliveries, uuidv7 } from '@hookline/db';
import type { AppContext } from '../context';
import { bestEffort } from '../enqueue';
import { HttpProblem, notFound } from '../problem';
import { DEFAULT_QUOTAS, QuotaCounters } from '../quotas';
import { deliveryDetailView, deliveryItemView } from '../representations';
import { DeliverySearchQuery } from '../lifecycle-schemas';
import { idParam, organizationOf, parseQuery } from '../validation';
import { withChangeSummaries } from '../versions/summaries';
import { deliveryFilters } from './delivery-search';
import { loadWebhook } from './lookups';

export function deliveryRoutes(ctx: AppContext): Router {
  const { db, queue, logger } = ctx;
  const router = Router();
  const quotas = new QuotaCounters(ctx.redis, ctx.config.queuePrefix, logger, ctx.config.redisTimeoutMs);

  router.get('/v1/webhooks/:id/deliveries', async (req, res) => {
    // The same filters as the organization-wide search (GET /v1/deliveries).
    const query = parseQuery(DeliverySearchQuery, req.query);
    const webhook = await loadWebhook(db, organizationOf(res), idParam(req.params.id));
    const result = await searchDeliveries(db, { webhookId: webhook.id }, deliveryFilters(query), { limit: query.limit, cursor: query.cursor });
    res.json({ data: await withChangeSummaries(db, result.data.map(deliveryItemView)), nextCursor: result.nextCursor });
  });

  router.get('/v1/deliveries/:id', async (req, res) => {
    const id = idParam(req.params.id);
    const delivery = await findDelivery(db, organizationOf(res), id);
    if (!delivery) throw notFound(`Delivery "${id}"`);
    res.json(deliveryDetailView(delivery));
  });

  router.post('/v1/deliveries/:id/redeliver', async (req, res) => {
    const id = idParam(req.params.id);
    const target = await findDeliveryTarget(db, organizationOf(res), id);
    if (!target) throw notFound(`Delivery "${id}"`);
    await quotas.take('redeliveriesPerDeliveryPerHour', target.id, ctx.config.quotas?.redeliveriesPerDeliveryPerHour ?? DEFAULT_QUOTAS.redeliveriesPerDeliveryPerHour, 3_600_000);
    // Allowed to a disabled webhook, as a test ping is: a person checks the endpoint this way before enabling it again.
    // Unlike a scheduled delivery, nothing in PostgreSQL remembers this request:
    // if Redis does not take it, the client has to know and try again.
    const job = { deliveryId: target.id, webhookId: target.webhookId, eventId: target.eventId };
    const enqueued = await bestEffort('redelivery', logger, () => queue.enqueueManual(job, uuidv7()), { deliveryId: id }, ctx.config.redisTimeoutMs);
    if (!enqueued) throw new HttpProblem(503, 'queue-unavailable', 'Service Unavailable', 'The delivery queue is not reachable; try again shortly.', undefined, { 'Retry-After': '5' });
    res.status(202).json({ deliveryId: target.id });
  });

  return router;
}
