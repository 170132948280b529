import type { Server } from 'node:http';
import { exitOnEnvError, loadSecretsKey } from '@hookline/config';
import { SecretBox, createDb } from '@hookline/db';
import { createRedis } from '@hookline/queue';
import { createLogger, startTracing } from '@hookline/telemetry';
import { DeliveryWorker, WORKER_VERSION } from './delivery-worker';
import { parseWorkerEnv } from './env';
import { startHealthServer } from './health-server';
import { createWorkerMetrics } from './metrics';

async function main(): Promise<void> {
  let config;
  let secretsKey;
  try {
    config = parseWorkerEnv();
    secretsKey = loadSecretsKey({ value: config.SECRETS_KEY, nodeEnv: config.NODE_ENV });
  } catch (error) {
    exitOnEnvError(error);
  }
  const logger = createLogger('worker', config.LOG_LEVEL, { pid: process.pid });
  const db = createDb(config.DATABASE_URL, { max: 4 });
  const tracing = startTracing(config.tracing, WORKER_VERSION);
  if (tracing.enabled) logger.info('tracing on', { url: config.tracing.tracesUrl, protocol: config.tracing.protocol, sampler: config.tracing.sampler });
  const worker = new DeliveryWorker({
    db,
    secretBox: new SecretBox(secretsKey),
    createRedis: () => createRedis(config.REDIS_URL, 'worker'),
    logger,
    prefix: config.QUEUE_PREFIX,
    retrySchedule: config.DELIVERY_RETRY_SCHEDULE,
    timeoutMs: config.DELIVERY_TIMEOUT_MS,
    allowedCidrs: config.DELIVERY_ALLOWED_CIDRS,
    concurrency: config.WORKER_CONCURRENCY,
    reconcileIntervalMs: config.RECONCILE_INTERVAL_SECONDS * 1000,
    reconcileGraceMs: config.RECONCILE_GRACE_SECONDS * 1000,
    autoDisableAfterMs: config.AUTO_DISABLE_AFTER_HOURS * 3_600_000,
    metrics: createWorkerMetrics({ processMetrics: true }),
    tracing,
    operationalFailingAfterMs: config.OPERATIONAL_FAILING_AFTER_MINUTES * 60_000,
  });

  let ready = false;
  let health: Server | null = null;
  let stopping: Promise<void> | null = null;
  const shutdown = (signal: string) => {
    stopping ??= (async () => {
      ready = false;
      logger.info('shutting down: finishing in-flight attempts', { signal });
      // Bounded: a receiver that never answers is cut by DELIVERY_TIMEOUT_MS, so this only fires if something is truly stuck.
      setTimeout(() => {
        logger.error('shutdown took too long; exiting');
        process.exit(1);
      }, config.DELIVERY_TIMEOUT_MS + 30_000).unref();
      await worker.close();
      health?.close();
      await db.close();
      await tracing.shutdown().catch((error: unknown) => logger.warn('spans not exported at shutdown', { err: error }));
      logger.info('stopped', { attemptsWritten: worker.writer.written });
    })();
    return stopping;
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));

  await worker.start();
  if (config.WORKER_HEALTH_PORT) health = await startHealthServer(worker, config.WORKER_HEALTH_PORT, () => ready);
  ready = true;
  logger.info('worker started', { concurrency: config.WORKER_CONCURRENCY, prefix: config.QUEUE_PREFIX });
}

main().catch((error) => {
  process.stderr.write(`worker failed to start: ${(error as Error).message}\n`);
  process.exit(1);
});
