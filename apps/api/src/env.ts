import path from 'node:path';
import { z } from 'zod';
import { env, loadSecretsKey, parseEnv } from '@hookline/config';
import { parseTracingEnv, type TracingConfig } from '@hookline/telemetry';
import type { AppConfig } from './context';
import type { LogLevel } from './logger';
import { DEFAULT_QUOTAS } from './quotas';

const quota = (fallback: number) => z.coerce.number().int('expected an integer').min(1, 'expected at least 1').default(fallback);

const schema = z.object({
  DATABASE_URL: env.databaseUrl,
  REDIS_URL: env.redisUrl,
  PORT: env.port,
  NODE_ENV: env.nodeEnv,
  LOG_LEVEL: env.logLevel,
  BOOTSTRAP_API_KEY: env.bootstrapApiKey,
  METRICS_TOKEN: env.metricsToken,
  SECRETS_KEY: env.secretsKey,
  // The same rules as the worker's: both sides must name the same queues.
  QUEUE_PREFIX: env.queuePrefix,
  REDIS_CLUSTER_NODES: env.redisClusterNodes,
  QUEUE_SHARDS: env.queueShards,
  QUOTA_WEBHOOKS_PER_DOCUMENTATION: quota(DEFAULT_QUOTAS.webhooksPerDocumentation),
  QUOTA_EVENTS_PER_ORGANIZATION_PER_MINUTE: quota(DEFAULT_QUOTAS.eventsPerOrganizationPerMinute),
  QUOTA_REDELIVERIES_PER_DELIVERY_PER_HOUR: quota(DEFAULT_QUOTAS.redeliveriesPerDeliveryPerHour),
  DEFINITION_MAX_BYTES: z.coerce.number().int('expected an integer number of bytes').min(1024, 'expected at least 1024 bytes').default(50 * 1024 * 1024),
  DIFF_PREVIEW_MAX_BYTES: z.coerce.number().int('expected an integer number of bytes').min(1024, 'expected at least 1024 bytes').default(2 * 1024 * 1024),
});

export interface ApiConfig extends AppConfig {
  databaseUrl: string;
  redisUrl: string;
  port: number;
  nodeEnv: 'development' | 'production' | 'test';
  logLevel: LogLevel;
  bootstrapApiKey: string | undefined;
  /** 32 bytes, base64: given, or in development the local key (see loadSecretsKey). */
  secretsKey: string;
  /** REDIS_CLUSTER_NODES: when set, every Redis use goes through the cluster client and redisUrl is unused. */
  redisClusterNodes: Array<{ host: string; port: number }> | undefined;
  queueShards: number;
  /** OTEL_* variables; tracing is off without an endpoint. */
  tracing: TracingConfig;
}

/** Throws EnvError naming the first bad variable; main() turns it into one line and exit 78. */
export function loadApiConfig(source: NodeJS.ProcessEnv = process.env, options: { secretsKeyFile?: string; warn?: (line: string) => void } = {}): ApiConfig {
  const parsed = parseEnv(schema, source);
  return {
    databaseUrl: parsed.DATABASE_URL,
    redisUrl: parsed.REDIS_URL,
    port: parsed.PORT,
    nodeEnv: parsed.NODE_ENV,
    logLevel: parsed.LOG_LEVEL,
    bootstrapApiKey: parsed.BOOTSTRAP_API_KEY,
    metricsToken: parsed.METRICS_TOKEN,
    secretsKey: loadSecretsKey({ value: parsed.SECRETS_KEY, nodeEnv: parsed.NODE_ENV, file: options.secretsKeyFile, warn: options.warn }),
    redisClusterNodes: parsed.REDIS_CLUSTER_NODES,
    queueShards: parsed.QUEUE_SHARDS,
    queuePrefix: parsed.QUEUE_PREFIX,
    quotas: {
      webhooksPerDocumentation: parsed.QUOTA_WEBHOOKS_PER_DOCUMENTATION,
      eventsPerOrganizationPerMinute: parsed.QUOTA_EVENTS_PER_ORGANIZATION_PER_MINUTE,
      redeliveriesPerDeliveryPerHour: parsed.QUOTA_REDELIVERIES_PER_DELIVERY_PER_HOUR,
    },
    definitionMaxBytes: parsed.DEFINITION_MAX_BYTES,
    diffPreviewMaxBytes: parsed.DIFF_PREVIEW_MAX_BYTES,
    tracing: parseTracingEnv('hookline-api', source),
    dashboardDir: path.resolve(__dirname, '../../dashboard/dist'),
  };
}
