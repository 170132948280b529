import { createHmac, timingSafeEqual } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { ingestEvent, type Db } from '@hookline/db';
import { DeliveryQueue, createRedis } from '@hookline/queue';
import { TEST_REDIS_URL } from '../../../test/support/env';
import { createTenant, structureChange, testDb, testQueuePrefix } from '../../../test/support/fixtures';
import { Receiver, statusSequence, waitUntil } from '../../../test/support/receiver';
import { seedDocumentation, seedWebhook, testSecretBox } from '../../../test/support/seed';
import { startTestWorker } from '../../../test/support/worker';
import type { DeliveryWorker } from './delivery-worker';
import { reconcilerEpochKey } from './reconciler';

// The check a Ruby receiver of the original service does, written independently of packages/signing.
function rubyCheck(secret: string, body: string, header: string | undefined): boolean {
  const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(body).digest('hex')}`);
  const given = Buffer.from(header ?? '');
  return expected.length === given.length && timingSafeEqual(expected, given);
}

const SCHEDULE = [0.2, 0.4];

describe('delivery worker (real PostgreSQL, Redis and HTTP receiver)', () => {
  let db: Db;
  let prefix: string;
  let worker: DeliveryWorker;
  let producer: DeliveryQueue;
  let producerRedis: ReturnType<typeof createRedis>;
  let organizationId: string;
  const receivers: Receiver[] = [];

  const startWorker = (overrides: Partial<ConstructorParameters<typeof DeliveryWorker>[0]> = {}) =>
    startTestWorker({ db, secretBox: testSecretBox(), prefix }, { retrySchedule: SCHEDULE, ...overrides });

  const receiver = async (responder?: ConstructorParameters<typeof Receiver>[0]) => {
    const r = new Receiver(responder);
    receivers.push(r);
    await r.start();
    return r;
  };

  /** Ingests one event for the documentation and enqueues it, as the API does. */
  const publish = async (doc: Awaited<ReturnType<typeof seedDocumentation>>, diff = structureChange().diff) => {
    const result = await ingestEvent(db, { organizationId, documentation: doc, type: 'documentation.structure_change', diff });
    if (result.kind !== 'created') throw new Error('expected a new event');
    await producer.enqueue(result.deliveries);
    return result;
  };

  const deliveryOf = (id: string) => db.prisma.delivery.findUniqueOrThrow({ where: { id }, include: { attemptLog: { orderBy: { attemptedAt: 'asc' } } } });

  beforeAll(async () => {
    db = testDb();
    prefix = testQueuePrefix();
    ({ organizationId } = await createTenant(db));
    producerRedis = createRedis(TEST_REDIS_URL, 'worker');
    producer = new DeliveryQueue(producerRedis, { prefix });
    worker = await startWorker();
  });

  afterAll(async () => {
    await worker.close();
    await producer.obliterate();
    await producer.close();
    await producerRedis.quit();
    await Promise.all(receivers.map((r) => r.stop()));
    await db.close();
  });

  it('delivers one event to three webhooks, each signed so a Bump receiver and a Standard Webhooks library accept it', async () => {
    const doc = await seedDocumentation(db, organizationId);
    const r = await receiver();
    const hooks = await Promise.all([1, 2, 3].map((n) => seedWebhook(db, doc, r.url(`/hook-${n}`))));
    const result = await publish(doc);
    expect(result.deliveries).toHaveLength(3);
    await r.waitFor(3);

    for (const hook of hooks) {
      const n = hooks.indexOf(hook) + 1;
      const request = r.requests.find((q) => q.path === `/hook-${n}`)!;
      expect(rubyCheck(hook.secret, request.body, request.headers['x-bump-signature-256'] as string)).toBe(true);
      expect(rubyCheck(hooks[(n % 3)]!.secret, request.body, request.headers['x-bump-signature-256'] as string)).toBe(false);
      const verified = new Webhook(hook.secret).verify(request.body, request.headers as Record<string, string>);
      expect(verified).toMatchObject({ api: { slug: doc.slug, name: 'Payments API' }, diff: { title: 'Payments API', breaking: true } });
      expect(request.headers['x-bump-event']).toBe('documentation.structure_change');
      expect(request.headers['user-agent']).toMatch(/^Hookline\/\d+\.\d+\.\d+/);
      expect(request.headers['content-type']).toBe('application/json');
    }

    const ids = result.deliveries.map((d) => d.deliveryId).sort();
    expect(r.requests.map((q) => q.headers['webhook-id']).sort()).toEqual(ids);
    const rows = await waitUntil(async () => {
      const found = await db.prisma.delivery.findMany({ where: { id: { in: ids } } });
      return found.every((d) => d.status === 'succeeded') && found;
    });
    for (const row of rows) {
      expect(row).toMatchObject({ attempts: 1, lastStatusCode: 200, nextAttemptAt: null });
      expect(row.lastDurationMs).toBeGreaterThanOrEqual(0);
    }
  });

  it('retries 500 then 503 then succeeds on 200, spaced by the schedule, with one webhook-id', async () => {
    const doc = await seedDocumentation(db, organizationId);
    const r = await receiver(statusSequence(500, 503, 200));
    await seedWebhook(db, doc, r.url());
    const { deliveries } = await publish(doc);
    await r.waitFor(3);
    const [first, second, third] = r.requests;
    expect(new Set(r.requests.map((q) => q.headers['webhook-id']))).toEqual(new Set([deliveries[0]!.deliveryId]));
    // ±20 % jitter around 0.2 s and 0.4 s.
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(SCHEDULE[0]! * 1000 * 0.8 - 20);
    expect(third!.at - second!.at).toBeGreaterThanOrEqual(SCHEDULE[1]! * 1000 * 0.8 - 20);
    const delivery = await waitUntil(async () => {
      const d = await deliveryOf(deliveries[0]!.deliveryId);
      return d.status === 'succeeded' && d;
    });
    expect(delivery.attempts).toBe(3);
    expect(delivery.attemptLog.map((a) => a.responseStatus)).toEqual([500, 503, 200]);
    expect(delivery.attemptLog.every((a) => a.trigger === 'scheduled')).toBe(true);
    expect(delivery.attemptLog[0]!.requestHeaders).toMatchObject({ 'webhook-id': deliveries[0]!.deliveryId });
  });

  it('treats a 302 as a failure and never follows it', async () => {
    const doc = await seedDocumentation(db, organizationId);
    const target = await receiver();
    const r = await receiver((_req, res) => res.writeHead(302, { location: target.url('/elsewhere') }).end());
    await seedWebhook(db, doc, r.url());
    const { deliveries } = await publish(doc);
    const delivery = await waitUntil(async () => {
      const d = await deliveryOf(deliveries[0]!.deliveryId);
      return d.status === 'exhausted' && d;
    });
    expect(delivery.attempts).toBe(3);
    expect(delivery.attemptLog.map((a) => [a.responseStatus, a.errorKind])).toEqual([
      [302, 'redirect_not_followed'],
      [302, 'redirect_not_followed'],
      [302, 'redirect_not_followed'],
    ]);
    expect(target.requests).toHaveLength(0);
  });

  it('disables the webhook on 410 Gone and ends the delivery', async () => {
    const doc = await seedDocumentation(db, organizationId);
    const r = await receiver(statusSequence(410));
    const hook = await seedWebhook(db, doc, r.url());
    const { deliveries } = await publish(doc);
    const delivery = await waitUntil(async () => {
      const d = await deliveryOf(deliveries[0]!.deliveryId);
      return d.status === 'exhausted' && d;
    });
    expect(delivery.attempts).toBe(1);
    const webhook = await db.prisma.webhook.findUniqueOrThrow({ where: { id: hook.id } });
    expect(webhook.enabled).toBe(false);
    expect(webhook.disabledReason).toMatch(/410/);
    expect(webhook.disabledAt).toBeInstanceOf(Date);

    // Nothing more goes to a disabled webhook.
    const next = await publish(doc);
    expect(next.deliveries).toHaveLength(0);
  });

  it('marks a delivery exhausted after the last allowed failure', async () => {
    const doc = await seedDocumentation(db, organizationId);
    const r = await receiver(statusSequence(500));
    await seedWebhook(db, doc, r.url());
    const { deliveries } = await publish(doc);
    const delivery = await waitUntil(async () => {
      const d = await deliveryOf(deliveries[0]!.deliveryId);
      return d.status === 'exhausted' && d;
    });
    expect(delivery.attempts).toBe(SCHEDULE.length + 1);
    expect(delivery.nextAttemptAt).toBeNull();
    expect(r.requests).toHaveLength(SCHEDULE.length + 1);
  });

  it('honours Retry-After on 429, capped at the longest step of the schedule', async () => {
    const doc = await seedDocumentation(db, organizationId);
    const r = await receiver(statusSequence([429, { 'retry-after': '3600' }], 200));
    await seedWebhook(db, doc, r.url());
    await publish(doc);
    await r.waitFor(2);
    const gap = r.requests[1]!.at - r.requests[0]!.at;
    // Capped at 0.4 s, not an hour; and no jitter below the cap.
    expect(gap).toBeGreaterThanOrEqual(380);
    expect(gap).toBeLessThan(5_000);
  });

  it('keeps to the schedule when Retry-After is 0 or in the past', async () => {
    const doc = await seedDocumentation(db, organizationId);
    const r = await receiver(statusSequence([429, { 'retry-after': '0' }], [503, { 'retry-after': 'Wed, 31 Dec 2025 00:00:00 GMT' }], 200));
    await seedWebhook(db, doc, r.url());
    await publish(doc);
    await r.waitFor(3);
    // Steps of 0.2 s and 0.4 s with ±20 % jitter: never sooner than 160 ms and 320 ms.
    expect(r.requests[1]!.at - r.requests[0]!.at).toBeGreaterThanOrEqual(155);
    expect(r.requests[2]!.at - r.requests[1]!.at).toBeGreaterThanOrEqual(315);
  });

  it('refuses a private target unless allowed, and records why', async () => {
    const strict = await startWorker({ allowedCidrs: [], prefix: testQueuePrefix() });
    const strictProducer = new DeliveryQueue(producerRedis, { prefix: (strict as unknown as { options: { prefix: string } }).options.prefix });
    try {
      const doc = await seedDocumentation(db, organizationId);
      const r = await receiver();
      await seedWebhook(db, doc, r.url());
      const result = await ingestEvent(db, { organizationId, documentation: doc, type: 'documentation.structure_change', diff: structureChange().diff });
      if (result.kind !== 'created') throw new Error('expected a new event');
      await strictProducer.enqueue(result.deliveries);
      const delivery = await waitUntil(async () => {
        const d = await deliveryOf(result.deliveries[0]!.deliveryId);
        return d.status === 'exhausted' && d;
      });
      expect(delivery.attemptLog).toHaveLength(1);
      expect(delivery.attemptLog[0]).toMatchObject({ errorKind: 'address_refused', responseStatus: null });
      expect(r.requests).toHaveLength(0);
    } finally {
      await strict.close();
      await strictProducer.obliterate();
      await strictProducer.close();
    }
  });

  it('brings back a committed delivery whose job never reached Redis', async () => {
    const doc = await seedDocumentation(db, organizationId);
    const r = await receiver();
    await seedWebhook(db, doc, r.url());
    // Committed, never enqueued: the API died between the two.
    const result = await ingestEvent(db, { organizationId, documentation: doc, type: 'documentation.structure_change', diff: structureChange().diff });
    if (result.kind !== 'created') throw new Error('expected a new event');
    const reconciler = (worker as unknown as { reconciler: { runOnce(): Promise<number> } }).reconciler;
    // This Redis has held the queue for longer than any attempt lasts (see Reconciler.settleMs).
    await producerRedis.set(reconcilerEpochKey(prefix), '0');
    expect(await reconciler.runOnce()).toBeGreaterThanOrEqual(1);
    await r.waitFor(1);
    expect(r.requests[0]!.headers['webhook-id']).toBe(result.deliveries[0]!.deliveryId);
    await waitUntil(async () => (await deliveryOf(result.deliveries[0]!.deliveryId)).status === 'succeeded');
  });

  it('disables a webhook whose every attempt failed for the whole window, saying why and since when', async () => {
    const doc = await seedDocumentation(db, organizationId);
    const r = await receiver(statusSequence(500));
    const hook = await seedWebhook(db, doc, r.url());
    const { deliveries } = await publish(doc);
    await waitUntil(async () => (await deliveryOf(deliveries[0]!.deliveryId)).status === 'exhausted');
    const failing = await db.prisma.webhook.findUniqueOrThrow({ where: { id: hook.id } });
    expect(failing.failingSince).toBeInstanceOf(Date);
    expect(failing.enabled).toBe(true);

    const sweeper = await startWorker({ prefix: testQueuePrefix(), autoDisableAfterMs: 1 });
    try {
      await (sweeper as unknown as { reconciler: { runOnce(): Promise<number> } }).reconciler.runOnce();
    } finally {
      await sweeper.close();
    }
    const disabled = await db.prisma.webhook.findUniqueOrThrow({ where: { id: hook.id } });
    expect(disabled.enabled).toBe(false);
    expect(disabled.disabledAt).toBeInstanceOf(Date);
    expect(disabled.disabledReason).toMatch(/^Every delivery attempt has failed since \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC/);
  });

  it('clears the failing mark when an attempt succeeds', async () => {
    const doc = await seedDocumentation(db, organizationId);
    const r = await receiver(statusSequence(500, 200));
    const hook = await seedWebhook(db, doc, r.url());
    const { deliveries } = await publish(doc);
    await waitUntil(async () => (await db.prisma.webhook.findUniqueOrThrow({ where: { id: hook.id } })).failingSince !== null, 5_000, 'failing mark');
    await waitUntil(async () => (await deliveryOf(deliveries[0]!.deliveryId)).status === 'succeeded');
    expect((await db.prisma.webhook.findUniqueOrThrow({ where: { id: hook.id } })).failingSince).toBeNull();
  });

  it('keeps a hanging endpoint from delaying a healthy one (300 deliveries each)', async () => {
    const own = await startWorker({ prefix: testQueuePrefix(), timeoutMs: 1_500 });
    const ownPrefix = (own as unknown as { options: { prefix: string } }).options.prefix;
    const ownProducer = new DeliveryQueue(producerRedis, { prefix: ownPrefix });
    try {
      let hangingOpen = 0;
      const hanging = await receiver((_req, res) => {
        hangingOpen += 1;
        res.on('close', () => (hangingOpen -= 1));
      });
      const openAtHealthy: number[] = [];
      const healthy = await receiver((_req, res) => (openAtHealthy.push(hangingOpen), res.writeHead(200).end('ok')));
      const slowDoc = await seedDocumentation(db, organizationId);
      const fastDoc = await seedDocumentation(db, organizationId);
      await seedWebhook(db, slowDoc, hanging.url());
      await seedWebhook(db, fastDoc, healthy.url());
      const ingestMany = async (doc: typeof slowDoc) => {
        const all = [];
        for (let i = 0; i < 300; i++) {
          const result = await ingestEvent(db, { organizationId, documentation: doc, type: 'documentation.structure_change', diff: structureChange().diff });
          if (result.kind === 'created') all.push(...result.deliveries);
        }
        return all;
      };
      // Baseline on this machine, now: 300 to the healthy endpoint alone.
      const alone = await ingestMany(fastDoc);
      let started = Date.now();
      await ownProducer.enqueue(alone);
      await healthy.waitFor(300, 30_000);
      const baselineMs = Date.now() - started;

      const slow = await ingestMany(slowDoc);
      const fast = await ingestMany(fastDoc);
      // The hanging endpoint's jobs are queued first, ahead of every healthy one.
      await ownProducer.enqueue(slow);
      started = Date.now();
      await ownProducer.enqueue(fast);
      await healthy.waitFor(600, 40_000);
      const elapsed = Date.now() - started;
      // Without the gate every slot waits out a 1.5 s timeout: 300 × 1.5 s / 20 slots ≥ 22 s.
      expect(elapsed).toBeLessThan(Math.max(8_000, baselineMs * 3 + 3_000));
      // While the healthy webhook competes, the hanging one holds at most its share (a quarter of 20 slots).
      expect(hanging.requests.length).toBeGreaterThan(0);
      expect(openAtHealthy.slice(-100).every((open) => open <= 5)).toBe(true);
    } finally {
      await own.close();
      await ownProducer.obliterate();
      await ownProducer.close();
    }
  }, 90_000);

  // Seen while building the fault suite (postgres-restart): a job that could not load its
  // webhook or event because PostgreSQL was away failed as a job, which spent one of the
  // delivery's attempts — the schedule got shorter, or the job was given up altogether.
  it('spends none of the delivery\'s attempts when the database is away before the attempt', async () => {
    let eventLoadsToFail = 2;
    const flaky: Db = {
      ...db,
      pool: {
        query: (...args: unknown[]) => {
          if (/FROM events/.test(String(args[0])) && eventLoadsToFail > 0) {
            eventLoadsToFail -= 1;
            return Promise.reject(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }));
          }
          return (db.pool.query as (...a: unknown[]) => Promise<unknown>)(...args);
        },
      } as unknown as Db['pool'],
    };
    const own = await startWorker({ db: flaky, prefix: testQueuePrefix() });
    const ownPrefix = (own as unknown as { options: { prefix: string } }).options.prefix;
    const ownProducer = new DeliveryQueue(producerRedis, { prefix: ownPrefix });
    try {
      const doc = await seedDocumentation(db, organizationId);
      const r = await receiver(statusSequence(500));
      await seedWebhook(db, doc, r.url());
      const result = await ingestEvent(db, { organizationId, documentation: doc, type: 'documentation.structure_change', diff: structureChange().diff });
      if (result.kind !== 'created') throw new Error('expected a new event');
      await ownProducer.enqueue(result.deliveries);
      const delivery = await waitUntil(async () => {
        const d = await deliveryOf(result.deliveries[0]!.deliveryId);
        return d.status === 'exhausted' && d;
      }, 20_000);
      expect(eventLoadsToFail).toBe(0);
      // Every attempt of the schedule was made, and each reached the receiver.
      expect(delivery.attempts).toBe(SCHEDULE.length + 1);
      expect(r.requests).toHaveLength(SCHEDULE.length + 1);
    } finally {
      await own.close();
      await ownProducer.obliterate();
      await ownProducer.close();
    }
  }, 30_000);

  it('finishes an in-flight attempt and writes its record when closed', async () => {
    const own = await startWorker({ prefix: testQueuePrefix() });
    const ownPrefix = (own as unknown as { options: { prefix: string } }).options.prefix;
    const ownProducer = new DeliveryQueue(producerRedis, { prefix: ownPrefix });
    const doc = await seedDocumentation(db, organizationId);
    const r = await receiver((_req, res) => setTimeout(() => res.writeHead(200).end('slow ok'), 500));
    await seedWebhook(db, doc, r.url());
    const result = await ingestEvent(db, { organizationId, documentation: doc, type: 'documentation.structure_change', diff: structureChange().diff });
    if (result.kind !== 'created') throw new Error('expected a new event');
    await ownProducer.enqueue(result.deliveries);
    await r.waitFor(1);
    await own.close();
    const delivery = await deliveryOf(result.deliveries[0]!.deliveryId);
    expect(delivery.status).toBe('succeeded');
    expect(delivery.attemptLog[0]!.responseBody).toBe('slow ok');
    await ownProducer.obliterate();
    await ownProducer.close();
  });
});
