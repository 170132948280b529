import { apiSnapshot, createDb, ensureOrganization, ingestEvent, uuidv7, type Db } from '@hookline/db';
import { DeliveryQueue } from '@hookline/queue';
import IORedis from 'ioredis';
import { BENCH_DATABASE_URL, BENCH_REDIS_URL } from '../lib/config';
import { openBenchDatabase, resetQueues, sampleDiff, truncateAll } from '../lib/database';
import { percentiles } from '../lib/stats';

/**
 * `node --import tsx bench/experiments/ingest-batching.ts` — evidence for the
 * ingest change proposed in docs/benchmarks.md. The API's hot path without
 * HTTP: today each request runs ingestEvent (2 round trips) and its own
 * addBulk; proposed, requests that arrive together share one target lookup,
 * one INSERT of all their events and deliveries and one addBulk (like the worker's AttemptWriter
 * does for attempts). 32 concurrent callers, this process's CPU per event.
 */
const PREFIX = '{hookline-bench-experiment}';
const EVENTS = 3_000;
const CALLERS = 32;

const INSERT_MANY = `
WITH ev AS (
  INSERT INTO events (id, organization_id, documentation_id, type, body, delivery_count, created_at)
  SELECT id, $1, doc, 'documentation.structure_change', body, 1, $2 FROM unnest($3::uuid[], $4::uuid[], $5::text[]) AS u(id, doc, body)
)
INSERT INTO deliveries (id, event_id, webhook_id, status, next_attempt_at, created_at, updated_at)
SELECT id, ev, wh, 'pending', $2, $2, $2 FROM unnest($6::uuid[], $3::uuid[], $7::uuid[]) AS d(id, ev, wh)`;

interface Pending {
  eventId: string;
  deliveryId: string;
  body: string;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/** Collects the events of concurrent requests; one statement and one addBulk per tick. */
class IngestBatcher {
  private pending: Pending[] = [];
  private scheduled = false;
  constructor(
    private readonly db: Db,
    private readonly queue: DeliveryQueue,
    private readonly organizationId: string,
    private readonly documentationId: string,
    private readonly webhookId: string,
  ) {}

  ingest(body: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pending.push({ eventId: uuidv7(), deliveryId: uuidv7(), body, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    this.scheduled = false;
    const batch = this.pending;
    this.pending = [];
    try {
      // The targets of every documentation in the batch, in one query (what ingestEvent's first round trip does per request).
      await this.db.pool.query('SELECT id, documentation_id FROM webhooks WHERE documentation_id = ANY($1::uuid[]) AND deleted_at IS NULL AND enabled', [[this.documentationId]]);
      await this.db.pool.query(INSERT_MANY, [
        this.organizationId,
        new Date(),
        batch.map((p) => p.eventId),
        batch.map(() => this.documentationId),
        batch.map((p) => p.body),
        batch.map((p) => p.deliveryId),
        batch.map(() => this.webhookId),
      ]);
      await this.queue.enqueue(batch.map((p) => ({ deliveryId: p.deliveryId, webhookId: this.webhookId, eventId: p.eventId })));
      for (const p of batch) p.resolve();
    } catch (error) {
      for (const p of batch) p.reject(error);
    }
  }
}

async function measure(label: string, ingest: () => Promise<unknown>): Promise<void> {
  let started = 0;
  const latencies: number[] = [];
  const wall = performance.now();
  const cpu = process.cpuUsage();
  await Promise.all(
    Array.from({ length: CALLERS }, async () => {
      while (started < EVENTS) {
        started += 1;
        const t = performance.now();
        await ingest();
        latencies.push(performance.now() - t);
      }
    }),
  );
  const seconds = (performance.now() - wall) / 1000;
  const used = process.cpuUsage(cpu);
  const p = percentiles(latencies)!;
  process.stdout.write(
    `${label.padEnd(58)} ${Math.round(EVENTS / seconds).toString().padStart(5)} events/s, p50 ${p.p50} ms, p99 ${p.p99} ms, ` +
      `${((used.user + used.system) / 1000 / EVENTS).toFixed(2)} ms CPU per event in this process\n`,
  );
}

async function main(): Promise<void> {
  const setup = await openBenchDatabase();
  await truncateAll(setup);
  await setup.close();
  const db = createDb(BENCH_DATABASE_URL, { max: 20 });
  const redis = new IORedis(BENCH_REDIS_URL, { maxRetriesPerRequest: null });
  const queue = new DeliveryQueue(redis, { prefix: PREFIX });
  try {
    const organizationId = await ensureOrganization(db, 'default');
    const doc = await db.prisma.documentation.create({ data: { id: uuidv7(), organizationId, slug: 'batching', name: 'Ingest experiment' } });
    const webhookId = uuidv7();
    await db.prisma.webhook.create({ data: { id: webhookId, organizationId, documentationId: doc.id, url: 'http://127.0.0.1:9/hook/0', secretEncrypted: 'unused' } });
    const diff = sampleDiff();
    const body = JSON.stringify({ api: apiSnapshot(doc, null), diff });

    await measure(`today: ingestEvent + addBulk per request, ×${CALLERS}`, async () => {
      const result = await ingestEvent(db, { organizationId, documentation: doc, type: 'documentation.structure_change', diff });
      if (result.kind === 'created') await queue.enqueue(result.deliveries);
    });
    await resetQueues(redis, [PREFIX]);
    const batcher = new IngestBatcher(db, queue, organizationId, doc.id, webhookId);
    await measure(`proposed: one INSERT + one addBulk per tick, ×${CALLERS}`, () => batcher.ingest(body));
  } finally {
    await resetQueues(redis, [PREFIX]);
    await truncateAll(db);
    await queue.close();
    await redis.quit();
    await db.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack}\n`);
  process.exit(1);
});
