import { createRedis, webhookChangesChannel } from '@hookline/queue';
import { structureChange } from '../../../test/support/fixtures';
import { TEST_REDIS_URL } from '../../../test/support/env';
import { seedDocumentation, startTestApi, type TestApi } from './testing/harness';

let a: TestApi;
let b: TestApi;
let key: string;

// Two API processes sharing PostgreSQL, Redis and the prefix, each with its own caches.
beforeAll(async () => {
  a = await startTestApi();
  b = await startTestApi({ prefix: a.prefix });
  key = (await a.tenant()).apiKey;
});
afterAll(async () => {
  await b.close();
  await a.close();
});

async function until(check: () => Promise<boolean>, timeoutMs: number): Promise<number> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error(`not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return Date.now() - started;
}

const slug = () => `life-${Math.random().toString(36).slice(2, 10)}`;

describe('PATCH /v1/documentations/{idOrSlug}', () => {
  it('changes only the fields given; a slug change keeps the id and the old slug stops resolving', async () => {
    const { documentation } = await seedDocumentation(a, key, []);
    const patched = await a.call(`/v1/documentations/${documentation.slug}`, {
      method: 'PATCH',
      key,
      body: { name: 'Payments v2', tags: ['payments', 'public'], description: 'Cards' },
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ id: documentation.id, slug: documentation.slug, name: 'Payments v2', description: 'Cards', humanUrl: 'https://docs.example.com/payments', tags: ['payments', 'public'] });

    const renamed = slug();
    const moved = await a.call(`/v1/documentations/${documentation.id}`, { method: 'PATCH', key, body: { slug: renamed, humanUrl: null } });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ id: documentation.id, slug: renamed, humanUrl: null, tags: ['payments', 'public'] });
    expect((await a.call(`/v1/documentations/${renamed}`, { key })).body.id).toBe(documentation.id);
    expect((await a.call(`/v1/documentations/${documentation.slug}`, { key })).status).toBe(404);
    // The next event carries the new name, slug and tags.
    expect((await a.call(`/v1/documentations/${renamed}/events`, { method: 'POST', key, body: structureChange() })).status).toBe(202);
  });

  it('answers 409 for a slug another documentation holds, and 400 naming bad fields', async () => {
    const { documentation: first } = await seedDocumentation(a, key, []);
    const { documentation: second } = await seedDocumentation(a, key, []);
    const clash = await a.call(`/v1/documentations/${second.slug}`, { method: 'PATCH', key, body: { slug: first.slug } });
    expect(clash.status).toBe(409);
    expect(clash.body.detail).toContain(first.slug);
    for (const [body, path] of [
      [{ tags: 'payments' }, 'tags'],
      [{ tags: [''] }, 'tags.0'],
      [{ tags: ['a', 'a'] }, 'tags'],
      [{ slug: 'Not A Slug' }, 'slug'],
      [{ humanUrl: 'ftp://x' }, 'humanUrl'],
      [{ name: '' }, 'name'],
      [{ id: 'mine' }, 'id'],
    ] as const) {
      const answer = await a.call(`/v1/documentations/${second.slug}`, { method: 'PATCH', key, body });
      expect({ body, status: answer.status, paths: answer.body.errors?.map((e: { path: string }) => e.path) }).toEqual({ body, status: 400, paths: [path] });
    }
    for (const method of ['PATCH', 'DELETE']) {
      const odd = await a.call('/v1/documentations/a%00b', { method, key, body: method === 'PATCH' ? { name: 'x' } : undefined });
      expect({ method, status: odd.status }).toEqual({ method, status: 404 });
    }
    const stranger = (await a.tenant()).apiKey;
    expect((await a.call(`/v1/documentations/${second.id}`, { method: 'PATCH', key: stranger, body: { name: 'mine' } })).status).toBe(404);
    expect((await a.call(`/v1/documentations/${second.id}`, { method: 'DELETE', key: stranger })).status).toBe(404);
    expect((await a.call(`/v1/documentations/${second.id}`, { key })).body.name).toBe('Payments API');
  });

  it('reaches the documentation cache of every API process', async () => {
    const { documentation } = await seedDocumentation(a, key, []);
    // B caches the lookup by slug (ingest uses that cache).
    expect((await b.call(`/v1/documentations/${documentation.slug}/events`, { method: 'POST', key, body: structureChange() })).status).toBe(202);
    const renamed = slug();
    expect((await a.call(`/v1/documentations/${documentation.slug}`, { method: 'PATCH', key, body: { slug: renamed } })).status).toBe(200);
    const elapsed = await until(async () => (await b.call(`/v1/documentations/${documentation.slug}/events`, { method: 'POST', key, body: structureChange() })).status === 404, 1_000);
    expect(elapsed).toBeLessThan(1_000);
  });
});

describe('DELETE /v1/documentations/{idOrSlug}', () => {
  it('soft-deletes: pending deliveries cancelled, workers told, 404 everywhere, slug free again', async () => {
    const { documentation, webhooks } = await seedDocumentation(a, key, [{}, {}]);
    // B caches the documentation; no worker runs, so the deliveries stay pending with jobs waiting.
    const event = await b.call(`/v1/documentations/${documentation.slug}/events`, { method: 'POST', key, body: structureChange() });
    expect(event.status).toBe(202);
    expect(event.body.deliveries).toBe(2);
    expect(await a.queue.getJobs(['waiting', 'delayed'])).toHaveLength(2);

    const listener = createRedis(TEST_REDIS_URL, 'worker');
    const announced: string[] = [];
    listener.on('message', (_channel: string, id: string) => announced.push(id));
    await listener.subscribe(webhookChangesChannel(a.prefix));
    try {
      const deleted = await a.call(`/v1/documentations/${documentation.slug}`, { method: 'DELETE', key });
      expect(deleted.status).toBe(204);
      await until(async () => announced.length >= 2, 2_000);
      expect(announced.sort()).toEqual(webhooks.map((w) => w.id).sort());
    } finally {
      await listener.quit();
    }

    const statuses = await a.db.prisma.delivery.findMany({ where: { eventId: event.body.id }, select: { status: true } });
    expect(statuses.map((d) => d.status)).toEqual(['cancelled', 'cancelled']);
    expect(await a.queue.getJobs(['waiting', 'delayed'])).toHaveLength(0);

    // Gone on this process and, within a second, on the other one (which had it cached).
    await until(async () => (await b.call(`/v1/documentations/${documentation.slug}/events`, { method: 'POST', key, body: structureChange() })).status === 404, 1_000);
    for (const path of [`/v1/documentations/${documentation.id}`, `/v1/documentations/${documentation.slug}`, `/v1/documentations/${documentation.slug}/webhooks`, `/v1/webhooks/${webhooks[0]!.id}`]) {
      expect({ path, status: (await a.call(path, { key })).status }).toEqual({ path, status: 404 });
    }
    expect((await a.call(`/v1/documentations/${documentation.id}`, { method: 'PATCH', key, body: { name: 'x' } })).status).toBe(404);
    expect((await a.call(`/v1/documentations/${documentation.id}`, { method: 'DELETE', key })).status).toBe(404);
    expect((await a.call(`/v1/events/${event.body.id}`, { key })).status).toBe(404);
    const list = await a.call('/v1/documentations', { key });
    expect(list.body.data.map((d: { id: string }) => d.id)).not.toContain(documentation.id);

    const again = await a.call('/v1/documentations', { method: 'POST', key, body: { slug: documentation.slug, name: 'Payments API' } });
    expect(again.status).toBe(201);
    expect(again.body.id).not.toBe(documentation.id);
  });
});
