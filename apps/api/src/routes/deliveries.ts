import { Router } from 'express';
import { findDelivery, findDeliveryTarget, searchDeliveries, uuidv7 } from '@hookline/db';
import type { AppContext } from '../context';
import { bestEffort } from '../enqueue';
import { HttpProblem, conflict, notFound } from '../problem';
import { deliveryDetailView, deliveryItemView } from '../representations';
import { DeliverySearchQuery } from '../lifecycle-schemas';
import { idParam, organizationOf, parseQuery } from '../validation';
import { deliveryFilters } from './delivery-search';
import { loadWebhook } from './lookups';

export function deliveryRoutes(ctx: AppContext): Router {
  const { db, queue, logger } = ctx;
  const router = Router();

  router.get('/v1/webhooks/:id/deliveries', async (req, res) => {
    // The same filters as the organization-wide search (GET /v1/deliveries).
    const query = parseQuery(DeliverySearchQuery, req.query);
    const webhook = await loadWebhook(db, organizationOf(res), idParam(req.params.id));
    const result = await searchDeliveries(db, { webhookId: webhook.id }, deliveryFilters(query), { limit: query.limit, cursor: query.cursor });
    res.json({ data: result.data.map(deliveryItemView), nextCursor: result.nextCursor });
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
    if (!target.webhook.enabled) {
      const reason = target.webhook.disabledReason ? ` (${target.webhook.disabledReason})` : '';
      throw conflict('webhook-disabled', `The webhook is disabled${reason}; enable it before redelivering.`);
    }
    // Unlike a scheduled delivery, nothing in PostgreSQL remembers this request:
    // if Redis does not take it, the client has to know and try again.
    const job = { deliveryId: target.id, webhookId: target.webhookId, eventId: target.eventId };
    const enqueued = await bestEffort('redelivery', logger, () => queue.enqueueManual(job, uuidv7()), { deliveryId: id }, ctx.config.redisTimeoutMs);
    if (!enqueued) throw new HttpProblem(503, 'queue-unavailable', 'Service Unavailable', 'The delivery queue is not reachable; try again shortly.', undefined, { 'Retry-After': '5' });
    res.status(202).json({ deliveryId: target.id });
  });

  return router;
}
