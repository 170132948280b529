import { createServer } from 'node:http';
import { Worker, type Job } from 'bullmq';
import IORedis from 'ioredis';
import { SecretBox, createDb, uuidv7 } from '@hookline/db';
import { DELIVERIES_QUEUE } from '@hookline/queue';
import { signDelivery } from '@hookline/signing';

/**
 * The delivery worker built the obvious way, for the benchmark's baseline:
 * per job, Prisma loads the delivery with its webhook and event, the secret is
 * decrypted, got sends the POST, then one Prisma `create` records the attempt
 * and one `update` moves the delivery. Same queue, schema, signing and
 * receiver as Hookline; no cache, no batching.
 */
interface DeliverJob {
  deliveryId: string;
  webhookId: string;
  eventId: string;
}

const env = process.env;
const TIMEOUT_MS = Number(env.DELIVERY_TIMEOUT_MS ?? 15_000);

async function main(): Promise<void> {
  // got is ESM-only; this file runs as CommonJS.
  const { default: got } = await import('got');
  const db = createDb(env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/hookline_bench');
  const secretBox = new SecretBox(env.SECRETS_KEY ?? '');
  const connection = new IORedis(env.REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: null });

  const deliver = async (job: Job<DeliverJob>) => {
    const delivery = await db.prisma.delivery.findUnique({ where: { id: job.data.deliveryId }, include: { webhook: true, event: true } });
    if (!delivery) return;
    const { webhook, event } = delivery;
    if (!webhook.enabled || webhook.deletedAt) {
      await db.prisma.delivery.update({ where: { id: delivery.id }, data: { status: 'cancelled', nextAttemptAt: null } });
      return;
    }
    const secret = secretBox.open(webhook.secretEncrypted, webhook.id);
    const attemptedAt = new Date();
    const headers = {
      'content-type': 'application/json',
      'user-agent': 'Hookline-naive/0.1.0',
      'X-Bump-Event': event.type,
      ...signDelivery({ deliveryId: delivery.id, timestamp: Math.floor(attemptedAt.getTime() / 1000), body: event.body, secret }),
    };
    let statusCode: number | null = null;
    let responseHeaders: Record<string, string | string[]> | null = null;
    let responseBody: string | null = null;
    let error: string | null = null;
    const started = performance.now();
    try {
      const response = await got.post(webhook.url, { body: event.body, headers, throwHttpErrors: false, followRedirect: false, retry: { limit: 0 }, timeout: { request: TIMEOUT_MS } });
      statusCode = response.statusCode;
      responseHeaders = response.headers as Record<string, string | string[]>;
      responseBody = response.body.slice(0, 16 * 1024);
    } catch (caught) {
      error = (caught as Error).message;
    }
    const durationMs = Math.round(performance.now() - started);
    const succeeded = statusCode !== null && statusCode >= 200 && statusCode < 300;
    const last = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    await db.prisma.attempt.create({
      data: {
        id: uuidv7(),
        deliveryId: delivery.id,
        trigger: 'scheduled',
        attemptedAt,
        requestHeaders: headers,
        responseStatus: statusCode,
        responseHeaders: responseHeaders ?? undefined,
        responseBody,
        durationMs,
        errorKind: succeeded ? null : error ? 'network' : 'http_status',
        errorMessage: error,
      },
    });
    await db.prisma.delivery.update({
      where: { id: delivery.id },
      data: {
        attempts: { increment: 1 },
        status: succeeded ? 'succeeded' : last ? 'exhausted' : 'retrying',
        lastAttemptAt: attemptedAt,
        lastStatusCode: statusCode,
        lastDurationMs: durationMs,
        lastError: error,
      },
    });
    if (!succeeded) throw new Error(error ?? `HTTP ${statusCode}`);
  };

  const worker = new Worker<DeliverJob>(DELIVERIES_QUEUE, deliver, {
    connection,
    prefix: env.QUEUE_PREFIX,
    concurrency: Number(env.WORKER_CONCURRENCY ?? 200),
  });
  worker.on('error', (e) => process.stderr.write(`naive worker error: ${e.message}\n`));
  await worker.waitUntilReady();

  const health = createServer((_req, res) => res.writeHead(worker.isRunning() ? 200 : 503).end());
  if (env.WORKER_HEALTH_PORT) health.listen(Number(env.WORKER_HEALTH_PORT), '127.0.0.1');

  const shutdown = () => {
    health.close();
    void worker
      .close()
      .then(() => connection.quit())
      .then(() => db.close())
      .finally(() => process.exit(0));
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

main().catch((error: unknown) => {
  process.stderr.write(`naive worker failed to start: ${(error as Error).message}\n`);
  process.exit(1);
});
