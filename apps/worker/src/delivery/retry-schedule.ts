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
   * together; a Retry-After from the receiver wins, capped at the longest step.
   */
  delayAfter(attemptNumber: number, retryAfterMs?: number): number | null {
    if (attemptNumber >= this.maxAttempts) return null;
    if (retryAfterMs !== undefined) return Math.min(retryAfterMs, this.longestMs);
    const base = this.stepsSeconds[attemptNumber - 1]! * 1000;
    const factor = 1 + (this.random() * 2 - 1) * this.jitter;
    return Math.max(0, Math.round(base * factor));
  }
}
