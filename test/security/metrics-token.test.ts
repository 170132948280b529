import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DeliveryQueue, createRedis } from '@hookline/queue';
import { createApp } from '../../apps/api/src/app';
import { loadApiConfig } from '../../apps/api/src/env';
import { silentLogger } from '../../apps/api/src/logger';
import type { DeliveryWorker } from '../../apps/worker/src/delivery-worker';
import { parseWorkerEnv } from '../../apps/worker/src/env';
import { startHealthServer } from '../../apps/worker/src/health-server';
import { TEST_REDIS_URL, TEST_SECRETS_KEY } from '../support/env';
import { testDb, testQueuePrefix } from '../support/fixtures';
import { testSecretBox } from '../support/seed';
import { startTestWorker } from '../support/worker';

const TOKEN = 'metrics-token-0123456789abcdef';

const listen = (server: Server) => new Promise<string>((resolve) => server.once('listening', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));

describe('METRICS_TOKEN', () => {
  const db = testDb();
  const prefix = testQueuePrefix();
  const redis = createRedis(TEST_REDIS_URL, 'producer');
  const queue = new DeliveryQueue(redis, { prefix });
  const servers: Server[] = [];
  let worker: DeliveryWorker;

  afterAll(async () => {
    for (const server of servers) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
    await worker?.close();
    await queue.close();
    await redis.quit();
    await db.close();
  });

  const apiWith = async (metricsToken?: string) => {
    const app = createApp({ config: { queuePrefix: prefix, metricsToken }, db, queue, redis, secretBox: testSecretBox(), logger: silentLogger });
    const server = app.listen(0, '127.0.0.1');
    servers.push(server);
    return listen(server);
  };

  it('protects the API /metrics when set, and leaves it open when not', async () => {
    const guarded = await apiWith(TOKEN);
    expect((await fetch(`${guarded}/metrics`)).status).toBe(401);
    expect((await fetch(`${guarded}/metrics`, { headers: { authorization: 'Bearer wrong-token-0123456789' } })).status).toBe(401);
    const allowed = await fetch(`${guarded}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(allowed.status).toBe(200);
    expect(await allowed.text()).toContain('# TYPE');
    expect((await fetch(`${guarded}/healthz`)).status).toBe(200);
    const open = await apiWith();
    expect((await fetch(`${open}/metrics`)).status).toBe(200);
  });

  it('protects the worker /metrics when set', async () => {
    worker = await startTestWorker({ db, secretBox: testSecretBox(), prefix });
    const server = await startHealthServer(worker, 0, () => true, TOKEN);
    servers.push(server);
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    expect((await fetch(`${base}/metrics`)).status).toBe(401);
    const allowed = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(allowed.status).toBe(200);
    expect(await allowed.text()).toContain('hookline_worker_attempts_total');
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
  });

  it('refuses a token too short to be secret, naming the variable', () => {
    expect(() => loadApiConfig({ METRICS_TOKEN: 'short', SECRETS_KEY: TEST_SECRETS_KEY })).toThrow(/METRICS_TOKEN/);
    expect(() => parseWorkerEnv({ METRICS_TOKEN: 'short' })).toThrow(/METRICS_TOKEN/);
    expect(loadApiConfig({ METRICS_TOKEN: TOKEN, SECRETS_KEY: TEST_SECRETS_KEY }).metricsToken).toBe(TOKEN);
  });
});
