import { createHmac, timingSafeEqual } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { startTestApi, type TestApi } from '../../apps/api/src/testing/harness';
import type { DeliveryWorker } from '../../apps/worker/src/delivery-worker';
import { structureChange } from '../support/fixtures';
import { Receiver, statusSequence, waitUntil } from '../support/receiver';
import { startTestWorker } from '../support/worker';

/**
 * From the producer's POST to a user's server, through the real API, queue,
 * worker and HTTP: the receiver checks signatures as a user's server would.
 */
describe('end to end: POST /events → signed POST at a real receiver', () => {
  let api: TestApi;
  let worker: DeliveryWorker;
  let key: string;
  const receivers: Receiver[] = [];

  // What a Bump receiver written in Ruby does: "sha256=" + hex HMAC of the raw body, compared in constant time.
  const bumpCheck = (secret: string, rawBody: string, header: unknown) => {
    const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(rawBody).digest('hex')}`);
    const given = Buffer.from(typeof header === 'string' ? header : '');
    return expected.length === given.length && timingSafeEqual(expected, given);
  };

  const receiver = async (responder?: ConstructorParameters<typeof Receiver>[0]) => {
    const r = new Receiver(responder);
    receivers.push(r);
    await r.start();
    return r;
  };

  const createDocumentation = async (slug: string) => {
    const created = await api.call('/v1/documentations', { method: 'POST', key, body: { slug, name: 'Payments API', humanUrl: 'https://docs.example.test/payments' } });
    expect(created.status).toBe(201);
    return created.body;
  };

  const createWebhook = async (slug: string, url: string, extra: Record<string, unknown> = {}) => {
    const created = await api.call(`/v1/documentations/${slug}/webhooks`, { method: 'POST', key, body: { url, ...extra } });
    expect(created.status).toBe(201);
    return created.body as { id: string; secret: string };
  };

  beforeAll(async () => {
    api = await startTestApi();
    ({ apiKey: key } = await api.tenant());
    worker = await startTestWorker({ db: api.db, secretBox: api.secretBox, prefix: api.prefix }, { reconcileGraceMs: 30_000 });
  });

  afterAll(async () => {
    await worker.close();
    await api.close();
    await Promise.all(receivers.map((r) => r.stop()));
  });

  it('delivers one event to three webhooks, verifiable by the Bump check and a Standard Webhooks library, listed as succeeded', async () => {
    const doc = await createDocumentation('payments-e2e');
    const r = await receiver();
    const hooks = [];
    for (const n of [1, 2, 3]) hooks.push(await createWebhook(doc.slug, r.url(`/hook-${n}`)));

    const posted = await api.call(`/v1/documentations/${doc.slug}/events`, { method: 'POST', key, body: structureChange() });
    expect(posted.status).toBe(202);
    expect(posted.body.deliveries).toBe(3);
    await r.waitFor(3);

    hooks.forEach((hook, index) => {
      const request = r.requests.find((q) => q.path === `/hook-${index + 1}`)!;
      expect(bumpCheck(hook.secret, request.body, request.headers['x-bump-signature-256'])).toBe(true);
      const payload = new Webhook(hook.secret).verify(request.body, request.headers as Record<string, string>) as { api: unknown; diff: unknown };
      expect(payload).toEqual({
        api: expect.objectContaining({ id: doc.id, slug: doc.slug, name: 'Payments API', humanUrl: 'https://docs.example.test/payments' }),
        diff: structureChange().diff,
      });
      expect(request.headers['x-bump-event']).toBe('documentation.structure_change');
    });

    for (const hook of hooks) {
      const list = await waitUntil(async () => {
        const answer = await api.call(`/v1/webhooks/${hook.id}/deliveries`, { key });
        return answer.body.data?.[0]?.status === 'succeeded' && answer.body;
      });
      expect(list.data).toHaveLength(1);
      expect(list.data[0]).toMatchObject({ eventId: posted.body.id, event: 'documentation.structure_change', attempts: 1, lastAttempt: { statusCode: 200 } });
      expect(list.data[0].lastAttempt.durationMs).toEqual(expect.any(Number));
    }
  });

  it('retries 500 → 503 → 200 on the schedule with one webhook-id, and shows every attempt', async () => {
    const doc = await createDocumentation('retries-e2e');
    const r = await receiver(statusSequence(500, 503, 200));
    const hook = await createWebhook(doc.slug, r.url());
    await api.call(`/v1/documentations/${doc.slug}/events`, { method: 'POST', key, body: structureChange() });
    await r.waitFor(3);
    expect(new Set(r.requests.map((q) => q.headers['webhook-id'])).size).toBe(1);
    expect(r.requests[1]!.at - r.requests[0]!.at).toBeGreaterThanOrEqual(140);
    expect(r.requests[2]!.at - r.requests[1]!.at).toBeGreaterThanOrEqual(300);

    const deliveryId = r.requests[0]!.headers['webhook-id'] as string;
    const delivery = await waitUntil(async () => {
      const answer = await api.call(`/v1/deliveries/${deliveryId}`, { key });
      return answer.body.status === 'succeeded' && answer.body;
    });
    expect(delivery.webhookId).toBe(hook.id);
    expect(delivery.attempts.map((a: { responseStatus: number }) => a.responseStatus)).toEqual([500, 503, 200]);
    expect(delivery.attempts[0].requestHeaders['webhook-id']).toBe(deliveryId);
  });

  it('sends a signed ping for Test webhook and a redelivery with the same webhook-id', async () => {
    const doc = await createDocumentation('ping-e2e');
    const r = await receiver();
    const hook = await createWebhook(doc.slug, r.url());
    const test = await api.call(`/v1/webhooks/${hook.id}/test`, { method: 'POST', key });
    expect(test.status).toBe(202);
    await r.waitFor(1);
    expect(r.requests[0]!.headers['x-bump-event']).toBe('ping');
    expect(r.requests[0]!.headers['webhook-id']).toBe(test.body.deliveryId);
    expect(bumpCheck(hook.secret, r.requests[0]!.body, r.requests[0]!.headers['x-bump-signature-256'])).toBe(true);

    await waitUntil(async () => (await api.call(`/v1/deliveries/${test.body.deliveryId}`, { key })).body.status === 'succeeded');
    const again = await api.call(`/v1/deliveries/${test.body.deliveryId}/redeliver`, { method: 'POST', key });
    expect(again.status).toBe(202);
    await r.waitFor(2);
    expect(r.requests[1]!.headers['webhook-id']).toBe(test.body.deliveryId);
    const delivery = await waitUntil(async () => {
      const answer = await api.call(`/v1/deliveries/${test.body.deliveryId}`, { key });
      return answer.body.attempts.length === 2 && answer.body;
    });
    expect(delivery.attempts.map((a: { trigger: string }) => a.trigger)).toEqual(['scheduled', 'manual']);
  });

  it('signs webhook-signature with both secrets after a rotation; X-Bump-Signature-256 stays on the old one until activation', async () => {
    const doc = await createDocumentation('rotate-e2e');
    const r = await receiver();
    const hook = await createWebhook(doc.slug, r.url());
    const rotated = await api.call(`/v1/webhooks/${hook.id}/rotate-secret`, { method: 'POST', key });
    expect(rotated.status).toBe(200);
    await api.call(`/v1/documentations/${doc.slug}/events`, { method: 'POST', key, body: structureChange() });
    await r.waitFor(1);
    const request = r.requests[0]!;
    expect(String(request.headers['webhook-signature']).split(' ')).toHaveLength(2);
    // Receivers that still hold the old secret keep verifying, Bump receivers included.
    expect(() => new Webhook(hook.secret).verify(request.body, request.headers as Record<string, string>)).not.toThrow();
    expect(() => new Webhook(rotated.body.secret).verify(request.body, request.headers as Record<string, string>)).not.toThrow();
    expect(bumpCheck(hook.secret, request.body, request.headers['x-bump-signature-256'])).toBe(true);

    expect((await api.call(`/v1/webhooks/${hook.id}/activate-secret`, { method: 'POST', key })).status).toBe(200);
    // The worker drops its cached webhook on the announcement; allow it a moment to arrive.
    await new Promise((resolve) => setTimeout(resolve, 200));
    await api.call(`/v1/documentations/${doc.slug}/events`, { method: 'POST', key, body: structureChange() });
    await r.waitFor(2);
    const after = r.requests[1]!;
    expect(bumpCheck(rotated.body.secret, after.body, after.headers['x-bump-signature-256'])).toBe(true);
    expect(() => new Webhook(hook.secret).verify(after.body, after.headers as Record<string, string>)).not.toThrow();
  });

  it('sends nothing more after a webhook is deleted', async () => {
    const doc = await createDocumentation('delete-e2e');
    const r = await receiver(statusSequence(500));
    const hook = await createWebhook(doc.slug, r.url());
    const posted = await api.call(`/v1/documentations/${doc.slug}/events`, { method: 'POST', key, body: structureChange() });
    await r.waitFor(1);
    const deleted = await api.call(`/v1/webhooks/${hook.id}`, { method: 'DELETE', key });
    // On failure, the API's error lines say why.
    expect({ status: deleted.status, errors: deleted.status === 204 ? [] : api.logs.filter((line) => line.includes('"error"')) }).toEqual({ status: 204, errors: [] });
    const seen = r.requests.length;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(r.requests.length).toBe(seen);
    // The deleted webhook is gone from the API; its history stays in PostgreSQL, cancelled.
    expect((await api.call(`/v1/webhooks/${hook.id}`, { key })).status).toBe(404);
    const rows = await api.db.prisma.delivery.findMany({ where: { eventId: posted.body.id } });
    expect(rows.map((d) => [d.status, d.nextAttemptAt])).toEqual([['cancelled', null]]);
  });
});
