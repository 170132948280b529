import { pruneWithLock, type Db, type PruneResult } from '@hookline/db';
import type { Logger } from '@hookline/telemetry';

export interface RetentionOptions {
  db: Db;
  logger: Logger;
  /** DELIVERY_RETENTION_DAYS, in milliseconds. */
  retentionMs: number;
  /** RETENTION_INTERVAL_SECONDS, in milliseconds. */
  intervalMs: number;
  /** The first pass runs this soon after start (default: a minute, or the interval if shorter). */
  firstRunMs?: number;
  batchSize?: number;
  pauseMs?: number;
  now?: () => number;
}

/**
 * Removes what is older than the retention, every interval, in whichever
 * worker takes the PostgreSQL advisory lock first; the others skip that pass.
 * Stopping ends the pass between two batches.
 */
export class RetentionPruner {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<PruneResult | null> | null = null;
  private stopped = false;

  constructor(private readonly options: RetentionOptions) {}

  start(): void {
    const { intervalMs, firstRunMs = Math.min(60_000, intervalMs) } = this.options;
    const tick = () => {
      this.running = this.runOnce()
        .catch((error: unknown) => {
          this.options.logger.warn('retention pass failed; the next one retries', { err: error });
          return null;
        })
        .finally(() => {
          this.running = null;
          if (!this.stopped) this.timer = setTimeout(tick, intervalMs);
        });
    };
    this.timer = setTimeout(tick, firstRunMs);
  }

  /** One pass now; null when another worker holds the lock. */
  async runOnce(): Promise<PruneResult | null> {
    const { db, logger, retentionMs, batchSize, pauseMs, now = Date.now } = this.options;
    const cutoff = new Date(now() - retentionMs);
    const result = await pruneWithLock(db, { cutoff, batchSize, pauseMs, shouldStop: () => this.stopped });
    if (result && result.attempts + result.deliveries + result.events > 0) {
      logger.info('retention pass', { cutoff: cutoff.toISOString(), ...result });
    }
    return result;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }
}
