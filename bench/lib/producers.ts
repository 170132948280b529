import { Pool } from 'undici';
import { wallClock } from '../../test/support/bench-receiver';

export interface ProduceOptions {
  baseUrl: string;
  apiKey: string;
  slugs: string[];
  events: number;
  producers: number;
  diff: Record<string, unknown>;
  /** Stops posting at this wall-clock time (ms): runs are time-boxed, `events` is only a cap. */
  postUntil: number;
  onProgress?: (posted: number) => void;
  /**
   * Open loop: event n is sent at start + n / rate (or as soon as a producer
   * is free after that), instead of back to back. Measures the answer time at
   * a given load rather than at saturation.
   */
  ratePerSecond?: number;
}

export interface ProduceResult {
  /** Wall-clock ms of the first POST sent and of the last answer received. */
  startedAt: number;
  finishedAt: number;
  accepted: number;
  errors: number;
  errorSamples: string[];
  /** Answer times in ms of the accepted posts. */
  latenciesMs: Float64Array;
  /** event id → wall-clock ms at which its 202 arrived. */
  acceptedAt: Map<string, number>;
  deliveriesCreated: number;
}

/**
 * Closed loop: `producers` concurrent clients, each posting its next event as
 * soon as the previous one is answered, until `events` are posted or the time
 * is up. One keep-
 * alive connection per producer, as 32 producer services would hold.
 */
export async function produceEvents(options: ProduceOptions): Promise<ProduceResult> {
  const pool = new Pool(options.baseUrl, { connections: options.producers, pipelining: 1, keepAliveTimeout: 30_000 });
  const body = JSON.stringify({ diff: options.diff });
  const headers = { authorization: `Bearer ${options.apiKey}`, 'content-type': 'application/json' };
  const latencies = new Float64Array(options.events);
  if (options.events <= 0) throw new Error('produceEvents needs events > 0');
  const acceptedAt = new Map<string, number>();
  const errorSamples: string[] = [];
  let next = 0;
  let accepted = 0;
  let errors = 0;
  let deliveriesCreated = 0;
  const startedAt = wallClock();

  const producer = async () => {
    while (next < options.events && wallClock() < options.postUntil) {
      const n = next++;
      if (options.ratePerSecond) {
        const due = startedAt + (n / options.ratePerSecond) * 1000;
        const wait = due - wallClock();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        if (wallClock() >= options.postUntil) break;
      }
      const slug = options.slugs[n % options.slugs.length]!;
      const sent = performance.now();
      try {
        const response = await pool.request({ path: `/v1/documentations/${slug}/events`, method: 'POST', headers, body });
        const text = await response.body.text();
        const at = wallClock();
        if (response.statusCode !== 202) throw new Error(`HTTP ${response.statusCode}: ${text.slice(0, 200)}`);
        const answer = JSON.parse(text) as { id: string; deliveries: number };
        latencies[accepted++] = performance.now() - sent;
        acceptedAt.set(answer.id, at);
        deliveriesCreated += answer.deliveries;
      } catch (error) {
        errors += 1;
        if (errorSamples.length < 5) errorSamples.push((error as Error).message);
      }
      if (n % 250 === 0) options.onProgress?.(accepted);
    }
  };
  try {
    await Promise.all(Array.from({ length: options.producers }, producer));
  } finally {
    await pool.close();
  }
  return { startedAt, finishedAt: wallClock(), accepted, errors, errorSamples, latenciesMs: latencies.slice(0, accepted), acceptedAt, deliveriesCreated };
}
