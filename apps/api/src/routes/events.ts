import { Router } from 'express';
import { findEvent, findWebhookWithDocumentation, ingestEvent, type IngestInput, type QueuedDelivery } from '@hookline/db';
import type { AppContext } from '../context';
import { enqueueAfterCommit } from '../enqueue';
import { IngestBatcher, withTrace } from '../ingest-batcher';
import { requestTraceparent } from '../middleware/tracing';
import { conflict, notFound } from '../problem';
import { DEFAULT_QUOTAS, QuotaCounters, type QuotaName } from '../quotas';
import { eventView } from '../representations';
import { sampleStructureChange } from '../sample-change';
import { EventCreate, IdempotencyKey } from '../schemas';
import { idParam, organizationOf, param, parseBody, parseHeader } from '../validation';
import { loadDocumentation } from './lookups';

export function eventRoutes(ctx: AppContext): Router {
  const { db, queue, logger, metrics } = ctx;
  const router = Router();

  const counted = (type: IngestInput['type'], deliveries: QueuedDelivery[]) => {
    metrics.eventsIngested.inc({ type });
    metrics.deliveriesCreated.inc({ type }, deliveries.length);
  };
  const created = async (type: IngestInput['type'], deliveries: QueuedDelivery[], trace: string | undefined) => {
    counted(type, deliveries);
    // Committed already: whatever Redis says, the answer is 202 (see enqueueAfterCommit).
    await enqueueAfterCommit(queue, withTrace(deliveries, trace), logger, ctx.config.redisTimeoutMs);
  };
  const quotas = new QuotaCounters(ctx.redis, ctx.config.queuePrefix, logger, ctx.config.redisTimeoutMs);
  const quotaOf = (name: QuotaName) => ctx.config.quotas?.[name] ?? DEFAULT_QUOTAS[name];
  const batcher = new IngestBatcher({ db, queue, logger, redisTimeoutMs: ctx.config.redisTimeoutMs });

  // The hot path: a cached key, one documentation query, then the batch this
  // request joins: one INSERT of every event and delivery in it and one addBulk.
  router.post('/v1/documentations/:idOrSlug/events', async (req, res) => {
    const input = parseBody(EventCreate, req.body);
    const idempotencyKey = parseHeader(IdempotencyKey.optional(), 'Idempotency-Key', req.get('idempotency-key'));
    const organizationId = organizationOf(res);
    const documentation = await loadDocumentation(db, organizationId, param(req.params.idOrSlug));
    await quotas.take('eventsPerOrganizationPerMinute', organizationId, quotaOf('eventsPerOrganizationPerMinute'), 60_000);
    const event: IngestInput = {
      organizationId,
      documentation,
      type: 'documentation.structure_change',
      // As sent, not as parsed: zod reorders keys, and these are the bytes receivers get and the replay hash covers.
      diff: (req.body as { diff: IngestInput['diff'] }).diff,
      version: input.version ?? null,
    };
    if (idempotencyKey === undefined) {
      const result = await batcher.ingest(event, requestTraceparent(ctx.tracing, res));
      counted('documentation.structure_change', result.deliveries);
      res.status(202).location(`/v1/events/${result.eventId}`).json({ id: result.eventId, deliveries: result.deliveries.length });
      return;
    }
    const result = await ingestEvent(db, { ...event, idempotencyKey });
    switch (result.kind) {
      case 'conflict':
        throw conflict('idempotency-key-reused', 'This Idempotency-Key was already used with a different request body in the last 24 hours.');
      case 'replayed':
        res.setHeader('Idempotent-Replayed', 'true');
        res.status(202).json({ id: result.eventId, deliveries: result.deliveryCount });
        return;
      case 'created':
        await created('documentation.structure_change', result.deliveries, requestTraceparent(ctx.tracing, res));
        res.status(202).location(`/v1/events/${result.eventId}`).json({ id: result.eventId, deliveries: result.deliveries.length });
    }
  });

  router.get('/v1/events/:id', async (req, res) => {
    const id = idParam(req.params.id);
    const event = await findEvent(db, organizationOf(res), id);
    if (!event) throw notFound(`Event "${id}"`);
    res.json(eventView(event));
  });

  // Sent even to a disabled webhook: testing an endpoint is how one decides to enable it again.
  router.post('/v1/webhooks/:id/test', async (req, res) => {
    const id = idParam(req.params.id);
    const organizationId = organizationOf(res);
    const webhook = await findWebhookWithDocumentation(db, organizationId, id);
    if (!webhook) throw notFound(`Webhook "${id}"`);
    const result = await ingestEvent(db, {
      organizationId,
      documentation: webhook.documentation,
      type: 'ping',
      diff: sampleStructureChange(webhook.documentation),
      version: null,
      webhookIds: [webhook.id],
    });
    const delivery = result.kind === 'created' ? result.deliveries[0] : undefined;
    // Deleted between the two statements.
    if (!delivery) throw notFound(`Webhook "${id}"`);
    await created('ping', [delivery], requestTraceparent(ctx.tracing, res));
    res.status(202).json({ deliveryId: delivery.deliveryId, eventId: delivery.eventId });
  });

  return router;
}
