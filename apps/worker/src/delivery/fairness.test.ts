import type { ServerResponse } from 'node:http';
import { ingestEvent, type Db } from '@hookline/db';
import { DeliveryQueue, createRedis } from '@hookline/queue';
import { TEST_REDIS_URL } from '../../../../test/support/env';
import { createTenant, structureChange, testDb, testQueuePrefix } from '../../../../test/support/fixtures';
import { Receiver, waitUntil } from '../../../../test/support/receiver';
import { seedDocumentation, seedWebhook, testSecretBox } from '../../../../test/support/seed';
import { startTestWorker } from '../../../../test/support/worker';
import type { DeliveryWorker } from '../delivery-worker';

/**
 * Two tenants on one worker: B fails, or hangs, and A's deliveries must keep
 * flowing. Real receivers on loopback; "hanging" accepts and never answers.
 */
describe('fair delivery between tenants (real PostgreSQL, Redis and receivers)', () => {
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

  async function setup(timeoutMs: number) {
    const prefix = testQueuePrefix();
    const worker: DeliveryWorker = await startTestWorker({ db, secretBox: testSecretBox(), prefix }, { timeoutMs, concurrency: 20 });
    const queue = new DeliveryQueue(redis, { prefix });
    closers.push(async () => {
      await worker.close();
      await queue.obliterate();
      await queue.close();
    });
    const a = await createTenant(db);
    const b = await createTenant(db);
    const docA = await seedDocumentation(db, a.organizationId);
    const docB = await seedDocumentation(db, b.organizationId);
    const publish = async (organizationId: string, doc: typeof docA, count = 1) => {
      const all = [];
      for (let i = 0; i < count; i++) {
        const result = await ingestEvent(db, { organizationId, documentation: doc, type: 'documentation.structure_change', diff: structureChange().diff });
        if (result.kind === 'created') all.push(...result.deliveries);
      }
      await queue.enqueue(all);
      return all;
    };
    return { a, b, docA, docB, publish };
  }

  async function receiver(respond?: ConstructorParameters<typeof Receiver>[0]) {
    const r = new Receiver(respond);
    await r.start();
    closers.push(() => r.stop());
    return r;
  }

  /** Publishes one event of A every `everyMs` for `forMs`, and returns each delivery's latency once all arrived. */
  async function streamA(receiverOfA: Receiver, publishA: () => Promise<Array<{ deliveryId: string }>>, everyMs: number, forMs: number) {
    const sentAt = new Map<string, number>();
    const end = Date.now() + forMs;
    while (Date.now() < end) {
      const at = Date.now();
      for (const d of await publishA()) sentAt.set(d.deliveryId, at);
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
    await waitUntil(async () => [...sentAt.keys()].every((id) => receiverOfA.requests.some((r) => r.headers['webhook-id'] === id)), 20_000, "all of A's deliveries");
    return [...sentAt].map(([id, at]) => receiverOfA.requests.find((r) => r.headers['webhook-id'] === id)!.at - at);
  }

  it("keeps A's deliveries arriving while B fails continuously on the same host", async () => {
    const { a, b, docA, docB, publish } = await setup(2_000);
    const host = await receiver((req, res: ServerResponse) => res.writeHead(req.path.startsWith('/fail/') ? 500 : 200).end());
    await seedWebhook(db, docA, host.url('/ok/a'));
    await seedWebhook(db, docB, host.url('/fail/b'));
    await publish(b.organizationId, docB, 100);
    // B's failures open its own circuit (10 in a row)…
    await waitUntil(async () => host.requests.filter((r) => r.path === '/fail/b').length >= 10, 15_000, "B's failures");
    const latencies = await streamA(host, () => publish(a.organizationId, docA), 250, 6_000);
    const failuresOfB = host.requests.filter((r) => r.path === '/fail/b').length;
    // …and only its own: every one of A's deliveries on that host arrived within a few seconds.
    expect(latencies.length).toBeGreaterThanOrEqual(10);
    expect(Math.max(...latencies)).toBeLessThan(3_000);
    // B's circuit opened: of its 300 scheduled attempts only a few probes were made.
    expect(failuresOfB).toBeGreaterThanOrEqual(10);
    expect(failuresOfB).toBeLessThan(60);
    process.stdout.write(`A with B failing on the same host: ${latencies.length} deliveries, max ${Math.max(...latencies)} ms, median ${median(latencies)} ms; B failed ${failuresOfB} times\n`);
  }, 60_000);

  it("keeps A's latency under 2 s while B has 400 deliveries on 5 hanging hosts", async () => {
    const { a, b, docA, docB, publish } = await setup(3_000);
    let hangingOpen = 0;
    let hangingMax = 0;
    const hangingHosts = await Promise.all(
      Array.from({ length: 5 }, () =>
        receiver((_req, res) => {
          hangingOpen += 1;
          hangingMax = Math.max(hangingMax, hangingOpen);
          res.on('close', () => (hangingOpen -= 1));
        }),
      ),
    );
    const fast = await receiver();
    await seedWebhook(db, docA, fast.url('/a'));
    for (const h of hangingHosts) await seedWebhook(db, docB, h.url('/b'));
    // A is already sending when B's burst lands, as a tenant of a running deployment is.
    const streaming = streamA(fast, () => publish(a.organizationId, docA), 250, 7_000);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const burst = await publish(b.organizationId, docB, 80);
    expect(burst).toHaveLength(400);
    const latencies = await streaming;
    expect(latencies.length).toBeGreaterThanOrEqual(15);
    expect(Math.max(...latencies)).toBeLessThan(2_000);
    // B really held the hanging hosts, at most its share (half of 20 slots) at once.
    expect(hangingHosts.reduce((n, h) => n + h.requests.length, 0)).toBeGreaterThanOrEqual(10);
    expect(hangingMax).toBeLessThanOrEqual(10);
    process.stdout.write(`A with B hanging on 5 hosts (400 deliveries): ${latencies.length} deliveries, max ${Math.max(...latencies)} ms, median ${median(latencies)} ms; B held at most ${hangingMax} slots\n`);
  }, 60_000);
});

const median = (values: number[]) => [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)];
