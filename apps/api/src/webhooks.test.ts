import { createRedis } from '@hookline/queue';
import { structureChange } from '../../../test/support/fixtures';
import { TEST_REDIS_URL } from '../../../test/support/env';
import { seedDocumentation, useTestApi, type TestApi } from './testing/harness';

let api: TestApi;
let key: string;

useTestApi((started) => ({ api, key } = started));

const SECRET = /^whsec_[A-Za-z0-9+/]{43}=$/;

describe('webhooks', () => {
  it('shows the secret in full once, masks it in reads, and reveals it on request', async () => {
    const { documentation } = await seedDocumentation(api, key, []);
    const created = await api.call(`/v1/documentations/${documentation.slug}/webhooks`, {
      method: 'POST',
      key,
      body: { url: 'https://hooks.example.com/bump', description: 'CI', breakingOnly: true },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      documentationId: documentation.id,
      url: 'https://hooks.example.com/bump',
      description: 'CI',
      enabled: true,
      disabledReason: null,
      disabledAt: null,
      breakingOnly: true,
      previousSecretExpiresAt: null,
    });
    const secret: string = created.body.secret;
    expect(secret).toMatch(SECRET);
    const masked = `whsec_${secret.slice(6, 10)}…`;
    expect(created.body.secretMasked).toBe(masked);

    const one = await api.call(`/v1/webhooks/${created.body.id}`, { key });
    expect(one.status).toBe(200);
    expect(one.body.secret).toBeUndefined();
    expect(one.body.secretMasked).toBe(masked);
    expect(JSON.stringify(one.body)).not.toContain(secret.slice(6));

    const list = await api.call(`/v1/documentations/${documentation.id}/webhooks`, { key });
    expect(list.body.data).toHaveLength(1);
    expect(list.body.data[0]).toEqual(one.body);
    expect(JSON.stringify(list.body)).not.toContain(secret.slice(6));

    const reveal = await api.call(`/v1/webhooks/${created.body.id}/secret`, { key });
    expect(reveal.status).toBe(200);
    expect(reveal.body).toEqual({ secret });

    const row = await api.db.prisma.webhook.findUniqueOrThrow({ where: { id: created.body.id } });
    expect(row.secretEncrypted).not.toContain(secret);
    expect(row.secretEncrypted).not.toContain(secret.slice(6));
    expect(api.secretBox.open(row.secretEncrypted, row.id)).toBe(secret);
  });

  it('rotates: a new secret, the previous one kept sealed for 24 hours', async () => {
    const { webhooks } = await seedDocumentation(api, key);
    const webhook = webhooks[0]!;
    const before = Date.now();
    const rotated = await api.call(`/v1/webhooks/${webhook.id}/rotate-secret`, { method: 'POST', key });
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).toMatch(SECRET);
    expect(rotated.body.secret).not.toBe(webhook.secret);

    const reveal = await api.call(`/v1/webhooks/${webhook.id}/secret`, { key });
    expect(reveal.body.secret).toBe(rotated.body.secret);

    const read = await api.call(`/v1/webhooks/${webhook.id}`, { key });
    const expires = Date.parse(read.body.previousSecretExpiresAt);
    expect(expires).toBeGreaterThanOrEqual(before + 24 * 3600_000 - 1000);
    expect(expires).toBeLessThanOrEqual(Date.now() + 24 * 3600_000 + 1000);
    expect(read.body.secretMasked).toBe(`whsec_${rotated.body.secret.slice(6, 10)}…`);

    const row = await api.db.prisma.webhook.findUniqueOrThrow({ where: { id: webhook.id } });
    expect(row.previousSecretEncrypted).not.toBeNull();
    expect(row.previousSecretEncrypted).not.toContain(webhook.secret.slice(6));
    expect(api.secretBox.open(row.previousSecretEncrypted!, webhook.id)).toBe(webhook.secret);
    expect(api.secretBox.open(row.secretEncrypted, webhook.id)).toBe(rotated.body.secret);
  });

  it('announces changes on the webhook-changed channel', async () => {
    const { webhooks } = await seedDocumentation(api, key);
    // A client of its own: a subscribed connection cannot run other commands.
    const subscriber = createRedis(TEST_REDIS_URL, 'worker');
    const heard: string[] = [];
    try {
      subscriber.on('message', (_channel, message) => heard.push(message));
      await subscriber.subscribe(`${api.prefix}:webhook-changed`);
      await api.call(`/v1/webhooks/${webhooks[0]!.id}`, { method: 'PATCH', key, body: { enabled: false } });
      await api.call(`/v1/webhooks/${webhooks[0]!.id}/rotate-secret`, { method: 'POST', key });
      await api.call(`/v1/webhooks/${webhooks[0]!.id}`, { method: 'DELETE', key });
      for (let i = 0; i < 50 && heard.length < 3; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    } finally {
      subscriber.disconnect();
    }
    expect(heard).toEqual([webhooks[0]!.id, webhooks[0]!.id, webhooks[0]!.id]);
  });

  it('patches url, description, breakingOnly and enabled; enabling clears the disabled reason', async () => {
    const { webhooks } = await seedDocumentation(api, key);
    const id = webhooks[0]!.id;
    const patched = await api.call(`/v1/webhooks/${id}`, {
      method: 'PATCH',
      key,
      body: { url: 'http://other.example.com/in', description: null, breakingOnly: true, enabled: false },
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ url: 'http://other.example.com/in', description: null, breakingOnly: true, enabled: false, disabledReason: 'disabled by user' });
    expect(patched.body.disabledAt).not.toBeNull();

    // As the worker would after a 410.
    await api.db.prisma.webhook.update({ where: { id }, data: { disabledReason: 'receiver answered 410 Gone' } });
    const enabled = await api.call(`/v1/webhooks/${id}`, { method: 'PATCH', key, body: { enabled: true } });
    expect(enabled.body).toMatchObject({ enabled: true, disabledReason: null, disabledAt: null, url: 'http://other.example.com/in' });

    const unchanged = await api.call(`/v1/webhooks/${id}`, { method: 'PATCH', key, body: {} });
    expect(unchanged.status).toBe(200);
    expect(unchanged.body.url).toBe('http://other.example.com/in');
  });

  it('rejects bad webhook input field by field', async () => {
    const { documentation, webhooks } = await seedDocumentation(api, key);
    const cases: Array<[unknown, string]> = [
      [{ url: 'ftp://example.com/x' }, 'url'],
      [{ url: 'https://user:pw@example.com/x' }, 'url'],
      [{ url: `https://example.com/${'a'.repeat(2048)}` }, 'url'],
      [{ url: 'not a url' }, 'url'],
      [{ url: 'https://example.com', breakingOnly: 'yes' }, 'breakingOnly'],
      [{ url: 'https://example.com', description: 'x'.repeat(1001) }, 'description'],
      [{ url: 'https://example.com', secret: 'whsec_mine' }, 'secret'],
      [{}, 'url'],
    ];
    for (const [body, path] of cases) {
      const answer = await api.call(`/v1/documentations/${documentation.id}/webhooks`, { method: 'POST', key, body });
      expect({ status: answer.status, paths: answer.body.errors?.map((e: { path: string }) => e.path) }).toEqual({ status: 400, paths: [path] });
    }
    const patch = await api.call(`/v1/webhooks/${webhooks[0]!.id}`, { method: 'PATCH', key, body: { enabled: 'no', colour: 'red' } });
    expect(patch.status).toBe(400);
    expect(patch.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['colour', 'enabled']);
  });

  it('deletes: pending deliveries cancelled, their jobs removed, then 404 everywhere', async () => {
    const { documentation, webhooks } = await seedDocumentation(api, key, [{}, {}]);
    const gone = webhooks[0]!;
    const kept = webhooks[1]!;
    const event = await api.call(`/v1/documentations/${documentation.id}/events`, { method: 'POST', key, body: structureChange() });
    expect(event.body.deliveries).toBe(2);
    const deliveries = await api.db.prisma.delivery.findMany({ where: { eventId: event.body.id } });
    const mine = deliveries.find((d) => d.webhookId === gone.id)!;
    const other = deliveries.find((d) => d.webhookId === kept.id)!;
    expect(await api.queue.getJob(mine.id)).toBeDefined();

    const deleted = await api.call(`/v1/webhooks/${gone.id}`, { method: 'DELETE', key });
    expect(deleted.status).toBe(204);
    expect(deleted.body).toBe('');

    const after = await api.db.prisma.delivery.findUniqueOrThrow({ where: { id: mine.id } });
    expect(after.status).toBe('cancelled');
    expect(after.nextAttemptAt).toBeNull();
    expect(await api.queue.getJob(mine.id)).toBeUndefined();
    // The other webhook's delivery is untouched.
    expect((await api.db.prisma.delivery.findUniqueOrThrow({ where: { id: other.id } })).status).toBe('pending');
    expect(await api.queue.getJob(other.id)).toBeDefined();

    const row = await api.db.prisma.webhook.findUniqueOrThrow({ where: { id: gone.id } });
    expect(row.deletedAt).not.toBeNull();
    expect(row.enabled).toBe(false);

    for (const [method, path] of [
      ['GET', `/v1/webhooks/${gone.id}`],
      ['PATCH', `/v1/webhooks/${gone.id}`],
      ['DELETE', `/v1/webhooks/${gone.id}`],
      ['GET', `/v1/webhooks/${gone.id}/secret`],
      ['POST', `/v1/webhooks/${gone.id}/rotate-secret`],
      ['POST', `/v1/webhooks/${gone.id}/test`],
      ['GET', `/v1/webhooks/${gone.id}/deliveries`],
      ['GET', `/v1/deliveries/${mine.id}`],
      ['POST', `/v1/deliveries/${mine.id}/redeliver`],
    ] as const) {
      const answer = await api.call(path, { method, key, ...(method === 'PATCH' ? { body: { enabled: true } } : {}) });
      expect(`${method} ${path} ${answer.status}`).toBe(`${method} ${path} 404`);
    }
    const list = await api.call(`/v1/documentations/${documentation.id}/webhooks`, { key });
    expect(list.body.data.map((w: { id: string }) => w.id)).toEqual([kept.id]);
    const shown = await api.call(`/v1/events/${event.body.id}`, { key });
    expect(shown.body.deliveries.map((d: { id: string }) => d.id)).toEqual([other.id]);

    const next = await api.call(`/v1/documentations/${documentation.id}/events`, { method: 'POST', key, body: structureChange() });
    expect(next.body.deliveries).toBe(1);
  });
});
