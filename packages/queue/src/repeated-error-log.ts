/**
 * A persistent error (Redis away, a slot answering MOVED or CLUSTERDOWN) is
 * reported at most once per interval, with how many times it happened, rather
 * than once per failed command: a worker's fetch loop can fail thousands of
 * times a second.
 */
export class RepeatedErrorLog {
  private suppressed = 0;
  private lastAt = Number.NEGATIVE_INFINITY;
  private lastError: Error | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly report: (message: string, fields: { err: Error; count: number }) => void,
    private readonly message: string,
    private readonly intervalMs = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  record(error: Error): void {
    const now = this.now();
    if (now - this.lastAt >= this.intervalMs) {
      this.lastAt = now;
      this.report(this.message, { err: error, count: 1 });
      return;
    }
    this.suppressed++;
    this.lastError = error;
    // The tail of a burst is reported when its interval ends, not when the next error comes.
    this.timer ??= setTimeout(() => this.flush(), Math.max(0, this.lastAt + this.intervalMs - now)).unref();
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.suppressed === 0 || !this.lastError) return;
    this.lastAt = this.now();
    this.report(`${this.message} (repeated)`, { err: this.lastError, count: this.suppressed });
    this.suppressed = 0;
    this.lastError = null;
  }
}
