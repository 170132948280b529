import type { Server } from 'node:http';
import { exitOnEnvError, loadSecretsKey } from '@hookline/config';
import { SecretBox, createDb } from '@hookline/db';
import { createRedis } from '@hookline/queue';
import { createLogger, manageLifecycle, startTracing } from '@hookline/telemetry';
import { DeliveryWorker, WORKER_VERSION } from './delivery-worker';
import { parseWorkerEnv } from './env';
import { startHealthServer } from './health-server';
import { createWorkerMetrics } from './metrics';
import { VersionWorker } from './versions/version-worker';
import { RetentionPruner } from './retention';

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
  const redisTarget = config.REDIS_CLUSTER_NODES ? { clusterNodes: config.REDIS_CLUSTER_NODES } : config.REDIS_URL;
  const worker = new DeliveryWorker({
    db,
    secretBox: new SecretBox(secretsKey),
    createRedis: () => createRedis(redisTarget, 'worker'),
    logger,
    prefix: config.QUEUE_PREFIX,
    shards: config.QUEUE_SHARDS,
    consumeShards: config.WORKER_SHARDS,
    retrySchedule: config.DELIVERY_RETRY_SCHEDULE,
    timeoutMs: config.DELIVERY_TIMEOUT_MS,
    allowedCidrs: config.DELIVERY_ALLOWED_CIDRS,
    concurrency: config.WORKER_CONCURRENCY,
    tenantShare: config.WORKER_TENANT_SHARE,
    defaultMaxConcurrency: config.WEBHOOK_DEFAULT_MAX_CONCURRENCY,
    reconcileIntervalMs: config.RECONCILE_INTERVAL_SECONDS * 1000,
    reconcileGraceMs: config.RECONCILE_GRACE_SECONDS * 1000,
    autoDisableAfterMs: config.AUTO_DISABLE_AFTER_HOURS * 3_600_000,
    metrics: createWorkerMetrics({ processMetrics: true }),
    tracing,
    operationalFailingAfterMs: config.OPERATIONAL_FAILING_AFTER_MINUTES * 60_000,
  });

  const versionsRedis = createRedis(redisTarget, 'worker');
  versionsRedis.on('error', (error: Error) => logger.warn('redis connection error', { err: error }));
  const versions = new VersionWorker({ db, connection: versionsRedis, deliveries: worker.queue, logger, prefix: config.QUEUE_PREFIX });
  const retention = new RetentionPruner({
    db,
    logger,
    retentionMs: config.DELIVERY_RETENTION_DAYS * 86_400_000,
    intervalMs: config.RETENTION_INTERVAL_SECONDS * 1000,
  });

  let ready = false;
  let health: Server | null = null;
  // Signals, unhandled rejections and uncaught exceptions all stop through here; its promise never rejects.
  manageLifecycle({
    logger,
    // Bounded: a receiver that never answers is cut by DELIVERY_TIMEOUT_MS, so this only fires if something is truly stuck.
    timeoutMs: config.DELIVERY_TIMEOUT_MS + 30_000,
    async stop() {
      ready = false;
      await retention.stop();
      await versions.close();
      await worker.close();
      await versionsRedis.quit().catch(() => versionsRedis.disconnect());
      health?.close();
      await db.close();
      await tracing.shutdown().catch((error: unknown) => logger.warn('spans not exported at shutdown', { err: error }));
      logger.info('in-flight attempts finished', { attemptsWritten: worker.writer.written });
    },
  });

  await worker.start();
  await versions.start();
  retention.start();
  if (config.WORKER_HEALTH_PORT) health = await startHealthServer(worker, config.WORKER_HEALTH_PORT, () => ready, config.METRICS_TOKEN);
  ready = true;
  logger.info('worker started', { concurrency: config.WORKER_CONCURRENCY, prefix: config.QUEUE_PREFIX, shards: config.QUEUE_SHARDS, consuming: config.WORKER_SHARDS ?? 'all', cluster: Boolean(config.REDIS_CLUSTER_NODES) });
}

main().catch((error) => {
  process.stderr.write(`worker failed to start: ${(error as Error).message}\n`);
  process.exit(1);
});
