import { z } from 'zod';
import { isIP } from 'node:net';

export const DEFAULT_RETRY_SCHEDULE = '5,300,1800,7200,18000,36000,50400,72000,86400';

const url = (protocols: string[], fallback: string) =>
  z
    .string()
    .default(fallback)
    .refine((value) => {
      try {
        return protocols.includes(new URL(value).protocol);
      } catch {
        return false;
      }
    }, `expected a ${protocols.map((p) => p.replace(':', '')).join(' or ')} URL`);

export const databaseUrl = url(['postgresql:', 'postgres:'], 'postgresql://postgres@127.0.0.1:5432/hookline');
export const redisUrl = url(['redis:', 'rediss:'], 'redis://127.0.0.1:6379');
export const port = z.coerce.number().int('expected an integer').min(0).max(65535, 'expected a TCP port (0-65535)').default(3000);
export const nodeEnv = z.enum(['development', 'production', 'test']).default('development');
export const logLevel = z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info');

/** 32 bytes, base64. Optional here: production-only requirement is enforced by `loadSecretsKey`. */
export const secretsKey = z
  .string()
  .refine((v) => /^[A-Za-z0-9+/_-]+={0,2}$/.test(v) && Buffer.from(v, 'base64').length === 32, 'expected 32 bytes, base64-encoded (openssl rand -base64 32)')
  .optional();

/** METRICS_TOKEN: long enough that it cannot be guessed. */
export const metricsToken = z.string().min(16, 'expected at least 16 characters (openssl rand -hex 16)').optional();

export const bootstrapApiKey = z
  .string()
  .regex(/^hk_[A-Za-z0-9]{12}_[A-Za-z0-9_-]{20,}$/, 'expected a key of the form hk_<12 alphanumerics>_<at least 20 characters> (npm start prints one)')
  .optional();

export function parseRetrySchedule(value: string): number[] {
  const steps = value.split(',').map((s) => s.trim());
  if (steps.length === 0 || steps.some((s) => !/^\d+(\.\d+)?$/.test(s))) {
    throw new Error('expected comma-separated seconds, e.g. 5,300,1800');
  }
  return steps.map(Number);
}

export const retrySchedule = z
  .string()
  .default(DEFAULT_RETRY_SCHEDULE)
  .transform((value, ctx) => {
    try {
      return parseRetrySchedule(value);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: (error as Error).message });
      return z.NEVER;
    }
  });

export const deliveryTimeoutMs = z.coerce.number().int('expected an integer').min(100, 'expected at least 100 ms').max(300_000, 'expected at most 300000 ms').default(15_000);

export interface Cidr {
  address: string;
  prefix: number;
  family: 4 | 6;
}

export function parseCidrList(value: string): Cidr[] {
  if (value.trim() === '') return [];
  return value.split(',').map((raw) => {
    const entry = raw.trim();
    const [address = '', prefixText] = entry.split('/');
    const family = isIP(address);
    if (family === 0) throw new Error(`"${entry}" is not an IP range (expected e.g. 10.0.0.0/8)`);
    const max = family === 4 ? 32 : 128;
    const prefix = prefixText === undefined ? max : Number(prefixText);
    if (!Number.isInteger(prefix) || prefix < 0 || prefix > max) throw new Error(`"${entry}" has an invalid prefix length`);
    return { address, prefix, family: family as 4 | 6 };
  });
}

export const allowedCidrs = z
  .string()
  .default('')
  .transform((value, ctx) => {
    try {
      return parseCidrList(value);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: (error as Error).message });
      return z.NEVER;
    }
  });

export const workerConcurrency = z.coerce.number().int('expected an integer').min(1).max(5000).default(200);
export const positiveSeconds = (fallback: number) => z.coerce.number().positive('expected a positive number of seconds').default(fallback);

/** Redis key prefix of the queue: a hash tag, so every key of it lands on one Redis Cluster slot. */
export const queuePrefix = z.string().regex(/^\{[A-Za-z0-9_-]+\}$/, 'expected a Redis hash tag such as {hookline}').default('{hookline}');

/** REDIS_CLUSTER_NODES: `host:port,…` seed nodes of a Redis Cluster; unset means REDIS_URL (one Redis). */
export const redisClusterNodes = z
  .string()
  .optional()
  .transform((value, ctx) => {
    if (value === undefined) return undefined;
    const nodes: Array<{ host: string; port: number }> = [];
    for (const raw of value.split(',')) {
      const entry = raw.trim();
      const match = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(entry);
      const port = Number(match?.[2]);
      if (!match || port < 1 || port > 65535) {
        ctx.addIssue({ code: 'custom', message: `"${entry}" is not host:port (expected e.g. 10.0.0.1:7000,10.0.0.2:7000)` });
        return z.NEVER;
      }
      nodes.push({ host: match[1]!.replace(/^\[|\]$/g, ''), port });
    }
    return nodes;
  });

/** QUEUE_SHARDS: delivery queues, each under its own hash tag. */
export const queueShards = z.coerce.number().int('expected an integer').min(1, 'expected at least 1').max(256, 'expected at most 256').default(1);
