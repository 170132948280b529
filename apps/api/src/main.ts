import type { Server } from 'node:http';
import { exitOnEnvError } from '@hookline/config';
import { SecretBox, createDb, ensureBootstrapApiKey, ensureOrganization } from '@hookline/db';
import { DeliveryQueue, RepeatedErrorLog, createRedis, type RedisClient } from '@hookline/queue';
import { manageLifecycle, startTracing } from '@hookline/telemetry';
import packageJson from '../package.json';
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
  const redisTarget = config.redisClusterNodes ? { clusterNodes: config.redisClusterNodes } : config.redisUrl;
  const redis = createRedis(redisTarget, 'producer');
  // SUBSCRIBE takes a connection of its own; it keeps retrying through outages (caches are bypassed meanwhile).
  const subscriber = createRedis(redisTarget, 'worker');
  subscriber.on('error', () => undefined);
  const queue = new DeliveryQueue(redis, { prefix: config.queuePrefix, shards: config.queueShards });
  watchRedis(redis, queue, logger);
  const secretBox = new SecretBox(config.secretsKey);

  if (config.bootstrapApiKey) {
    const organizationId = await ensureOrganization(db, 'default');
    const state = await ensureBootstrapApiKey(db, organizationId, config.bootstrapApiKey);
    if (state === 'revoked') logger.warn('BOOTSTRAP_API_KEY was revoked and stays revoked; set another key or unset it');
    else logger.info('bootstrap API key ready', { organization: 'default', state });
  }

  const lifecycle = { draining: false };
  const tracing = startTracing(config.tracing, packageJson.version);
  if (tracing.enabled) logger.info('tracing on', { url: config.tracing.tracesUrl, protocol: config.tracing.protocol, sampler: config.tracing.sampler });
  const app = createApp({ config, db, queue, redis, subscriber, secretBox, logger, metrics: createMetrics({ processMetrics: true }), lifecycle, tracing });
  const server: Server = app.listen(config.port, (error?: Error) => {
    if (error) {
      logger.error('cannot listen', { port: config.port, err: error });
      process.exit(1);
    }
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    logger.info('api listening', { url: `http://localhost:${port}`, port });
  });

  // Signals, unhandled rejections and uncaught exceptions all stop through here.
  manageLifecycle({
    logger,
    timeoutMs: SHUTDOWN_TIMEOUT_MS,
    async stop() {
      lifecycle.draining = true;
      // Stops accepting, lets requests in flight finish (their rows commit, their jobs enqueue).
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await queue.close();
      await redis.quit().catch(() => redis.disconnect());
      await subscriber.quit().catch(() => subscriber.disconnect());
      await db.close();
      await tracing.shutdown().catch((error: unknown) => logger.warn('spans not exported at shutdown', { err: error }));
    },
  });
}

/**
 * ioredis reconnects by itself, and without listeners an outage would crash
 * the process. Errors are logged once per interval with a count, rather than
 * once per reconnection attempt or failed command (the queue reports the same
 * errors); /readyz says whether Redis answers right now.
 */
function watchRedis(redis: RedisClient, queue: DeliveryQueue, logger: Logger): void {
  const errors = new RepeatedErrorLog((message, fields) => logger.warn(message, fields), 'redis error; events are still accepted and the reconciler enqueues them');
  const lost = (error: Error) => errors.record(error);
  redis.on('error', lost);
  queue.onError(lost);
  redis.on('ready', () => errors.flush());
}

main().catch((error: unknown) => {
  process.stderr.write(`api failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
