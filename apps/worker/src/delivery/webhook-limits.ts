import { randomUUID } from 'node:crypto';
import type { RedisClient } from '@hookline/queue';
import { ADMIT, RELEASE } from './webhook-limits.lua';

export interface WebhookLimitsOptions {
  redis: RedisClient;
  /** Namespaces the keys, as the queue prefix does. */
  prefix: string;
  /** A lease outlives the longest attempt by a margin; a killed worker's slot frees itself then. */
  leaseTtlMs: number;
  /** In-flight cap of a webhook that sets none. */
  defaultMaxConcurrency: number;
  failureThreshold: number;
  openMs: number;
  maxOpenMs: number;
  /** How long an admission may wait for Redis before the local fallback decides. */
  redisTimeoutMs: number;
  onRedisError?: (error: unknown) => void;
  /** A release opened (true) or closed (false) the webhook's circuit: each change is seen by exactly one worker. */
  onCircuitChange?: (opened: boolean) => void;
}

export interface WebhookLimitSettings {
  id: string;
  maxConcurrency: number | null;
  rateLimitPerSecond: number | null;
}

export type LimitDecision =
  | { admitted: true; release: (succeeded: boolean) => void }
  | { admitted: false; retryInMs: number; reason: 'busy' | 'circuit_open' | 'rate_limited' };

type AdmitReply = [number, number, string, number?];

interface LimitCommands {
  hooklineAdmit(leases: string, state: string, rsv: string, log: string, ...args: (string | number)[]): Promise<AdmitReply>;
  hooklineRelease(leases: string, state: string, ...args: (string | number)[]): Promise<number>;
}

class RedisTimeout extends Error {}

/**
 * Per-webhook limits that hold for the whole deployment: in-flight cap,
 * circuit breaker and rate limit, kept in Redis and decided by one Lua call
 * on admission and one on release (EVALSHA, auto-pipelined with whatever else
 * the process sends in the same tick).
 *
 * Fail safe: when Redis does not answer within `redisTimeoutMs`, the attempt
 * is decided locally under the same cap counted in this process only. The job
 * was already fetched, and deferring it would need Redis too; so nothing
 * waits without bound, and during an outage an endpoint sees at most
 * (workers × cap) requests instead of the cap, never an unbounded number.
 */
export class WebhookLimits {
  private readonly redis: RedisClient & LimitCommands;
  private readonly local = new Map<string, number>();

  constructor(private readonly options: WebhookLimitsOptions) {
    const redis = options.redis as RedisClient & LimitCommands;
    if (typeof redis.hooklineAdmit !== 'function') {
      redis.defineCommand('hooklineAdmit', { numberOfKeys: 4, lua: ADMIT });
      redis.defineCommand('hooklineRelease', { numberOfKeys: 2, lua: RELEASE });
    }
    this.redis = redis;
  }

  /** All keys of one webhook share one hash tag: one slot of a Redis Cluster. */
  keys(webhookId: string): { leases: string; state: string; rsv: string; log: string } {
    const tag = `{${this.options.prefix.replace(/[{}]/g, '')}:wh:${webhookId}}`;
    return { leases: `${tag}:leases`, state: `${tag}:state`, rsv: `${tag}:rsv`, log: `${tag}:log` };
  }

  capOf(webhook: WebhookLimitSettings): number {
    return webhook.maxConcurrency ?? this.options.defaultMaxConcurrency;
  }

  async admit(webhook: WebhookLimitSettings, jobId: string): Promise<LimitDecision> {
    const { leases, state, rsv, log } = this.keys(webhook.id);
    const lease = `${jobId}:${randomUUID()}`;
    const cap = this.capOf(webhook);
    let reply: AdmitReply;
    try {
      reply = await this.withTimeout(
        this.redis.hooklineAdmit(leases, state, rsv, log, lease, this.options.leaseTtlMs, cap, webhook.rateLimitPerSecond ?? 0, this.options.failureThreshold, jobId),
      );
    } catch (error) {
      this.options.onRedisError?.(error);
      return this.admitLocally(webhook.id, cap);
    }
    if (reply[0] !== 1) return { admitted: false, retryInMs: Number(reply[1]), reason: reply[2] as 'busy' | 'circuit_open' | 'rate_limited' };
    const probe = reply[3] === 1;
    const startedAt = Date.now();
    let released = false;
    return {
      admitted: true,
      release: (succeeded) => {
        if (released) return;
        released = true;
        const o = this.options;
        // Not awaited: a lost release only keeps the slot until its lease expires.
        this.redis
          .hooklineRelease(leases, state, lease, succeeded ? 1 : 0, probe ? 1 : 0, o.failureThreshold, o.openMs, o.maxOpenMs, Date.now() - startedAt)
          .then((changed) => {
            if (changed === 2) o.onCircuitChange?.(true);
            else if (changed === 3) o.onCircuitChange?.(false);
          })
          .catch((error: unknown) => o.onRedisError?.(error));
      },
    };
  }

  private admitLocally(webhookId: string, cap: number): LimitDecision {
    const inFlight = this.local.get(webhookId) ?? 0;
    if (inFlight >= cap) return { admitted: false, retryInMs: 1_000, reason: 'busy' };
    this.local.set(webhookId, inFlight + 1);
    let released = false;
    return {
      admitted: true,
      release: () => {
        if (released) return;
        released = true;
        const left = (this.local.get(webhookId) ?? 1) - 1;
        if (left <= 0) this.local.delete(webhookId);
        else this.local.set(webhookId, left);
      },
    };
  }

  private withTimeout<T>(promise: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new RedisTimeout(`redis did not answer within ${this.options.redisTimeoutMs} ms`)), this.options.redisTimeoutMs);
    });
    return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
  }
}
