import { createHmac, timingSafeEqual } from 'node:crypto';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { seedDocumentation, startTestApi, type TestApi } from '../../apps/api/src/testing/harness';
import type { DeliveryWorker } from '../../apps/worker/src/delivery-worker';
import { structureChange } from '../support/fixtures';
import { Receiver, waitUntil } from '../support/receiver';
import { startTestWorker } from '../support/worker';

/**
 * The documented rotation procedure, followed by both kinds of receiver at
 * once, with zero failed deliveries:
 * - a Bump receiver: one secret, `"sha256=" + hex HMAC` compared in constant
 *   time (what Bump's Ruby example does), switched only at activation;
 * - a Standard Webhooks receiver (the `standardwebhooks` library), switched
 *   at any time during the overlap.
 */
function bumpCheck(secret: string, body: string, header: string | string[] | undefined): boolean {
  // Ruby: Rack::Utils.secure_compare("sha256=" + OpenSSL::HMAC.hexdigest("SHA256", secret, body), header)
  const expected = Buffer.from('sha256=' + createHmac('sha256', secret).update(body).digest('hex'));
  const given = Buffer.from(typeof header === 'string' ? header : '');
  return expected.length === given.length && timingSafeEqual(expected, given);
}

function standardCheck(secret: string, body: string, headers: Record<string, string | string[] | undefined>): boolean {
  try {
    new StandardWebhook(secret).verify(body, headers as Record<string, string>);
    return true;
  } catch {
    return false;
  }
}

describe('staged secret rotation', () => {
  let api: TestApi;
  let worker: DeliveryWorker;
  let key: string;
  const held = { bump: '', standard: '' };
  const failures: string[] = [];
  const receiver = new Receiver((req, res) => {
    const bumpOk = bumpCheck(held.bump, req.body, req.headers['x-bump-signature-256']);
    const standardOk = standardCheck(held.standard, req.body, req.headers);
    if (!bumpOk) failures.push(`bump check failed on ${req.headers['webhook-id']}`);
    if (!standardOk) failures.push(`standard check failed on ${req.headers['webhook-id']}`);
    res.writeHead(bumpOk && standardOk ? 200 : 401).end();
  });

  beforeAll(async () => {
    api = await startTestApi();
    key = (await api.tenant()).apiKey;
    await receiver.start();
    worker = await startTestWorker({ db: api.db, secretBox: api.secretBox, prefix: api.prefix });
  });

  afterAll(async () => {
    await worker?.close();
    await receiver.stop();
    await api?.close();
  });

  it('keeps both kinds of receiver verifying through rotate, switch, activate', async () => {
    const { documentation } = await seedDocumentation(api, key, []);
    const created = await api.call(`/v1/documentations/${documentation.slug}/webhooks`, { method: 'POST', key, body: { url: receiver.url() } });
    expect(created.status).toBe(201);
    const id: string = created.body.id;
    held.bump = held.standard = created.body.secret;

    const deliveryIds: string[] = [];
    const deliverOne = async () => {
      const sent = receiver.requests.length;
      const event = await api.call(`/v1/documentations/${documentation.slug}/events`, { method: 'POST', key, body: { diff: structureChange().diff } });
      expect(event.status).toBe(202);
      await receiver.waitFor(sent + 1);
      const detail = await api.call(`/v1/events/${event.body.id}`, { key });
      const deliveryId: string = detail.body.deliveries[0].id;
      deliveryIds.push(deliveryId);
      await waitUntil(async () => (await api.call(`/v1/deliveries/${deliveryId}`, { key })).body.status === 'succeeded', 10_000, 'the delivery to succeed');
    };

    await deliverOne();

    // 1. Rotate: the next secret is shown once; nothing changes for either receiver yet.
    const rotated = await api.call(`/v1/webhooks/${id}/rotate-secret`, { method: 'POST', key });
    expect(rotated.status).toBe(200);
    expect(rotated.headers.get('cache-control')).toBe('no-store');
    const next: string = rotated.body.secret;
    const during = await api.call(`/v1/webhooks/${id}`, { key });
    expect(during.body.bumpSwitchesAt).toBe(during.body.previousSecretExpiresAt);
    expect(Date.parse(during.body.bumpSwitchesAt) - Date.now()).toBeGreaterThan(23.9 * 3600_000);
    await deliverOne();
    const duringRequest = receiver.requests.at(-1)!;
    expect(String(duringRequest.headers['webhook-signature']).split(' ')).toHaveLength(2);

    // 2. Standard Webhooks receivers switch whenever they like during the overlap.
    held.standard = next;
    await deliverOne();

    // 3. A rotation while one waits for activation is refused: it would drop the secret Bump receivers have.
    const again = await api.call(`/v1/webhooks/${id}/rotate-secret`, { method: 'POST', key });
    expect(again.status).toBe(409);
    expect(again.headers.get('content-type')).toMatch(/application\/problem\+json/);

    // 4. Bump receivers: put the new secret in, then activate.
    held.bump = next;
    const activated = await api.call(`/v1/webhooks/${id}/activate-secret`, { method: 'POST', key });
    expect(activated.status).toBe(200);
    expect(activated.body.bumpSwitchesAt).toBeNull();
    expect(activated.body.previousSecretExpiresAt).not.toBeNull();
    // The worker drops its cached webhook on the announcement; allow it a moment to arrive.
    await new Promise((resolve) => setTimeout(resolve, 200));
    await deliverOne();
    expect((await api.call(`/v1/webhooks/${id}/activate-secret`, { method: 'POST', key })).status).toBe(409);

    expect(failures).toEqual([]);
    for (const deliveryId of deliveryIds) {
      const detail = await api.call(`/v1/deliveries/${deliveryId}`, { key });
      expect({ status: detail.body.status, attempts: detail.body.attemptCount }).toEqual({ status: 'succeeded', attempts: 1 });
    }
  }, 60_000);

  it('refuses concurrent rotations with 409: one next secret, and it is the one that signs', async () => {
    const { webhooks } = await seedDocumentation(api, key);
    const id = webhooks[0]!.id;
    const answers = await Promise.all(Array.from({ length: 6 }, () => api.call(`/v1/webhooks/${id}/rotate-secret`, { method: 'POST', key })));
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses).toEqual([200, 409, 409, 409, 409, 409]);
    const winner = answers.find((a) => a.status === 200)!.body.secret;
    expect((await api.call(`/v1/webhooks/${id}/secret`, { key })).body).toEqual({ secret: winner });
  });
});
