import express from 'express';
import { Queue } from 'bullmq';
import IORedis from 'ioredis';
import { apiSnapshot, authenticateApiKey, createDb, uuidv7 } from '@hookline/db';
import { DELIVERIES_QUEUE } from '@hookline/queue';

/**
 * The ingest path built the obvious way, for the benchmark's baseline: the
 * same route, schema and payload as apps/api, but the API key is looked up on
 * every request, the event and its deliveries are one nested Prisma create,
 * and each delivery is enqueued with its own `queue.add`.
 */
const env = process.env;
const db = createDb(env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/hookline_bench');
const connection = new IORedis(env.REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: null });
const queue = new Queue(DELIVERIES_QUEUE, { connection, prefix: env.QUEUE_PREFIX });
const attempts = (env.DELIVERY_RETRY_SCHEDULE ?? '5').split(',').length + 1;

const app = express();
app.use(express.json({ limit: '1mb' }));

app.get('/readyz', (_req, res) => void res.json({ status: 'ready' }));

app.post('/v1/documentations/:slug/events', async (req, res) => {
  const key = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
  const principal = key ? await authenticateApiKey(db, key) : null;
  if (!principal) return void res.status(401).json({ title: 'Unauthorized' });
  const documentation = await db.prisma.documentation.findFirst({ where: { organizationId: principal.organizationId, slug: req.params.slug } });
  if (!documentation) return void res.status(404).json({ title: 'Not Found' });
  const diff = (req.body as { diff: { breaking?: boolean } }).diff;
  const webhooks = await db.prisma.webhook.findMany({
    where: { documentationId: documentation.id, enabled: true, deletedAt: null, ...(diff.breaking ? {} : { breakingOnly: false }) },
  });
  const now = new Date();
  const event = await db.prisma.event.create({
    data: {
      id: uuidv7(),
      organizationId: principal.organizationId,
      documentationId: documentation.id,
      type: 'documentation.structure_change',
      body: JSON.stringify({ api: apiSnapshot(documentation, null), diff }),
      deliveryCount: webhooks.length,
      deliveries: { create: webhooks.map((w) => ({ id: uuidv7(), webhookId: w.id, status: 'pending' as const, nextAttemptAt: now })) },
    },
    include: { deliveries: true },
  });
  for (const delivery of event.deliveries) {
    await queue.add(
      'deliver',
      { deliveryId: delivery.id, webhookId: delivery.webhookId, eventId: event.id },
      { jobId: delivery.id, attempts, backoff: { type: 'exponential', delay: 500 }, removeOnComplete: true, removeOnFail: true },
    );
  }
  res.status(202).json({ id: event.id, deliveries: event.deliveries.length });
});

const server = app.listen(Number(env.PORT ?? 3000), '127.0.0.1');

const shutdown = () => {
  server.close();
  void queue
    .close()
    .then(() => connection.quit())
    .then(() => db.close())
    .finally(() => process.exit(0));
};
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
