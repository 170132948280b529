import type { Db, SecretBox } from '@hookline/db';
import type { DeliveryQueue } from '@hookline/queue';
import type { Tracing } from '@hookline/telemetry';
import type { Redis } from 'ioredis';
import type { Logger } from './logger';
import type { ApiMetrics } from './metrics';

/** What createApp needs from configuration; env.ts's ApiConfig is a superset. */
export interface AppConfig {
  /** BullMQ prefix, also the namespace of the webhook-changed channel the workers listen on. */
  queuePrefix: string;
  /** How long a request waits for Redis side effects whose state is already committed. */
  redisTimeoutMs?: number;
  /** How long a successful API key lookup is trusted (revocation takes effect within this). */
  authCacheTtlMs?: number;
  /** The dashboard's build, served at / when present. */
  dashboardDir?: string | null;
}

/** Mutable by main(): shutdown sets `draining` so /readyz turns 503 before the server stops accepting. */
export interface Lifecycle {
  draining: boolean;
}

export interface AppDeps {
  config: AppConfig;
  db: Db;
  queue: DeliveryQueue;
  /** For announcements and readiness; may be the same client the queue uses. */
  redis: Redis;
  secretBox: SecretBox;
  logger: Logger;
  metrics?: ApiMetrics;
  lifecycle?: Lifecycle;
  /** Default: off (no spans). */
  tracing?: Tracing;
}

/** The deps with the optional parts filled in: what route modules receive. */
export interface AppContext extends AppDeps {
  metrics: ApiMetrics;
  lifecycle: Lifecycle;
  tracing: Tracing;
}
