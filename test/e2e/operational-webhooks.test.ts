import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { startTestApi, type TestApi } from '../../apps/api/src/testing/harness';
import type { DeliveryWorker } from '../../apps/worker/src/delivery-worker';
import { structureChange } from '../support/fixtures';
import { Receiver, waitUntil, type ReceivedRequest } from '../support/receiver';
import { startTestWorker } from '../support/worker';

interface Notice {
  type: string;
  timestamp: string;
  data: { webhookId: string; url: string; documentation: { id: string; slug: string; name: string }; reason?: string | null; deliveryId?: string; failingSince?: string | null };
}

/**
 * An organization's operational endpoint hears about its webhooks in trouble,
 * through the real API, queue, worker and reconciler, signed and retried like
 * any delivery.
 */
describe('operational webhooks', () => {
  let api: TestApi;
  let worker: DeliveryWorker;
  let key: string;
  let otherKey: string;
  const receivers: Receiver[] = [];
  const receiver = async (respond?: ConstructorParameters<typeof Receiver>[0]) => {
    const r = new Receiver(respond);
    receivers.push(r);
    await r.start();
    return r;
  };

  beforeAll(async () => {
    api = await startTestApi();
    ({ apiKey: key } = await api.tenant());
    ({ apiKey: otherKey } = await api.tenant());
    // A fast reconciler, whose pass also announces failing and recovered webhooks; a long grace keeps it from re-enqueueing other tests' rows.
    worker = await startTestWorker(
      { db: api.db, secretBox: api.secretBox, prefix: api.prefix },
      { retrySchedule: [0.2], reconcileIntervalMs: 200, reconcileGraceMs: 3_600_000, operationalFailingAfterMs: 1_500 },
    );
  });

  afterAll(async () => {
    await worker?.close();
    await api?.close();
    await Promise.all(receivers.map((r) => r.stop()));
  });

  it('registers, lists and deletes an operational endpoint, per organization', async () => {
    const created = await api.call('/v1/operational-webhooks', { method: 'POST', key, body: { url: 'https://ops.example.test/hookline', description: 'pager' } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ url: 'https://ops.example.test/hookline', description: 'pager', enabled: true });
    expect(created.body.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(created.headers.get('location')).toBe(`/v1/operational-webhooks/${created.body.id}`);

    // The answer has exactly the documented shape.
    const spec = (await api.call('/openapi.json')).body;
    expect(Object.keys(created.body).sort()).toEqual(Object.keys(spec.components.schemas.OperationalWebhookCreated.properties).sort());
    expect(spec.webhooks['webhook.disabled'].post.requestBody.content['application/json'].schema.$ref).toBe('#/components/schemas/OperationalEvent_webhook_disabled');

    const bad = await api.call('/v1/operational-webhooks', { method: 'POST', key, body: { url: 'ftp://nope' } });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(bad.body.errors[0].path).toBe('url');
    expect((await api.call('/v1/operational-webhooks', { method: 'POST', key, body: { url: 'https://x.test', breakingOnly: true } })).status).toBe(400);

    const list = await api.call('/v1/operational-webhooks', { key });
    expect(list.body.data.map((w: { id: string }) => w.id)).toContain(created.body.id);
    expect(JSON.stringify(list.body)).not.toContain(created.body.secret);
    expect((await api.call('/v1/operational-webhooks', { key: otherKey })).body.data).toEqual([]);
    // Not a documentation's webhook: the webhook routes do not see it.
    expect((await api.call(`/v1/webhooks/${created.body.id}`, { key })).status).toBe(404);

    expect((await api.call(`/v1/operational-webhooks/${created.body.id}`, { method: 'DELETE', key: otherKey })).status).toBe(404);
    expect((await api.call(`/v1/operational-webhooks/${created.body.id}`, { method: 'DELETE', key })).status).toBe(204);
    expect((await api.call(`/v1/operational-webhooks/${created.body.id}`, { method: 'DELETE', key })).status).toBe(404);
    expect((await api.call('/v1/operational-webhooks', { key })).body.data.map((w: { id: string }) => w.id)).not.toContain(created.body.id);
  });

  it('sends webhook.disabled, delivery.exhausted, webhook.failing once, then webhook.recovered, signed, retried and recorded', async () => {
    let opsCalls = 0;
    // The operational endpoint fails its first request: that notice must be retried.
    const ops = await receiver((_req, res) => res.writeHead(opsCalls++ === 0 ? 500 : 200).end());
    const op = (await api.call('/v1/operational-webhooks', { method: 'POST', key, body: { url: ops.url('/ops') } })).body as { id: string; secret: string };
    // Another organization's operational endpoint hears nothing of this one's webhooks.
    const otherOps = await receiver();
    await api.call('/v1/operational-webhooks', { method: 'POST', key: otherKey, body: { url: otherOps.url('/other-ops') } });

    const slug = `ops-${randomBytes(4).toString('hex')}`;
    const doc = (await api.call('/v1/documentations', { method: 'POST', key, body: { slug, name: 'Ops API' } })).body as { id: string };
    let flakyStatus = 500;
    const endpoints = await receiver((req, res) => res.writeHead(req.path === '/gone' ? 410 : flakyStatus).end());
    const gone = (await api.call(`/v1/documentations/${slug}/webhooks`, { method: 'POST', key, body: { url: endpoints.url('/gone') } })).body as { id: string };
    const flaky = (await api.call(`/v1/documentations/${slug}/webhooks`, { method: 'POST', key, body: { url: endpoints.url('/flaky') } })).body as { id: string };
    expect((await api.call(`/v1/documentations/${slug}/events`, { method: 'POST', key, body: structureChange() })).status).toBe(202);

    const verified = (request: ReceivedRequest) => new Webhook(op.secret).verify(request.body, request.headers as Record<string, string>) as Notice;
    const notices = () => {
      // A retried notice arrives twice with one webhook-id.
      const byId = new Map(ops.requests.map((r) => [r.headers['webhook-id'] as string, r]));
      return [...byId.values()].map((r) => ({ request: r, notice: verified(r) }));
    };
    const find = (type: string, webhookId: string) => notices().find((n) => n.notice.type === type && n.notice.data.webhookId === webhookId);

    const disabled = await waitUntil(async () => find('webhook.disabled', gone.id), 15_000, 'webhook.disabled');
    expect(disabled.request.headers['x-bump-event']).toBe('webhook.disabled');
    expect(disabled.notice).toMatchObject({
      type: 'webhook.disabled',
      data: { webhookId: gone.id, url: endpoints.url('/gone'), documentation: { id: doc.id, slug, name: 'Ops API' }, reason: expect.stringContaining('410 Gone') },
    });
    expect(Date.parse(disabled.notice.timestamp)).toBeGreaterThan(Date.now() - 60_000);

    const exhausted = await waitUntil(async () => find('delivery.exhausted', flaky.id), 15_000, 'delivery.exhausted');
    const flakyDeliveries = (await api.call(`/v1/webhooks/${flaky.id}/deliveries`, { key })).body.data as Array<{ id: string; status: string }>;
    expect(exhausted.notice.data.deliveryId).toBe(flakyDeliveries[0]!.id);
    expect(flakyDeliveries[0]!.status).toBe('exhausted');

    const failing = await waitUntil(async () => find('webhook.failing', flaky.id), 15_000, 'webhook.failing');
    expect(failing.request.headers['x-bump-event']).toBe('webhook.failing');
    expect(Date.parse(failing.notice.data.failingSince!)).toBeLessThan(Date.parse(failing.notice.timestamp) - 1_000);
    // The gone webhook was disabled, not left failing: it gets no webhook.failing.
    expect(find('webhook.failing', gone.id)).toBeUndefined();

    // Several reconciler passes later, still one webhook.failing for this episode.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(notices().filter((n) => n.notice.type === 'webhook.failing' && n.notice.data.webhookId === flaky.id)).toHaveLength(1);

    // The endpoint is back: the next success ends the episode.
    flakyStatus = 200;
    expect((await api.call(`/v1/documentations/${slug}/events`, { method: 'POST', key, body: structureChange() })).status).toBe(202);
    const recovered = await waitUntil(async () => find('webhook.recovered', flaky.id), 15_000, 'webhook.recovered');
    expect(recovered.notice.data).toMatchObject({ webhookId: flaky.id, documentation: { slug } });

    // Each notice is a recorded delivery of an event of its type; the first one took two attempts.
    const firstId = ops.requests[0]!.headers['webhook-id'] as string;
    const first = await waitUntil(async () => {
      const answer = await api.call(`/v1/deliveries/${firstId}`, { key });
      return answer.body.status === 'succeeded' && answer.body;
    }, 10_000, 'the first notice to succeed');
    expect(first.event).toBe('webhook.disabled');
    expect(first.attempts.map((a: { responseStatus: number }) => a.responseStatus)).toEqual([500, 200]);
    expect(ops.requests.filter((r) => r.headers['webhook-id'] === firstId)).toHaveLength(2);
    expect(otherOps.requests).toHaveLength(0);
  });
});
