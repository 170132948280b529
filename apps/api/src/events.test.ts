import { DeliveryQueue } from '@hookline/queue';
import { structureChange } from '../../../test/support/fixtures';
import { seedDocumentation, startTestApi, useTestApi, unreachableRedis, type TestApi } from './testing/harness';

let api: TestApi;
let key: string;

useTestApi((started) => ({ api, key } = started));

const nonBreaking = () => {
  const body = structureChange();
  body.diff.breaking = false;
  return body;
};

describe('POST /v1/documentations/{idOrSlug}/events', () => {
  it('creates one delivery per enabled matching webhook and queues ids-only jobs', async () => {
    const { documentation, webhooks } = await seedDocumentation(api, key, [{}, {}, { breakingOnly: true }, {}]);
    await api.call(`/v1/webhooks/${webhooks[3]!.id}`, { method: 'PATCH', key, body: { enabled: false } });

    const answer = await api.call(`/v1/documentations/${documentation.slug}/events`, { method: 'POST', key, body: structureChange() });
    expect(answer.status).toBe(202);
    expect(answer.body).toEqual({ id: expect.any(String), deliveries: 3 });

    const rows = await api.db.prisma.delivery.findMany({ where: { eventId: answer.body.id } });
    expect(rows.map((r) => r.webhookId).sort()).toEqual([webhooks[0]!.id, webhooks[1]!.id, webhooks[2]!.id].sort());
    expect(rows.every((r) => r.status === 'pending' && r.nextAttemptAt !== null)).toBe(true);

    for (const row of rows) {
      const job = await api.queue.getJob(row.id);
      expect(job?.id).toBe(row.id);
      expect(job?.data).toEqual({ deliveryId: row.id, webhookId: row.webhookId, eventId: answer.body.id });
      expect(JSON.stringify(job?.data)).not.toMatch(/whsec_|Payments API|refund/);
    }

    const event = await api.db.prisma.event.findUniqueOrThrow({ where: { id: answer.body.id } });
    const body = JSON.parse(event.body);
    expect(body.diff).toEqual(structureChange().diff);
    expect(body.api).toMatchObject({ id: documentation.id, slug: documentation.slug, name: 'Payments API' });
  });

  it('gives breakingOnly webhooks nothing for a non-breaking change', async () => {
    const { documentation, webhooks } = await seedDocumentation(api, key, [{ breakingOnly: true }, {}]);
    const answer = await api.call(`/v1/documentations/${documentation.id}/events`, { method: 'POST', key, body: nonBreaking() });
    expect(answer.body.deliveries).toBe(1);
    const rows = await api.db.prisma.delivery.findMany({ where: { eventId: answer.body.id } });
    expect(rows.map((r) => r.webhookId)).toEqual([webhooks[1]!.id]);
  });

  it('answers 202 with no deliveries when the documentation has no webhook', async () => {
    const { documentation } = await seedDocumentation(api, key, []);
    const answer = await api.call(`/v1/documentations/${documentation.id}/events`, { method: 'POST', key, body: { ...structureChange(), version: '2.1.0' } });
    expect(answer.status).toBe(202);
    expect(answer.body.deliveries).toBe(0);
  });

  it('replays the same key and body without creating anything; another body is a 409', async () => {
    const { documentation } = await seedDocumentation(api, key, [{}, {}]);
    const headers = { 'Idempotency-Key': `release-${Math.random()}` };
    const path = `/v1/documentations/${documentation.id}/events`;
    const first = await api.call(path, { method: 'POST', key, headers, body: structureChange() });
    expect(first.status).toBe(202);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    const count = () => api.db.prisma.delivery.count({ where: { webhook: { documentationId: documentation.id } } });
    const events = () => api.db.prisma.event.count({ where: { documentationId: documentation.id } });
    expect(await count()).toBe(2);

    const replay = await api.call(path, { method: 'POST', key, headers, body: structureChange() });
    expect(replay.status).toBe(202);
    expect(replay.body).toEqual(first.body);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(await count()).toBe(2);
    expect(await events()).toBe(1);

    const other = await api.call(path, { method: 'POST', key, headers, body: nonBreaking() });
    expect(other.status).toBe(409);
    expect(other.body).toMatchObject({ status: 409, detail: expect.stringContaining('Idempotency-Key') });
    expect(await events()).toBe(1);
  });

  it('rejects an Idempotency-Key that is empty, too long or not printable ASCII', async () => {
    const { documentation } = await seedDocumentation(api, key, []);
    for (const value of ['', 'k'.repeat(256), 'tab\there']) {
      const answer = await api.call(`/v1/documentations/${documentation.id}/events`, { method: 'POST', key, headers: { 'Idempotency-Key': value }, body: structureChange() });
      expect(answer.status).toBe(400);
      expect(answer.body.errors[0].path).toBe('Idempotency-Key');
    }
  });

  it('lets extra fields through inside diff, byte for byte, and rejects a malformed diff field by field', async () => {
    const { documentation } = await seedDocumentation(api, key, []);
    const body = structureChange() as { diff: Record<string, unknown> };
    body.diff = { zeta: 1, ...body.diff, bump_extra: { nested: [1, 2] } };
    const accepted = await api.call(`/v1/documentations/${documentation.id}/events`, { method: 'POST', key, body });
    expect(accepted.status).toBe(202);
    const stored = await api.db.prisma.event.findUniqueOrThrow({ where: { id: accepted.body.id } });
    expect(stored.body).toContain(JSON.stringify(body.diff));

    const bad = structureChange() as { diff: { details: Array<Record<string, unknown>>; breaking: unknown } };
    bad.diff.breaking = 'yes';
    bad.diff.details[1]!.children = [{ id: 'x', name: 'x', status: 'renamed', type: 'property', breaking: false, children: [] }];
    const rejected = await api.call(`/v1/documentations/${documentation.id}/events`, { method: 'POST', key, body: { ...bad, extra: true } });
    expect(rejected.status).toBe(400);
    expect(rejected.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['diff.breaking', 'diff.details.1.children.0.status', 'extra']);

    const missing = await api.call(`/v1/documentations/${documentation.id}/events`, { method: 'POST', key, body: { version: '1' } });
    expect(missing.status).toBe(400);
    expect(missing.body.errors).toEqual([{ path: 'diff', message: expect.stringContaining('required') }]);
  });

  it('answers 404 for an unknown documentation', async () => {
    const answer = await api.call('/v1/documentations/no-such-doc/events', { method: 'POST', key, body: structureChange() });
    expect(answer.status).toBe(404);
  });
});

describe('outbox: Redis unreachable', () => {
  it('still answers 202 and leaves the deliveries pending for the reconciler', async () => {
    const broken = await startTestApi({
      queue: (prefix) => {
        const dead = unreachableRedis();
        const queue = new DeliveryQueue(dead, { prefix });
        queue.onError(() => undefined);
        const close = queue.close.bind(queue);
        queue.close = async () => {
          await close();
          dead.disconnect();
        };
        return queue;
      },
      redisTimeoutMs: 300,
    });
    try {
      const tenant = await broken.tenant();
      const { documentation } = await seedDocumentation(broken, tenant.apiKey, [{}, {}]);
      const answer = await broken.call(`/v1/documentations/${documentation.id}/events`, { method: 'POST', key: tenant.apiKey, body: structureChange() });
      expect(answer.status).toBe(202);
      expect(answer.body.deliveries).toBe(2);
      const rows = await broken.db.prisma.delivery.findMany({ where: { eventId: answer.body.id } });
      expect(rows).toHaveLength(2);
      expect(rows.every((r) => r.status === 'pending' && r.nextAttemptAt !== null && r.attempts === 0)).toBe(true);
      // Nothing reached the (working) Redis under this prefix.
      expect(await broken.queue.getJob(rows[0]!.id)).toBeUndefined();
      expect(broken.logs.some((line) => line.includes('"level":"warn"') && line.includes(rows[0]!.id))).toBe(true);
    } finally {
      await broken.close();
    }
  });
});

describe('GET /v1/events/{id}', () => {
  it('shows the event, its payload and its deliveries', async () => {
    const { documentation, webhooks } = await seedDocumentation(api, key, [{}]);
    const posted = await api.call(`/v1/documentations/${documentation.id}/events`, { method: 'POST', key, body: { ...structureChange(), version: '3.0.0' } });
    const answer = await api.call(`/v1/events/${posted.body.id}`, { key });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ id: posted.body.id, documentationId: documentation.id, type: 'documentation.structure_change' });
    expect(answer.body.payload.diff).toEqual(structureChange().diff);
    expect(answer.body.payload.api.version).toBe('3.0.0');
    expect(answer.body.deliveries).toEqual([
      expect.objectContaining({ webhookId: webhooks[0]!.id, eventId: posted.body.id, event: 'documentation.structure_change', status: 'pending', attempts: 0, lastAttempt: null }),
    ]);
  });
});

describe('POST /v1/webhooks/{id}/test', () => {
  it('creates a ping event for that webhook only, and queues it', async () => {
    const { webhooks } = await seedDocumentation(api, key, [{ breakingOnly: true }, {}]);
    const answer = await api.call(`/v1/webhooks/${webhooks[0]!.id}/test`, { method: 'POST', key });
    expect(answer.status).toBe(202);
    expect(answer.body).toEqual({ deliveryId: expect.any(String), eventId: expect.any(String) });
    const event = await api.db.prisma.event.findUniqueOrThrow({ where: { id: answer.body.eventId }, include: { deliveries: true } });
    expect(event.type).toBe('ping');
    expect(event.deliveries.map((d) => d.webhookId)).toEqual([webhooks[0]!.id]);
    expect(JSON.parse(event.body).diff.title).toBe('Test webhook from Hookline');
    expect((await api.queue.getJob(answer.body.deliveryId))?.data.webhookId).toBe(webhooks[0]!.id);
  });

  it('works for a disabled webhook too', async () => {
    const { webhooks } = await seedDocumentation(api, key, [{}]);
    await api.call(`/v1/webhooks/${webhooks[0]!.id}`, { method: 'PATCH', key, body: { enabled: false } });
    const answer = await api.call(`/v1/webhooks/${webhooks[0]!.id}/test`, { method: 'POST', key });
    expect(answer.status).toBe(202);
    const delivery = await api.db.prisma.delivery.findUniqueOrThrow({ where: { id: answer.body.deliveryId } });
    expect(delivery).toMatchObject({ webhookId: webhooks[0]!.id, status: 'pending' });
    expect(await api.queue.getJob(answer.body.deliveryId)).toBeDefined();
  });
});
