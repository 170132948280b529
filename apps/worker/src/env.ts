import { z } from 'zod';
import { env, parseEnv } from '@hookline/config';
import { parseTracingEnv, type TracingConfig } from '@hookline/telemetry';

const schema = z.object({
  NODE_ENV: env.nodeEnv,
  DATABASE_URL: env.databaseUrl,
  REDIS_URL: env.redisUrl,
  SECRETS_KEY: env.secretsKey,
  DELIVERY_RETRY_SCHEDULE: env.retrySchedule,
  DELIVERY_TIMEOUT_MS: env.deliveryTimeoutMs,
  DELIVERY_ALLOWED_CIDRS: env.allowedCidrs,
  WORKER_CONCURRENCY: env.workerConcurrency,
  /** Optional port for /healthz, /readyz and /metrics of this worker. */
  WORKER_HEALTH_PORT: z.coerce.number().int().min(1).max(65535, 'expected a TCP port (1-65535)').optional(),
  RECONCILE_INTERVAL_SECONDS: env.positiveSeconds(15),
  /** How long past its due time a delivery must be before the reconciler re-enqueues it. */
  RECONCILE_GRACE_SECONDS: env.positiveSeconds(30),
  /** A webhook whose every attempt failed for this long is disabled, with the reason. */
  AUTO_DISABLE_AFTER_HOURS: z.coerce.number().positive('expected a positive number of hours').default(120),
  /** webhook.failing is sent to operational webhooks once a webhook has failed continuously for this long. */
  OPERATIONAL_FAILING_AFTER_MINUTES: z.coerce.number().positive('expected a positive number of minutes').default(60),
  LOG_LEVEL: env.logLevel,
  QUEUE_PREFIX: env.queuePrefix,
});

export type WorkerConfig = z.infer<typeof schema> & { tracing: TracingConfig };

export const parseWorkerEnv = (source: NodeJS.ProcessEnv = process.env): WorkerConfig => ({
  ...parseEnv(schema, source),
  tracing: parseTracingEnv('hookline-worker', source),
});
