import type { RedisClient } from '@hookline/queue';
import type { Logger } from './logger';
import { HttpProblem, type ProblemBody } from './problem';

/** QUOTA_* environment variables; each bounds what one tenant can make Hookline do. */
export interface Quotas {
  webhooksPerDocumentation: number;
  eventsPerOrganizationPerMinute: number;
  redeliveriesPerDeliveryPerHour: number;
}

export const DEFAULT_QUOTAS: Quotas = {
  webhooksPerDocumentation: 50,
  eventsPerOrganizationPerMinute: 600,
  redeliveriesPerDeliveryPerHour: 10,
};

export type QuotaName = keyof Quotas;

/** 429 with Retry-After and a problem that names the quota and its limit. */
export class QuotaExceeded extends HttpProblem {
  constructor(
    readonly quota: QuotaName,
    readonly limit: number,
    retryAfterSeconds: number,
    detail: string,
  ) {
    super(429, 'quota-exceeded', 'Too Many Requests', detail, undefined, { 'Retry-After': String(Math.max(1, Math.ceil(retryAfterSeconds))) });
  }

  override toBody(): ProblemBody & { quota: QuotaName; limit: number } {
    return { ...super.toBody(), quota: this.quota, limit: this.limit };
  }
}

/**
 * Fixed-window counters in Redis, shared by every API process: one INCR and
 * PEXPIRE in one round trip per counted request. Each subject's key has its
 * own hash tag, so the counters spread over a Redis Cluster. When Redis does
 * not answer in time the request is let through (logged): a quota protects
 * receivers from abuse, and refusing every tenant's events because Redis is
 * slow would do more harm than letting a burst pass.
 */
export class QuotaCounters {
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
    private readonly logger: Logger,
    private readonly timeoutMs = 500,
  ) {}

  /** Counts `amount` against the window; throws QuotaExceeded when over `limit`. */
  async take(quota: QuotaName, subject: string, limit: number, windowMs: number, amount = 1, now = Date.now()): Promise<void> {
    const window = Math.floor(now / windowMs);
    const key = `{${this.prefix.replace(/[{}]/g, '')}:quota:${quota}:${subject}}:${window}`;
    let count: number;
    try {
      count = await this.withTimeout(
        this.redis
          .multi()
          .incrby(key, amount)
          .pexpire(key, windowMs * 2)
          .exec()
          .then((replies) => Number(replies?.[0]?.[1])),
      );
    } catch (error) {
      this.logger.warn('quota not checked: redis did not answer', { quota, err: error });
      return;
    }
    if (count > limit) {
      const retryAfterSeconds = ((window + 1) * windowMs - now) / 1000;
      throw new QuotaExceeded(quota, limit, retryAfterSeconds, `The quota ${quota} (${limit} per ${windowMs / 1000} s) is used up; try again in ${Math.ceil(retryAfterSeconds)} s.`);
    }
  }

  private withTimeout<T>(promise: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer from Redis within ${this.timeoutMs} ms`)), this.timeoutMs);
    });
    promise.catch(() => undefined);
    return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
  }
}
