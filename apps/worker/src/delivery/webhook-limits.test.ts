import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { ingestEvent, type Db } from '@hookline/db';
import { DeliveryQueue, createRedis } from '@hookline/queue';
import { TEST_REDIS_URL } from '../../../../test/support/env';
import { createTenant, structureChange, testDb, testQueuePrefix, uniqueSuffix } from '../../../../test/support/fixtures';
import { Receiver } from '../../../../test/support/receiver';
import { seedDocumentation, seedWebhook, testSecretBox } from '../../../../test/support/seed';
import { startTestWorker } from '../../../../test/support/worker';
import type { DeliveryWorker } from '../delivery-worker';
import { WebhookLimits, type WebhookLimitsOptions } from './webhook-limits';

describe('webhook limits hold for the whole deployment (real Redis, 4 workers)', () => {
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

  async function deployment(workers: number) {
    const prefix = testQueuePrefix();
    const started: DeliveryWorker[] = [];
    for (let i = 0; i < workers; i++) started.push(await startTestWorker({ db, secretBox: testSecretBox(), prefix }, { timeoutMs: 5_000, concurrency: 20 }));
    const queue = new DeliveryQueue(redis, { prefix });
    closers.push(async () => {
      await Promise.all(started.map((w) => w.close()));
      await queue.obliterate();
      await queue.close();
    });
    const tenant = await createTenant(db);
    const doc = await seedDocumentation(db, tenant.organizationId);
    const publish = async (count: number) => {
      const all = [];
      for (let i = 0; i < count; i++) {
        const result = await ingestEvent(db, { organizationId: tenant.organizationId, documentation: doc, type: 'documentation.structure_change', diff: structureChange().diff });
        if (result.kind === 'created') all.push(...result.deliveries);
      }
      await queue.enqueue(all);
    };
    return { doc, publish };
  }

  async function receiver(respond?: ConstructorParameters<typeof Receiver>[0]) {
    const r = new Receiver(respond);
    await r.start();
    closers.push(() => r.stop());
    return r;
  }

  it('never lets a receiver that takes 1 s per request see more concurrent requests than maxConcurrency', async () => {
    const { doc, publish } = await deployment(4);
    let open = 0;
    let most = 0;
    const slow = await receiver((_req, res) => {
      open += 1;
      most = Math.max(most, open);
      setTimeout(() => {
        open -= 1;
        res.writeHead(200).end('ok');
      }, 1_000);
    });
    const hook = await seedWebhook(db, doc, slow.url());
    await db.prisma.webhook.update({ where: { id: hook.id }, data: { maxConcurrency: 3 } });
    await publish(24);
    await slow.waitFor(24, 30_000);
    // 4 workers × 20 slots could have sent all 24 at once.
    expect(most).toBe(3);
  }, 60_000);

  it('spaces requests by rateLimitPerSecond across workers', async () => {
    const { doc, publish } = await deployment(2);
    const r = await receiver();
    const hook = await seedWebhook(db, doc, r.url());
    await db.prisma.webhook.update({ where: { id: hook.id }, data: { rateLimitPerSecond: 5 } });
    await publish(15);
    await r.waitFor(15, 20_000);
    const times = r.requests.map((q) => q.at).sort((x, y) => x - y);
    // At most 5 in any second: the 6th request after any one comes ~1 s later (admission is timed in
    // Redis, arrival here; the request's own trip may differ by some ms between two requests).
    for (let i = 0; i + 5 < times.length; i++) expect(times[i + 5]! - times[i]!).toBeGreaterThanOrEqual(900);
    expect(times.at(-1)! - times[0]!).toBeLessThan(6_000);
  }, 40_000);
});

describe('WebhookLimits leases and fail-safe', () => {
  let redis: ReturnType<typeof createRedis>;
  beforeAll(() => {
    redis = createRedis(TEST_REDIS_URL, 'worker');
  });
  afterAll(() => redis.quit());

  const options = (overrides: Partial<WebhookLimitsOptions> = {}): WebhookLimitsOptions => ({
    redis,
    prefix: `limits-test-${uniqueSuffix()}`,
    leaseTtlMs: 400,
    defaultMaxConcurrency: 2,
    failureThreshold: 3,
    openMs: 300,
    maxOpenMs: 1_200,
    redisTimeoutMs: 200,
    ...overrides,
  });
  const webhook = { id: 'wh-1', maxConcurrency: null, rateLimitPerSecond: null };

  it("frees a killed worker's slot when its lease expires", async () => {
    const limits = new WebhookLimits(options());
    expect((await limits.admit(webhook, 'job-1')).admitted).toBe(true);
    expect((await limits.admit(webhook, 'job-2')).admitted).toBe(true);
    // Neither is released, as if the worker died mid-attempt.
    const refused = await limits.admit(webhook, 'job-3');
    expect(refused).toMatchObject({ admitted: false, reason: 'busy' });
    await new Promise((resolve) => setTimeout(resolve, 450));
    expect((await limits.admit(webhook, 'job-3')).admitted).toBe(true);
  });

  it('opens the circuit of one webhook only, lets one probe through after the open period, and doubles it on failure', async () => {
    const limits = new WebhookLimits(options({ defaultMaxConcurrency: 10 }));
    for (let i = 0; i < 3; i++) {
      const d = await limits.admit(webhook, `job-${i}`);
      if (d.admitted) d.release(false);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await limits.admit(webhook, 'job-x')).toMatchObject({ admitted: false, reason: 'circuit_open' });
    expect((await limits.admit({ ...webhook, id: 'wh-2' }, 'job-y')).admitted).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 320));
    const probe = await limits.admit(webhook, 'job-probe');
    expect(probe.admitted).toBe(true);
    expect(await limits.admit(webhook, 'job-z')).toMatchObject({ admitted: false, reason: 'circuit_open' });
    if (probe.admitted) probe.release(false);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const reopened = await limits.admit(webhook, 'job-w');
    expect(reopened).toMatchObject({ admitted: false, reason: 'circuit_open' });
    // Doubled: 600 ms, not 300.
    expect(reopened.admitted === false && reopened.retryInMs).toBeGreaterThan(400);
  });

  it('decides locally, under the same cap, when Redis does not answer in time', async () => {
    // A "Redis" that accepts connections and never answers.
    const sockets: Socket[] = [];
    const silent: Server = createServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const stuck = createRedis(`redis://127.0.0.1:${(silent.address() as AddressInfo).port}`, 'worker');
    stuck.on('error', () => undefined);
    const errors: unknown[] = [];
    try {
      const limits = new WebhookLimits(options({ redis: stuck, onRedisError: (e) => errors.push(e) }));
      const started = Date.now();
      const first = await limits.admit(webhook, 'job-1');
      const second = await limits.admit(webhook, 'job-2');
      const third = await limits.admit(webhook, 'job-3');
      expect(Date.now() - started).toBeLessThan(2_000);
      expect([first.admitted, second.admitted, third.admitted]).toEqual([true, true, false]);
      expect(third).toMatchObject({ retryInMs: 1_000 });
      if (first.admitted) first.release(true);
      expect((await limits.admit(webhook, 'job-3')).admitted).toBe(true);
      expect(errors.length).toBeGreaterThanOrEqual(3);
    } finally {
      stuck.disconnect();
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});
