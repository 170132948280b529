import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DeliveryQueue } from '@hookline/queue';
import { structureChange } from '../../../test/support/fixtures';
import { seedDocumentation, startTestApi, unreachableRedis, type TestApi } from './testing/harness';

let api: TestApi;

beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api.close());

describe('queue depth per shard in /metrics', () => {
  it('counts the jobs waiting in each shard', async () => {
    const sharded = await startTestApi({ queue: (prefix) => new DeliveryQueue(api.redis, { prefix, shards: 3 }) });
    try {
      const jobs = Array.from({ length: 9 }, () => ({ deliveryId: crypto.randomUUID(), webhookId: crypto.randomUUID(), eventId: crypto.randomUUID() }));
      const producer = new DeliveryQueue(api.redis, { prefix: sharded.prefix, shards: 3 });
      await producer.enqueue(jobs);
      const text = String((await sharded.call('/metrics')).body);
      const waiting = [0, 1, 2].map((shard) => Number(new RegExp(`hookline_queue_jobs\\{shard="${shard}",state="waiting"\\} (\\d+)`).exec(text)?.[1]));
      expect(waiting.reduce((a, b) => a + b, 0)).toBe(9);
      expect(waiting).toEqual([0, 1, 2].map((shard) => jobs.filter((j) => producer.shardOf(j.webhookId) === shard).length));
      await producer.obliterate();
      await producer.close();
    } finally {
      await sharded.close();
    }
  });
});

describe('health', () => {
  it('/healthz answers 200 without a key', async () => {
    const answer = await api.call('/healthz');
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ status: 'ok' });
  });

  it('/readyz answers 200 when PostgreSQL and Redis answer', async () => {
    const answer = await api.call('/readyz');
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ status: 'ready', checks: { postgres: 'ok', redis: 'ok' } });
  });

  it('/readyz answers 503 naming Redis when it is unreachable', async () => {
    // Readiness asks the queue's own connection, in the slot of every shard.
    const dead = unreachableRedis();
    const broken = await startTestApi({
      queue: (prefix) => {
        const queue = new DeliveryQueue(dead, { prefix, shards: 3 });
        queue.onError(() => undefined);
        return queue;
      },
    });
    try {
      const answer = await broken.call('/readyz');
      expect(answer.status).toBe(503);
      expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(answer.body.detail).toMatch(/Redis/);
      expect(answer.body.detail).not.toMatch(/PostgreSQL/);
    } finally {
      await broken.close();
      dead.disconnect();
    }
  });

  it('/readyz answers 503 naming PostgreSQL when it is unreachable', async () => {
    const broken = await startTestApi();
    try {
      await broken.db.close();
      const answer = await broken.call('/readyz');
      expect(answer.status).toBe(503);
      expect(answer.body.detail).toMatch(/PostgreSQL/);
      expect(answer.body.detail).not.toMatch(/Redis/);
    } finally {
      await broken.close();
    }
  });
});

describe('/metrics', () => {
  it('counts requests by route template, events ingested and deliveries created', async () => {
    const { apiKey } = await api.tenant();
    const { documentation, webhooks } = await seedDocumentation(api, apiKey, [{}, {}]);
    await api.call(`/v1/documentations/${documentation.id}/events`, { method: 'POST', key: apiKey, body: structureChange() });
    await api.call(`/v1/webhooks/${webhooks[0]!.id}`, { key: apiKey });
    const answer = await api.call('/metrics');
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toMatch(/^text\/plain/);
    const text: string = answer.body;
    expect(text).toMatch(/hookline_http_requests_total\{method="POST",route="\/v1\/documentations\/:idOrSlug\/events",status="202"\} 1/);
    expect(text).toMatch(/hookline_http_requests_total\{method="GET",route="\/v1\/webhooks\/:id",status="200"\} 1/);
    expect(text).toMatch(/hookline_http_request_duration_seconds_bucket\{le="0\.05",method="POST",route="\/v1\/documentations\/:idOrSlug\/events",status="202"\}/);
    expect(text).toMatch(/hookline_events_ingested_total\{type="documentation.structure_change"\} 1/);
    expect(text).toMatch(/hookline_deliveries_created_total\{type="documentation.structure_change"\} 2/);
    // No raw ids as labels.
    expect(text).not.toContain(webhooks[0]!.id);
  });
});

describe('dashboard', () => {
  it('serves the build and its client-side routes, while unknown API routes stay 404 problems', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'hookline-dashboard-'));
    mkdirSync(path.join(dir, 'assets'));
    writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>Hookline</title>');
    writeFileSync(path.join(dir, 'assets', 'app.js'), 'console.log(1)');
    const served = await startTestApi({ dashboardDir: dir });
    try {
      const html = { accept: 'text/html,application/xhtml+xml' };
      const root = await served.call('/', { headers: html });
      expect(root.status).toBe(200);
      expect(root.body).toContain('<title>Hookline</title>');
      expect((await served.call('/assets/app.js')).body).toBe('console.log(1)');
      const deepLink = await served.call('/webhooks/0190a3b2-1c2d-7e3f-8a9b-0c1d2e3f4a5b', { headers: html });
      expect(deepLink.body).toContain('<title>Hookline</title>');
      const api = await served.call('/v1/nope', { headers: html });
      expect(api.status).toBe(401);
      const json = await served.call('/nope');
      expect(json.status).toBe(404);
      expect(json.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    } finally {
      await served.close();
    }
  });
});
