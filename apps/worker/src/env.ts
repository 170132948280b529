import { z } from 'zod';
import { env, parseEnv } from '@hookline/config';
import { DELIVERY_JOB_MAX_RUNS, parseShardList } from '@hookline/queue';
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
  /** Share of a worker's slots one organization may hold while others wait. */
  WORKER_TENANT_SHARE: z.coerce.number().gt(0, 'expected a share in (0, 1]').max(1, 'expected a share in (0, 1]').default(0.5),
  /** Deployment-wide in-flight cap of a webhook that sets no maxConcurrency. */
  WEBHOOK_DEFAULT_MAX_CONCURRENCY: z.coerce.number().int('expected an integer').min(1, 'expected at least 1').max(10_000, 'expected at most 10000').default(64),
  /** Attempts, deliveries and events older than this are removed (pending and retrying deliveries are kept). */
  DELIVERY_RETENTION_DAYS: z.coerce.number().positive('expected a positive number of days').default(30),
  RETENTION_INTERVAL_SECONDS: env.positiveSeconds(3600),
  /** webhook.failing is sent to operational webhooks once a webhook has failed continuously for this long. */
  OPERATIONAL_FAILING_AFTER_MINUTES: z.coerce.number().positive('expected a positive number of minutes').default(60),
  LOG_LEVEL: env.logLevel,
  METRICS_TOKEN: env.metricsToken,
  QUEUE_PREFIX: env.queuePrefix,
  REDIS_CLUSTER_NODES: env.redisClusterNodes,
  QUEUE_SHARDS: env.queueShards,
  /** The shards this worker consumes (`0-3`, `1,5`); default all. */
  WORKER_SHARDS: z.string().optional(),
});

const checked = schema
  .superRefine((value, ctx) => {
    // The worker alone owns the retry policy; the job's run ceiling must stay above it.
    if (value.DELIVERY_RETRY_SCHEDULE.length >= DELIVERY_JOB_MAX_RUNS) {
      ctx.addIssue({ code: 'custom', path: ['DELIVERY_RETRY_SCHEDULE'], message: `expected at most ${DELIVERY_JOB_MAX_RUNS - 1} steps` });
    }
    if (value.WORKER_SHARDS !== undefined) {
      try {
        parseShardList(value.WORKER_SHARDS, value.QUEUE_SHARDS);
      } catch (error) {
        ctx.addIssue({ code: 'custom', path: ['WORKER_SHARDS'], message: (error as Error).message });
      }
    }
  })
  .transform((value) => ({ ...value, WORKER_SHARDS: value.WORKER_SHARDS === undefined ? undefined : parseShardList(value.WORKER_SHARDS, value.QUEUE_SHARDS) }));

export type WorkerConfig = z.infer<typeof checked> & { tracing: TracingConfig };

export const parseWorkerEnv = (source: NodeJS.ProcessEnv = process.env): WorkerConfig => ({
  ...parseEnv(checked, source),
  tracing: parseTracingEnv('hookline-worker', source),
});
