import type { RedisClient } from './redis';
import { QUEUE_PREFIX } from './catalog';

/**
 * Workers cache webhooks (URL, decrypted secret, enabled); the API announces
 * every change here so a deleted or disabled webhook stops receiving at once
 * rather than when the cache entry expires. One channel under the base tag
 * whatever the number of shards: on Redis Cluster a PUBLISH reaches the
 * subscribers of every node.
 */
export const webhookChangesChannel = (prefix = QUEUE_PREFIX) => `${prefix}:webhook-changed`;

export async function announceWebhookChange(redis: RedisClient, webhookId: string, prefix = QUEUE_PREFIX): Promise<void> {
  await redis.publish(webhookChangesChannel(prefix), webhookId);
}
