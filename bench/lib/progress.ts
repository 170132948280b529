/**
 * Progress on the terminal: one line rewritten in place on a TTY, a line
 * every few seconds otherwise (CI logs, the Jest test).
 */
export class Progress {
  private readonly tty = Boolean(process.stdout.isTTY);
  private lastPrinted = 0;
  private open = false;
  private readonly started = Date.now();

  log(line: string): void {
    this.endLine();
    process.stdout.write(`${this.stamp()} ${line}\n`);
  }

  /** A status line that replaces the previous one; throttled when not a TTY. */
  status(line: string): void {
    const now = Date.now();
    if (this.tty) {
      process.stdout.write(`\r\x1b[2K${this.stamp()} ${line}`);
      this.open = true;
    } else if (now - this.lastPrinted >= 2_000) {
      process.stdout.write(`${this.stamp()} ${line}\n`);
      this.lastPrinted = now;
    }
  }

  endLine(): void {
    if (this.open) process.stdout.write('\n');
    this.open = false;
  }

  private stamp(): string {
    return `[${((Date.now() - this.started) / 1000).toFixed(1).padStart(5)}s]`;
  }
}
