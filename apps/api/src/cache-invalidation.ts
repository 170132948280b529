import type { RedisClient } from '@hookline/queue';
import type { Logger } from './logger';

/** What changed: a revoked key, an edited or deleted documentation, or `all` after messages may have been missed. */
export type CacheChange = { kind: 'api-key'; id: string } | { kind: 'documentation'; id: string } | { kind: 'all' };

/** Every API process listens here; the workers have their own channel for webhooks. */
export const apiCacheChannel = (prefix: string) => `${prefix}:api-cache-changed`;

const isChange = (value: unknown): value is CacheChange => {
  const change = value as Partial<{ kind: string; id: unknown }> | null;
  return change !== null && typeof change === 'object' && (change.kind === 'all' || ((change.kind === 'api-key' || change.kind === 'documentation') && typeof change.id === 'string'));
};

/**
 * The API's caches (API keys, documentations) trust an entry only while this
 * process is subscribed: a change published by any process reaches every
 * other within a round trip. While the subscription is down, `live` is false
 * and the caches step aside (every request queries), so a revocation never
 * waits for a TTL; when it comes back, everything cached is dropped, since
 * messages sent meanwhile were lost.
 */
export class CacheInvalidation {
  private readonly listeners = new Set<(change: CacheChange) => void>();
  private subscribed = false;

  constructor(
    private readonly subscriber: RedisClient | null,
    private readonly prefix: string,
    private readonly logger: Logger,
  ) {
    if (!subscriber) return;
    subscriber.on('message', (channel: string, message: string) => {
      if (channel !== apiCacheChannel(prefix)) return;
      let change: unknown;
      try {
        change = JSON.parse(message);
      } catch {
        change = null;
      }
      this.dispatch(isChange(change) ? change : { kind: 'all' });
    });
    const lost = () => {
      this.subscribed = false;
    };
    subscriber.on('close', lost);
    subscriber.on('end', lost);
    subscriber.on('ready', () => void this.subscribe());
    if (subscriber.status === 'ready') void this.subscribe();
  }

  private async subscribe(): Promise<void> {
    try {
      await this.subscriber!.subscribe(apiCacheChannel(this.prefix));
      this.dispatch({ kind: 'all' });
      this.subscribed = true;
    } catch (error) {
      this.logger.warn('cache invalidation subscription failed; caches are bypassed until it succeeds', { err: error });
    }
  }

  /** Whether cached entries may be trusted right now. */
  get live(): boolean {
    return this.subscribed && this.subscriber?.status === 'ready';
  }

  /** Resolves once subscribed (tests, start-up); false after `timeoutMs`. */
  async ready(timeoutMs = 5_000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!this.live && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    return this.live;
  }

  on(listener: (change: CacheChange) => void): void {
    this.listeners.add(listener);
  }

  /** Applies the change here at once, and announces it to the other processes. */
  async publish(publisher: RedisClient, change: CacheChange): Promise<void> {
    this.dispatch(change);
    await publisher.publish(apiCacheChannel(this.prefix), JSON.stringify(change));
  }

  private dispatch(change: CacheChange): void {
    for (const listener of this.listeners) listener(change);
  }
}
