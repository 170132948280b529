import type { Db, SecretBox } from '@hookline/db';
import type { DeliveryQueue, RedisClient } from '@hookline/queue';
import type { CacheInvalidation } from './cache-invalidation';
import type { Tracing } from '@hookline/telemetry';
import type { Logger } from './logger';
import type { ApiMetrics } from './metrics';
import type { Quotas } from './quotas';

/** What createApp needs from configuration; env.ts's ApiConfig is a superset. */
export interface AppConfig {
  /** BullMQ prefix, also the namespace of the webhook-changed channel the workers listen on. */
  queuePrefix: string;
  /** How long a request waits for Redis side effects whose state is already committed. */
  redisTimeoutMs?: number;
  /** How long a successful API key lookup is trusted (revocation takes effect within this). */
  authCacheTtlMs?: number;
  /** Per-tenant quotas (QUOTA_*); missing ones take the defaults. */
  quotas?: Partial<Quotas>;
  /** When set, /metrics needs `Authorization: Bearer <token>`. */
  metricsToken?: string;
  /** Largest deployed definition, inflated (DEFINITION_MAX_BYTES). */
  definitionMaxBytes?: number;
  /** Deploys at least this large are parsed and validated in a thread (default 256 KiB). */
  inlineDeployBelowBytes?: number;
  /** Largest body of POST /v1/diffs, which diffs in the API process (DIFF_PREVIEW_MAX_BYTES). */
  diffPreviewMaxBytes?: number;
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
  redis: RedisClient;
  /**
   * A connection of its own for SUBSCRIBE: cache invalidations from the other
   * API processes arrive on it. Without one, nothing is cached (every request
   * looks its key and documentation up).
   */
  subscriber?: RedisClient;
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
  invalidation: CacheInvalidation;
  tracing: Tracing;
}
