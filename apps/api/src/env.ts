import path from 'node:path';
import { z } from 'zod';
import { env, loadSecretsKey, parseEnv } from '@hookline/config';
import { parseTracingEnv, type TracingConfig } from '@hookline/telemetry';
import type { AppConfig } from './context';
import type { LogLevel } from './logger';

const schema = z.object({
  DATABASE_URL: env.databaseUrl,
  REDIS_URL: env.redisUrl,
  PORT: env.port,
  NODE_ENV: env.nodeEnv,
  LOG_LEVEL: env.logLevel,
  BOOTSTRAP_API_KEY: env.bootstrapApiKey,
  SECRETS_KEY: env.secretsKey,
  DELIVERY_RETRY_SCHEDULE: env.retrySchedule,
  // The same rule as the worker's: both sides must name the same queue.
  QUEUE_PREFIX: env.queuePrefix,
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
  /** Total attempts of a delivery: the retry schedule's length + 1. */
  maxAttempts: number;
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
    secretsKey: loadSecretsKey({ value: parsed.SECRETS_KEY, nodeEnv: parsed.NODE_ENV, file: options.secretsKeyFile, warn: options.warn }),
    maxAttempts: parsed.DELIVERY_RETRY_SCHEDULE.length + 1,
    queuePrefix: parsed.QUEUE_PREFIX,
    tracing: parseTracingEnv('hookline-api', source),
    dashboardDir: path.resolve(__dirname, '../../dashboard/dist'),
  };
}
