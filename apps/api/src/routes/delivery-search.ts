import { Router } from 'express';
import { searchDeliveries, type DeliveryFilters } from '@hookline/db';
import type { z } from 'zod';
import type { AppContext } from '../context';
import { DeliverySearchQuery } from '../lifecycle-schemas';
import { deliveryItemView } from '../representations';
import { organizationOf, parseQuery } from '../validation';

/** The filters of a parsed search query, for both the organization-wide search and a webhook's list. */
export function deliveryFilters(query: z.infer<typeof DeliverySearchQuery>): DeliveryFilters {
  return {
    status: query.status,
    eventType: query.eventType,
    from: query.from ? new Date(query.from) : undefined,
    to: query.to ? new Date(query.to) : undefined,
    httpStatus: query.httpStatus,
    eventId: query.eventId,
    deliveryId: query.deliveryId?.toLowerCase(),
  };
}

export function deliverySearchRoutes({ db }: AppContext): Router {
  const router = Router();

  router.get('/v1/deliveries', async (req, res) => {
    const query = parseQuery(DeliverySearchQuery, req.query);
    const result = await searchDeliveries(db, { organizationId: organizationOf(res) }, deliveryFilters(query), { limit: query.limit, cursor: query.cursor });
    res.json({ data: result.data.map((delivery) => ({ ...deliveryItemView(delivery), webhookId: delivery.webhookId })), nextCursor: result.nextCursor });
  });

  return router;
}
