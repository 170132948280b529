import type { ServerResponse } from 'node:http';
import { ingestEvent, type Db } from '@hookline/db';
import { DeliveryQueue, announceWebhookChange, createRedis } from '@hookline/queue';
import { TEST_REDIS_URL } from '../../../../test/support/env';
import { createTenant, structureChange, testDb, testQueuePrefix } from '../../../../test/support/fixtures';
import { Receiver, waitUntil } from '../../../../test/support/receiver';
import { seedDocumentation, seedWebhook, testSecretBox } from '../../../../test/support/seed';
import { startTestWorker } from '../../../../test/support/worker';
import type { DeliveryWorker } from '../delivery-worker';

/**
 * A webhook at its limit: its jobs wait in the worker for their booked turn,
 * holding no slot, instead of going back to the queue as delayed (a move, a
 * promotion and a fetch each, in Redis). Real PostgreSQL, Redis and receivers.
 */
describe('jobs waiting for their turn in the worker', () => {
  let db: Db;
  let redis: ReturnType<typeof createRedis>;
  const closers: Array<() => Promise<unknown>> = [];

  beforeAll(async () => {
    db = testDb();
    redis = createRedis(TEST_REDIS_URL, 'worker');
  });

  afterAll(async () => {
    for (const close of closers.reverse()) await close();
    await redis.quit();
    await db.close();
  });

  /** A receiver that answers after `holdMs`, counting the requests open at once. */
  async function slowReceiver(holdMs: number) {
    const open = { now: 0, max: 0 };
    const receiver = new Receiver((_req, res: ServerResponse) => {
      open.now += 1;
      open.max = Math.max(open.max, open.now);
      setTimeout(() => {
        open.now -= 1;
        res.writeHead(200).end('ok');
      }, holdMs);
    });
    await receiver.start();
    closers.push(() => receiver.stop());
    return { receiver, open };
  }

  async function publish(queue: DeliveryQueue, organizationId: string, doc: { id: string; organizationId: string }, count: number) {
    const all = [];
    for (let i = 0; i < count; i++) {
      const result = await ingestEvent(db, { organizationId, documentation: doc as never, type: 'documentation.structure_change', diff: structureChange().diff });
      if (result.kind === 'created') all.push(...result.deliveries);
    }
    await queue.enqueue(all);
    return all;
  }

  async function tenantWithWebhook(url: string, maxConcurrency: number | null) {
    const tenant = await createTenant(db);
    const doc = await seedDocumentation(db, tenant.organizationId);
    const webhook = await seedWebhook(db, doc, url);
    if (maxConcurrency !== null) await db.prisma.webhook.update({ where: { id: webhook.id }, data: { maxConcurrency } });
    return { tenant, doc, webhook };
  }

  const startWorker = (prefix: string): Promise<DeliveryWorker> => startTestWorker({ db, secretBox: testSecretBox(), prefix }, { concurrency: 4 });

  /** A worker with 4 slots on a queue of its own; both are closed (closing twice is safe) and the queue emptied after the file. */
  async function workerAndQueue() {
    const prefix = testQueuePrefix();
    const worker = await startWorker(prefix);
    const queue = new DeliveryQueue(redis, { prefix });
    closers.push(async () => {
      await worker.close();
      await queue.obliterate();
      await queue.close();
    });
    return { prefix, worker, queue };
  }

  const deliveredIds = (receiver: Receiver) => receiver.requests.map((r) => r.headers['webhook-id'] as string);

  it("waits without a trip through the delayed set, and leaves the worker's slots to another tenant", async () => {
    const { queue } = await workerAndQueue();
    const slow = await slowReceiver(300);
    const fast = new Receiver();
    await fast.start();
    closers.push(() => fast.stop());
    const b = await tenantWithWebhook(slow.receiver.url('/b'), 2);
    const a = await tenantWithWebhook(fast.url('/a'), null);

    const burst = await publish(queue, b.tenant.organizationId, b.doc, 20);
    let maxDelayed = 0;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        maxDelayed = Math.max(maxDelayed, ...(await queue.depths()).map((d) => d.delayed));
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    })();
    await waitUntil(async () => slow.receiver.requests.length >= 2, 10_000, "B's first requests");
    // Four slots, B's 20 jobs ahead of A's in the queue: A is fetched on the slots B's waiting jobs lent.
    const sentAt = Date.now();
    const [ofA] = await publish(queue, a.tenant.organizationId, a.doc, 1);
    await waitUntil(async () => deliveredIds(fast).includes(ofA!.deliveryId), 10_000, "A's delivery");
    const latencyOfA = fast.requests[0]!.at - sentAt;
    await waitUntil(async () => slow.receiver.requests.length >= burst.length, 20_000, "all of B's deliveries");
    sampling = false;
    await sampler;

    expect(latencyOfA).toBeLessThan(1_000);
    // 20 × 300 ms at 2 at once is 3 s: A did not wait behind B's backlog.
    expect(slow.open.max).toBeLessThanOrEqual(2);
    expect(new Set(deliveredIds(slow.receiver)).size).toBe(burst.length);
    expect(slow.receiver.requests).toHaveLength(burst.length);
    // Every one of B's jobs waited for its turn in the worker: none went back to the queue as delayed.
    expect(maxDelayed).toBe(0);
    process.stdout.write(`waiting in the worker: A's delivery in ${latencyOfA} ms behind B's 20 waiting jobs; delayed jobs at most ${maxDelayed}\n`);
  }, 60_000);

  it('hands waiting jobs back to the queue at close, and another worker delivers each once', async () => {
    const { worker: first, queue, prefix } = await workerAndQueue();
    const slow = await slowReceiver(1_000);
    const b = await tenantWithWebhook(slow.receiver.url('/b'), 1);
    const burst = await publish(queue, b.tenant.organizationId, b.doc, 10);
    const waiting = async () => {
      const text = await first.metrics.registry.getSingleMetricAsString('hookline_worker_jobs_waiting_turn');
      return Number(/ (\d+)$/m.exec(text)?.[1] ?? 0);
    };
    await waitUntil(async () => slow.receiver.requests.length >= 1 && (await waiting()) >= 5, 10_000, 'jobs waiting for their turn');

    // Ten turns of 1 s are booked; closing waits for the attempt in flight only, not for the turns.
    const closing = Date.now();
    await first.close();
    const closeMs = Date.now() - closing;
    expect(closeMs).toBeLessThan(3_000);
    expect(slow.receiver.requests.length).toBeLessThan(burst.length);

    const second = await startWorker(prefix);
    closers.push(() => second.close());
    await waitUntil(async () => slow.receiver.requests.length >= burst.length, 30_000, 'every delivery');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(slow.receiver.requests).toHaveLength(burst.length);
    expect(new Set(deliveredIds(slow.receiver))).toEqual(new Set(burst.map((d) => d.deliveryId)));
    expect(slow.open.max).toBe(1);
    process.stdout.write(`close with jobs waiting for their turn: ${closeMs} ms\n`);
  }, 60_000);

  it('does not post a waiting job whose webhook was disabled while it waited: it is cancelled at its turn', async () => {
    const { queue, prefix } = await workerAndQueue();
    const slow = await slowReceiver(1_000);
    const b = await tenantWithWebhook(slow.receiver.url('/b'), 1);
    const burst = await publish(queue, b.tenant.organizationId, b.doc, 6);
    await waitUntil(async () => slow.receiver.requests.length >= 1, 10_000, 'the first request');
    // The other five wait for turns 1 s apart; the webhook is disabled as the API does it (row, then the change announced).
    await db.prisma.webhook.update({ where: { id: b.webhook.id }, data: { enabled: false } });
    await announceWebhookChange(redis, b.webhook.id, prefix);
    const ids = burst.map((d) => d.deliveryId);
    const statuses = async () => (await db.prisma.delivery.findMany({ where: { id: { in: ids } }, select: { status: true } })).map((d) => d.status);
    await waitUntil(async () => (await statuses()).filter((status) => status === 'cancelled').length >= burst.length - 2, 15_000, 'the waiting deliveries cancelled');
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    // The one in flight when it was disabled (and at most one admitted in the same instant) was sent; no waiting one was.
    expect(slow.receiver.requests.length).toBeLessThanOrEqual(2);
    expect((await statuses()).filter((status) => status === 'cancelled').length).toBeGreaterThanOrEqual(burst.length - 2);
  }, 60_000);
});
