import type { Db } from '@hookline/db';
import { DeliveryQueue, createRedis } from '@hookline/queue';
import { freePort, spawnNode, terminate, waitForHttp, type Child } from '../faults/lib/processes';
import { TEST_DATABASE_URL, TEST_REDIS_URL, TEST_SECRETS_KEY } from '../support/env';
import { createTenant, structureChange, testDb, testQueuePrefix } from '../support/fixtures';
import { Receiver } from '../support/receiver';

/**
 * Two API processes and one worker process on one PostgreSQL and one Redis:
 * an edit made through either API is what the other API answers, and what
 * the worker delivers to, within a second.
 */
describe('two API processes behave like one', () => {
  const prefix = testQueuePrefix();
  const children: Child[] = [];
  const apis: string[] = [];
  const receiver = new Receiver();
  let db: Db;
  let key: string;

  const env = () => ({
    NODE_ENV: 'production',
    DATABASE_URL: TEST_DATABASE_URL,
    REDIS_URL: TEST_REDIS_URL,
    SECRETS_KEY: TEST_SECRETS_KEY,
    QUEUE_PREFIX: prefix,
    DELIVERY_ALLOWED_CIDRS: '127.0.0.0/8',
    DELIVERY_RETRY_SCHEDULE: '0.2,0.4',
    RECONCILE_INTERVAL_SECONDS: '3600',
    LOG_LEVEL: 'warn',
  });

  const call = async (api: number, path: string, init: { method?: string; body?: unknown } = {}) => {
    const response = await fetch(apis[api]! + path, {
      method: init.method ?? 'GET',
      headers: { authorization: `Bearer ${key}`, ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: init.body !== undefined ? JSON.stringify(init.body) : undefined,
    });
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    return { status: response.status, body: (await response.json()) as any };
  };

  /** How long until `probe` holds, polled every 20 ms; fails past 1 s. */
  const within1s = async (probe: () => Promise<boolean>) => {
    const started = Date.now();
    while (!(await probe())) {
      if (Date.now() - started > 1_000) throw new Error('not seen within 1 s');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return Date.now() - started;
  };

  beforeAll(async () => {
    db = testDb();
    key = (await createTenant(db)).apiKey;
    await receiver.start();
    for (const name of ['api-1', 'api-2']) {
      const port = await freePort();
      const child = spawnNode(name, 'apps/api/src/main.ts', { env: { ...env(), PORT: String(port) } });
      children.push(child);
      apis.push(`http://127.0.0.1:${port}`);
      await waitForHttp(`http://127.0.0.1:${port}/readyz`, child);
    }
    const healthPort = await freePort();
    const worker = spawnNode('worker', 'apps/worker/src/main.ts', { env: { ...env(), WORKER_HEALTH_PORT: String(healthPort) } });
    children.push(worker);
    await waitForHttp(`http://127.0.0.1:${healthPort}/readyz`, worker);
  }, 90_000);

  afterAll(async () => {
    await Promise.all(children.map((child) => terminate(child, 10_000)));
    const redis = createRedis(TEST_REDIS_URL, 'worker');
    const queue = new DeliveryQueue(redis, { prefix });
    await queue.obliterate();
    await queue.close();
    await redis.quit();
    await receiver.stop();
    await db.close();
  });

  it('sees a webhook edit made through the other API within 1 s, and the worker delivers to the new URL', async () => {
    const slug = `doc-${Date.now()}`;
    expect((await call(0, '/v1/documentations', { method: 'POST', body: { slug, name: 'Payments API' } })).status).toBe(201);
    const created = await call(0, `/v1/documentations/${slug}/webhooks`, { method: 'POST', body: { url: receiver.url('/old') } });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    // Read once through the second API, so anything it might cache is warm.
    expect((await call(1, `/v1/webhooks/${id}`)).body.url).toBe(receiver.url('/old'));
    expect((await call(1, `/v1/documentations/${slug}/events`, { method: 'POST', body: structureChange() })).status).toBe(202);
    await receiver.waitFor(1);

    const patched = await call(0, `/v1/webhooks/${id}`, { method: 'PATCH', body: { url: receiver.url('/new'), maxConcurrency: 3 } });
    expect(patched.status).toBe(200);
    await within1s(async () => (await call(1, `/v1/webhooks/${id}`)).body.url === receiver.url('/new'));
    expect((await call(1, `/v1/webhooks/${id}`)).body.maxConcurrency).toBe(3);
    // The worker's cached webhook was dropped by the announcement: the next event goes to the new URL.
    expect((await call(1, `/v1/documentations/${slug}/events`, { method: 'POST', body: structureChange() })).status).toBe(202);
    await receiver.waitFor(2, 5_000);
    expect(receiver.requests.map((r) => r.path)).toEqual(['/old', '/new']);

    // And the other way round: disabled through the second API, seen by the first.
    expect((await call(1, `/v1/webhooks/${id}`, { method: 'PATCH', body: { enabled: false } })).status).toBe(200);
    await within1s(async () => (await call(0, `/v1/webhooks/${id}`)).body.enabled === false);
  }, 30_000);
});
