/**
 * DELIVERY_RETRY_SCHEDULE: seconds to wait before attempt 2, 3, …; its length
 * + 1 is the number of attempts of a delivery.
 */
export class RetrySchedule {
  readonly maxAttempts: number;
  private readonly longestMs: number;

  constructor(
    private readonly stepsSeconds: number[],
    private readonly jitter = 0.2,
    private readonly random: () => number = Math.random,
  ) {
    this.maxAttempts = stepsSeconds.length + 1;
    this.longestMs = Math.max(0, ...stepsSeconds) * 1000;
  }

  /**
   * Delay before the attempt after `attemptNumber` (1-based), or null when it
   * was the last. ±20 % jitter spreads the retries of a burst that failed
   * together. A Retry-After from the receiver only lengthens the wait, capped
   * at the longest step: a `0`, a date in the past or a short one never makes
   * the next attempt sooner than the schedule, or a receiver could spend every
   * attempt of a delivery in a few milliseconds.
   */
  delayAfter(attemptNumber: number, retryAfterMs?: number): number | null {
    if (attemptNumber >= this.maxAttempts) return null;
    const base = this.stepsSeconds[attemptNumber - 1]! * 1000;
    const factor = 1 + (this.random() * 2 - 1) * this.jitter;
    const scheduled = Math.max(0, Math.round(base * factor));
    if (retryAfterMs === undefined || retryAfterMs <= scheduled) return scheduled;
    return Math.max(scheduled, Math.min(retryAfterMs, this.longestMs));
  }
}
