import type { Server } from 'node:http';
import { exitOnEnvError } from '@hookline/config';
import { startTracing } from '@hookline/telemetry';
import packageJson from '../package.json';
import { SecretBox, createDb, ensureOrganization, storeApiKey } from '@hookline/db';
import { DeliveryQueue, createRedis } from '@hookline/queue';
import type { Redis } from 'ioredis';
import { createApp } from './app';
import { loadApiConfig, type ApiConfig } from './env';
import { createLogger, type Logger } from './logger';
import { createMetrics } from './metrics';

const SHUTDOWN_TIMEOUT_MS = 10_000;

async function main(): Promise<void> {
  let config: ApiConfig;
  try {
    config = loadApiConfig();
  } catch (error) {
    exitOnEnvError(error);
  }
  const logger = createLogger(config.logLevel);
  const db = createDb(config.databaseUrl, { max: 20 });
  const redis = createRedis(config.redisUrl, 'producer');
  const queue = new DeliveryQueue(redis, { prefix: config.queuePrefix, maxAttempts: config.maxAttempts });
  watchRedis(redis, queue, logger);
  const secretBox = new SecretBox(config.secretsKey);

  if (config.bootstrapApiKey) {
    const organizationId = await ensureOrganization(db, 'default');
    await storeApiKey(db, organizationId, config.bootstrapApiKey, 'bootstrap');
    logger.info('bootstrap API key ready', { organization: 'default' });
  }

  const lifecycle = { draining: false };
  const tracing = startTracing(config.tracing, packageJson.version);
  if (tracing.enabled) logger.info('tracing on', { url: config.tracing.tracesUrl, protocol: config.tracing.protocol, sampler: config.tracing.sampler });
  const app = createApp({ config, db, queue, redis, secretBox, logger, metrics: createMetrics({ processMetrics: true }), lifecycle, tracing });
  const server: Server = app.listen(config.port, (error?: Error) => {
    if (error) {
      logger.error('cannot listen', { port: config.port, err: error });
      process.exit(1);
    }
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    logger.info('api listening', { url: `http://localhost:${port}`, port });
  });

  let stopping: Promise<void> | undefined;
  const shutdown = (signal: string) => {
    stopping ??= (async () => {
      logger.info('shutting down', { signal });
      lifecycle.draining = true;
      setTimeout(() => {
        logger.error('shutdown took too long; exiting');
        process.exit(1);
      }, SHUTDOWN_TIMEOUT_MS).unref();
      // Stops accepting, lets requests in flight finish (their rows commit, their jobs enqueue).
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await queue.close();
      await redis.quit().catch(() => redis.disconnect());
      await db.close();
      await tracing.shutdown().catch((error: unknown) => logger.warn('spans not exported at shutdown', { err: error }));
      logger.info('stopped');
    })().catch((error: unknown) => {
      logger.error('shutdown failed', { err: error });
      process.exitCode = 1;
    });
    return stopping;
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

/**
 * ioredis reconnects by itself, and without listeners an outage would crash
 * the process. One line when Redis goes away and one when it is back, rather
 * than one per reconnection attempt (the queue reports the same errors).
 */
function watchRedis(redis: Redis, queue: DeliveryQueue, logger: Logger): void {
  let down = false;
  const lost = (error: Error) => {
    if (down) return;
    down = true;
    logger.warn('redis unreachable; events are still accepted and the reconciler enqueues them', { err: error });
  };
  redis.on('error', lost);
  queue.queue.on('error', lost);
  redis.on('ready', () => {
    if (!down) return;
    down = false;
    logger.info('redis reachable again');
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`api failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
