import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ingestEvent, type Db } from '@hookline/db';
import { DeliveryQueue, createRedis } from '@hookline/queue';
import { TEST_REDIS_URL } from '../../../test/support/env';
import { createTenant, structureChange, testDb, testQueuePrefix } from '../../../test/support/fixtures';
import { Receiver, waitUntil } from '../../../test/support/receiver';
import { seedDocumentation, seedWebhook, testSecretBox } from '../../../test/support/seed';
import { startTestWorker } from '../../../test/support/worker';
import type { DeliveryWorker } from './delivery-worker';
import { startHealthServer } from './health-server';
import { createWorkerMetrics } from './metrics';

/** Prometheus text → `name{labels}` → value (the samples only). */
function parseSamples(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][\w:]*(?:\{[^}]*\})?) (\S+)$/.exec(line);
    if (!match) throw new Error(`not a Prometheus sample: ${line}`);
    samples.set(match[1]!, Number(match[2]));
  }
  return samples;
}

/** The sum over every series of `name` whose labels include all of `labels`. */
function total(samples: Map<string, number>, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const [key, value] of samples) {
    const [metric, rest = ''] = key.split('{');
    if (metric !== name) continue;
    if (Object.entries(labels).every(([k, v]) => rest.includes(`${k}="${v}"`))) sum += value;
  }
  return sum;
}

describe('worker metrics on the health port (real PostgreSQL, Redis and receivers)', () => {
  let db: Db;
  let prefix: string;
  let worker: DeliveryWorker;
  let health: Server;
  let producer: DeliveryQueue;
  let producerRedis: ReturnType<typeof createRedis>;
  let organizationId: string;
  const flakySeen = new Set<string>();
  // Healthy and flaky endpoints answer after a moment, so a scrape lands while attempts are in flight.
  const healthy = new Receiver((req, res) => {
    const first = req.path.startsWith('/flaky') && !flakySeen.has(req.path);
    if (first) flakySeen.add(req.path);
    setTimeout(() => res.writeHead(first ? 500 : 200).end(), 150);
  });
  const down = new Receiver((_req, res) => res.writeHead(503).end('down'));

  const scrape = async () => {
    const { port } = health.address() as AddressInfo;
    const response = await fetch(`http://127.0.0.1:${port}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    return parseSamples(await response.text());
  };

  const publish = async (doc: Awaited<ReturnType<typeof seedDocumentation>>, webhookIds?: string[]) => {
    const result = await ingestEvent(db, { organizationId, documentation: doc, type: 'documentation.structure_change', diff: structureChange().diff, webhookIds });
    if (result.kind !== 'created') throw new Error('expected a new event');
    await producer.enqueue(result.deliveries);
    return result.deliveries.map((d) => d.deliveryId);
  };

  beforeAll(async () => {
    db = testDb();
    prefix = testQueuePrefix();
    ({ organizationId } = await createTenant(db));
    producerRedis = createRedis(TEST_REDIS_URL, 'worker');
    // Two attempts per delivery: an endpoint that is down fails both, then the delivery is exhausted.
    producer = new DeliveryQueue(producerRedis, { prefix });
    await Promise.all([healthy.start(), down.start()]);
    worker = await startTestWorker({ db, secretBox: testSecretBox(), prefix }, { retrySchedule: [0.2], metrics: createWorkerMetrics() });
    health = await startHealthServer(worker, 0, () => true);
  });

  afterAll(async () => {
    health?.close();
    await worker?.close();
    await producer.obliterate();
    await producer.close();
    await producerRedis.quit();
    await Promise.all([healthy.stop(), down.stop()]);
    await db.close();
  });

  it('counts every attempt by outcome, times it, and adds up to the deliveries made and the requests received', async () => {
    const doc = await seedDocumentation(db, organizationId);
    const hooks = [
      ...(await Promise.all([1, 2, 3, 4].map((n) => seedWebhook(db, doc, healthy.url(`/ok-${n}`))))),
      ...(await Promise.all([1, 2].map((n) => seedWebhook(db, doc, healthy.url(`/flaky-${n}`))))),
      // Five endpoints down on one origin: 10 failures in all, but a circuit is a webhook's, so none opens.
      ...(await Promise.all([1, 2, 3, 4, 5].map((n) => seedWebhook(db, doc, down.url(`/down-${n}`))))),
    ];
    const ids = await publish(doc);
    expect(ids).toHaveLength(11);

    // During the run: the queue depth is read, and no more attempts are counted than requests arrived.
    await healthy.waitFor(1);
    const during = await scrape();
    expect(during.has('hookline_queue_jobs{shard="0",state="active"}')).toBe(true);
    expect(total(during, 'hookline_queue_jobs')).toBeGreaterThan(0);
    expect(total(during, 'hookline_worker_attempts_total')).toBeLessThanOrEqual(healthy.requests.length + down.requests.length);

    const rows = await waitUntil(async () => {
      const found = await db.prisma.delivery.findMany({ where: { id: { in: ids } } });
      return found.every((d) => d.status === 'succeeded' || d.status === 'exhausted') && found;
    });
    const attemptsInDb = rows.reduce((sum, row) => sum + row.attempts, 0);
    expect(attemptsInDb).toBe(4 + 2 * 2 + 5 * 2);
    // Jobs are completed just after their record is written; let the last ones leave the active list.
    const after = await waitUntil(async () => {
      const samples = await scrape();
      return total(samples, 'hookline_worker_attempts_total') === attemptsInDb && total(samples, 'hookline_queue_jobs') === 0 && samples;
    }, 10_000, 'the counters to settle');

    expect(total(after, 'hookline_worker_attempts_total')).toBe(healthy.requests.length + down.requests.length);
    expect(total(after, 'hookline_worker_attempts_total', { outcome: 'succeeded' })).toBe(6);
    expect(total(after, 'hookline_worker_attempts_total', { outcome: 'succeeded', status_class: '2xx' })).toBe(6);
    expect(total(after, 'hookline_worker_attempts_total', { outcome: 'retrying' })).toBe(2 + 5);
    expect(total(after, 'hookline_worker_attempts_total', { outcome: 'exhausted', error_kind: 'http_status', status_class: '5xx' })).toBe(5);
    expect(total(after, 'hookline_worker_attempt_duration_seconds_count')).toBe(attemptsInDb);
    expect(total(after, 'hookline_worker_attempt_duration_seconds_bucket', { le: '0.1' })).toBeLessThan(attemptsInDb);
    // Each attempt record was written in some batch, and nothing failed.
    expect(total(after, 'hookline_worker_attempt_batch_size_sum')).toBe(attemptsInDb);
    expect(total(after, 'hookline_worker_attempt_batch_size_count')).toBeGreaterThanOrEqual(1);
    expect(total(after, 'hookline_worker_attempt_batch_failures_total')).toBe(0);
    // The wait is observed on each job's first run: one per delivery.
    expect(total(after, 'hookline_worker_job_wait_seconds_count')).toBe(ids.length);
    expect(total(after, 'hookline_worker_open_circuits')).toBe(0);
    expect(total(after, 'hookline_worker_attempts_pending')).toBe(0);

    // Four more deliveries to one of them: its 10th failure in a row opens its circuit.
    const downHook = hooks[hooks.length - 1]!;
    const more = (await Promise.all([1, 2, 3, 4].map(() => publish(doc, [downHook.id])))).flat();
    await waitUntil(async () => {
      const found = await db.prisma.delivery.findMany({ where: { id: { in: more } } });
      return found.every((d) => d.status === 'exhausted') && found;
    });
    const opened = await waitUntil(async () => {
      const samples = await scrape();
      return total(samples, 'hookline_worker_open_circuits') === 1 && samples;
    }, 10_000, 'the circuit to open');
    const attemptsBefore = total(opened, 'hookline_worker_attempts_total');
    expect(attemptsBefore).toBe(attemptsInDb + 8);

    // The open circuit defers the next delivery to that webhook without an attempt.
    await publish(doc, [downHook.id]);
    const deferred = await waitUntil(async () => {
      const samples = await scrape();
      return total(samples, 'hookline_worker_deferrals_total', { reason: 'circuit_open' }) >= 1 && samples;
    }, 10_000, 'a deferral');
    expect(total(deferred, 'hookline_worker_attempts_total')).toBe(attemptsBefore);
    expect(down.requests.length).toBe(18);
  });

  it('counts reconciler passes and the deliveries they re-enqueue', async () => {
    const doc = await seedDocumentation(db, organizationId);
    await seedWebhook(db, doc, healthy.url('/ok-reconciled'));
    // Committed but never enqueued: what the reconciler exists for.
    const result = await ingestEvent(db, { organizationId, documentation: doc, type: 'documentation.structure_change', diff: structureChange().diff });
    if (result.kind !== 'created') throw new Error('expected a new event');
    const before = await scrape();
    // Sidestep the settle window that follows a fresh Redis epoch: this prefix's epoch is new.
    await producerRedis.set(`${prefix}:reconciler-epoch`, '0');
    const count = await (worker as unknown as { reconciler: { runOnce(): Promise<number> } }).reconciler.runOnce();
    // At least ours; the test database may hold other overdue deliveries, and they count too.
    expect(count).toBeGreaterThanOrEqual(1);
    const after = await scrape();
    expect(total(after, 'hookline_worker_reconciler_runs_total', { result: 'ran' }) - total(before, 'hookline_worker_reconciler_runs_total', { result: 'ran' })).toBe(1);
    expect(total(after, 'hookline_worker_reconciler_reenqueued_total') - total(before, 'hookline_worker_reconciler_reenqueued_total')).toBe(count);
  });
});
