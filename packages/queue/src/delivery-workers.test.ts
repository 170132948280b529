import { randomBytes, randomUUID } from 'node:crypto';
import { TEST_REDIS_URL } from '../../../test/support/env';
import { DeliveryQueue } from './delivery-queue';
import { DeliveryWorkers } from './delivery-workers';
import { createRedis } from './redis';

/** WORKER_SHARDS against the real Redis: a pinned worker takes its shards' jobs and leaves the others'. */
describe('DeliveryWorkers pinned to some shards', () => {
  const prefix = `{hookline-test-${randomBytes(5).toString('hex')}}`;
  const producer = createRedis(TEST_REDIS_URL, 'worker');
  const consumer = createRedis(TEST_REDIS_URL, 'worker');
  const queue = new DeliveryQueue(producer, { prefix, shards: 3 });

  afterAll(async () => {
    await queue.obliterate();
    await queue.close();
    await Promise.all([producer.quit(), consumer.quit()]);
  });

  it('consumes only shards 0 and 2', async () => {
    const jobs = Array.from({ length: 30 }, () => ({ deliveryId: randomUUID(), webhookId: randomUUID(), eventId: randomUUID() }));
    await queue.enqueue(jobs);
    const seen: string[] = [];
    const workers = new DeliveryWorkers(
      { deliver: async (job) => void seen.push(job.data.webhookId) },
      { connection: consumer, prefix, shards: 3, consume: [0, 2], concurrency: 8, lockDuration: 30_000, maxStalledCount: 1, stalledInterval: 30_000, backoffStrategy: () => 1_000 },
    );
    try {
      const expected = jobs.filter((j) => queue.shardOf(j.webhookId) !== 1).map((j) => j.webhookId);
      const deadline = Date.now() + 10_000;
      while (seen.length < expected.length && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(seen.sort()).toEqual(expected.sort());
      const depths = await queue.depths();
      expect(depths.map((d) => d.waiting)).toEqual([0, jobs.length - expected.length, 0]);
      expect(workers.shards).toEqual([0, 2]);
      expect(workers.running).toBe(true);
    } finally {
      await workers.close();
    }
  });
});

/** A job that lends its slot while it waits must not hold back the next job, even with every slot taken. */
describe('DeliveryWorkers lending a slot', () => {
  const prefix = `{hookline-test-${randomBytes(5).toString('hex')}}`;
  const producer = createRedis(TEST_REDIS_URL, 'worker');
  const consumer = createRedis(TEST_REDIS_URL, 'worker');
  const queue = new DeliveryQueue(producer, { prefix });

  afterAll(async () => {
    await queue.obliterate();
    await queue.close();
    await Promise.all([producer.quit(), consumer.quit()]);
  });

  it('fetches another job while the one that lent its slot waits, with concurrency 1', async () => {
    const waiting = { deliveryId: randomUUID(), webhookId: randomUUID(), eventId: randomUUID() };
    const next = { deliveryId: randomUUID(), webhookId: randomUUID(), eventId: randomUUID() };
    await queue.enqueue([waiting]);
    const started: Record<string, number> = {};
    let waitEnded = 0;
    let nextSeen!: () => void;
    const nextStarted = new Promise<void>((resolve) => (nextSeen = resolve));
    const workers = new DeliveryWorkers(
      {
        deliver: async (job, _token, lendSlot) => {
          started[job.data.deliveryId] = Date.now();
          if (job.data.deliveryId !== waiting.deliveryId) return nextSeen();
          // Lent once BullMQ's fetch loop has gone to wait for this job to end, as a job told to wait by a limit does.
          await new Promise((resolve) => setTimeout(resolve, 200));
          const giveBack = lendSlot();
          // The next job is enqueued only now, while the only slot is taken by this job.
          await queue.enqueue([next]);
          await Promise.race([nextStarted, new Promise((resolve) => setTimeout(resolve, 3_000))]);
          giveBack();
          giveBack();
          waitEnded = Date.now();
        },
      },
      { connection: consumer, prefix, shards: 1, concurrency: 1, lockDuration: 30_000, maxStalledCount: 1, stalledInterval: 30_000, backoffStrategy: () => 1_000 },
    );
    try {
      const deadline = Date.now() + 10_000;
      while ((!waitEnded || !started[next.deliveryId]) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(started[next.deliveryId]).toBeDefined();
      // Started while the first job still waited: without the lent slot it would start only after the 3 s wait.
      expect(started[next.deliveryId]!).toBeLessThanOrEqual(waitEnded);
      expect(waitEnded - started[waiting.deliveryId]!).toBeLessThan(2_500);
    } finally {
      await workers.close();
    }
  });
});
