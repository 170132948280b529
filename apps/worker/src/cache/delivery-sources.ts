import { loadDeliveryStatuses, loadEvents, loadWebhooks, type Db, type EventRow, type SecretBox } from '@hookline/db';
import { BatchedCache } from './batched-cache';

export interface CachedWebhook {
  id: string;
  url: string;
  secret: string;
  previousSecret: string | null;
  previousSecretExpiresAt: number | null;
  /** Until activation (or the overlap's end) X-Bump-Signature-256 stays on the previous secret. */
  bumpSignsPrevious: boolean;
  enabled: boolean;
  deleted: boolean;
  organizationId: string;
  /** Deployment-wide limits; null: the worker's defaults. */
  maxConcurrency: number | null;
  rateLimitPerSecond: number | null;
}

export interface DeliverySourcesOptions {
  webhookTtlMs?: number;
  eventCacheBytes?: number;
}

/**
 * Where the worker gets what a delivery needs without a query per job:
 * webhooks (with their secrets decrypted once) and event bodies, each cached
 * and loaded in batches. Webhook entries are dropped when the API announces a
 * change; the TTL bounds staleness if an announcement is missed.
 */
export class DeliverySources {
  readonly webhooks: BatchedCache<string, CachedWebhook>;
  readonly events: BatchedCache<string, EventRow>;
  /** Not cached (read fresh for every job), only batched: a delivery's status changes with every attempt. */
  readonly statuses: BatchedCache<string, string>;

  constructor(db: Db, secretBox: SecretBox, options: DeliverySourcesOptions = {}) {
    this.webhooks = new BatchedCache(
      async (ids) => {
        const rows = await loadWebhooks(db, ids);
        return new Map(
          rows.map((row) => [
            row.id,
            {
              id: row.id,
              url: row.url,
              secret: secretBox.open(row.secretEncrypted, row.id),
              previousSecret: row.previousSecretEncrypted ? secretBox.open(row.previousSecretEncrypted, row.id) : null,
              previousSecretExpiresAt: row.previousSecretExpiresAt?.getTime() ?? null,
              bumpSignsPrevious: row.bumpSignsPrevious,
              enabled: row.enabled,
              deleted: row.deleted,
              organizationId: row.organizationId,
              maxConcurrency: row.maxConcurrency,
              rateLimitPerSecond: row.rateLimitPerSecond,
            },
          ]),
        );
      },
      { ttlMs: options.webhookTtlMs ?? 30_000, maxEntries: 50_000 },
    );
    // Events never change after ingest: only memory bounds this cache.
    this.events = new BatchedCache(async (ids) => new Map((await loadEvents(db, ids)).map((row) => [row.id, row])), {
      ttlMs: 10 * 60_000,
      maxEntries: 20_000,
      weigh: (event) => event.body.length,
      maxWeight: options.eventCacheBytes ?? 64 * 1024 * 1024,
    });
    this.statuses = new BatchedCache((ids) => loadDeliveryStatuses(db, ids), { ttlMs: 0, maxEntries: 10_000 });
  }
}

/**
 * The previous secret still signs webhook-signature until its rotation window
 * closes, and X-Bump-Signature-256 until the new secret is activated: a Bump
 * receiver holds exactly one secret and checks exactly one signature.
 */
export function signingSecrets(webhook: CachedWebhook, now = Date.now()): { secret: string; previousSecret: string | null; bumpSecret: string } {
  const previousValid = webhook.previousSecret !== null && webhook.previousSecretExpiresAt !== null && webhook.previousSecretExpiresAt > now;
  return {
    secret: webhook.secret,
    previousSecret: previousValid ? webhook.previousSecret : null,
    bumpSecret: previousValid && webhook.bumpSignsPrevious ? webhook.previousSecret! : webhook.secret,
  };
}
