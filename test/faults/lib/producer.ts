import { readFileSync } from 'node:fs';
import path from 'node:path';
import { sleep } from '../../support/processes';

export interface Accepted {
  key: string;
  diffId: string;
  eventId: string;
  deliveries: number;
  /** When the 202 arrived. */
  at: number;
  tries: number;
  replayed: boolean;
}

export interface ProduceOptions {
  count: number;
  concurrency: number;
  /** Events per second across all producers (a steady stream, so faults land mid-run). */
  ratePerSecond: number;
  /** How long one event may keep being retried before the producer gives up on it. */
  giveUpAfterMs?: number;
}

const FIXTURE = JSON.parse(readFileSync(path.resolve(__dirname, '../../fixtures/structure-change.json'), 'utf8')) as { diff: Record<string, unknown> };

/**
 * Producers posting change events with an Idempotency-Key each. A 202 is a
 * promise and is counted as sent; a request that failed (API killed, database
 * away) is retried with the same key, as a careful producer does.
 */
export class Producer {
  readonly accepted: Accepted[] = [];
  readonly gaveUp: string[] = [];
  readonly unexpected: Array<{ key: string; status: number; body: string }> = [];
  failures = 0;
  private stopped = false;

  constructor(
    private readonly apiUrl: () => string,
    private readonly apiKey: string,
    private readonly slug: string,
    private readonly runId: string,
  ) {}

  stop(): void {
    this.stopped = true;
  }

  private async postOnce(key: string, body: string): Promise<{ status: number; text: string } | null> {
    try {
      const response = await fetch(`${this.apiUrl()}/v1/documentations/${this.slug}/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${this.apiKey}`, 'content-type': 'application/json', 'idempotency-key': key },
        body,
        signal: AbortSignal.timeout(5_000),
      });
      return { status: response.status, text: await response.text() };
    } catch {
      return null;
    }
  }

  private async send(index: number, giveUpAfterMs: number): Promise<void> {
    const key = `${this.runId}-${index}`;
    const diffId = key;
    const body = JSON.stringify({ diff: { ...FIXTURE.diff, id: diffId, breaking: true } });
    const started = Date.now();
    for (let tries = 1; tries <= 500 && !this.stopped; tries++) {
      const answer = await this.postOnce(key, body);
      if (answer?.status === 202) {
        const parsed = JSON.parse(answer.text) as { id: string; deliveries: number };
        this.accepted.push({ key, diffId, eventId: parsed.id, deliveries: parsed.deliveries, at: Date.now(), tries, replayed: tries > 1 });
        return;
      }
      if (answer && answer.status < 500 && answer.status !== 429) {
        this.unexpected.push({ key, status: answer.status, body: answer.text.slice(0, 300) });
        return;
      }
      this.failures += 1;
      if (Date.now() - started > giveUpAfterMs) break;
      await sleep(Math.min(100 * tries, 1_000));
    }
    this.gaveUp.push(key);
  }

  /** Sends `count` events at `ratePerSecond`, `concurrency` at a time; resolves when each got its answer. */
  async run({ count, concurrency, ratePerSecond, giveUpAfterMs = 60_000 }: ProduceOptions): Promise<void> {
    let next = 0;
    const started = Date.now();
    const lane = async () => {
      while (next < count && !this.stopped) {
        const index = next++;
        const due = started + (index * 1000) / ratePerSecond;
        if (due > Date.now()) await sleep(due - Date.now());
        await this.send(index, giveUpAfterMs);
      }
    };
    await Promise.all(Array.from({ length: concurrency }, lane));
  }
}
