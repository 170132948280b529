import { seedDocumentation, startTestApi, type TestApi } from '../../apps/api/src/testing/harness';
import type { DeliveryWorker } from '../../apps/worker/src/delivery-worker';
import { structureChange } from '../support/fixtures';
import { Receiver, waitUntil } from '../support/receiver';
import { startTestWorker } from '../support/worker';

/** What the history shows is what happened: where each attempt went, and URLs as they are contacted. */
describe('history that tells the truth', () => {
  let api: TestApi;
  let worker: DeliveryWorker;
  let key: string;
  const receiver = new Receiver();

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

  it('keeps the URL each attempt was sent to after the webhook URL changes', async () => {
    const { documentation } = await seedDocumentation(api, key, []);
    const first = receiver.url('/first');
    const created = await api.call(`/v1/documentations/${documentation.slug}/webhooks`, { method: 'POST', key, body: { url: first } });
    const event = await api.call(`/v1/documentations/${documentation.slug}/events`, { method: 'POST', key, body: { diff: structureChange().diff } });
    const deliveryId: string = (await api.call(`/v1/events/${event.body.id}`, { key })).body.deliveries[0].id;
    await waitUntil(async () => (await api.call(`/v1/deliveries/${deliveryId}`, { key })).body.status === 'succeeded', 10_000, 'the delivery');

    const second = receiver.url('/second');
    expect((await api.call(`/v1/webhooks/${created.body.id}`, { method: 'PATCH', key, body: { url: second } })).status).toBe(200);
    const detail = await api.call(`/v1/deliveries/${deliveryId}`, { key });
    expect(detail.body.attempts[0].url).toBe(first);
    expect(detail.body.request.url).toBe(first);
    expect(receiver.requests.map((r) => r.path)).toEqual(['/first']);
  });

  it('stores and shows URLs as the WHATWG href the request goes to', async () => {
    const { documentation } = await seedDocumentation(api, key, []);
    const created = await api.call(`/v1/documentations/${documentation.slug}/webhooks`, { method: 'POST', key, body: { url: 'HTTPS://Hooks.Example.COM:443/a/./b/../c?x=1' } });
    expect(created.status).toBe(201);
    expect(created.body.url).toBe('https://hooks.example.com/a/c?x=1');
    expect((await api.call(`/v1/webhooks/${created.body.id}`, { key })).body.url).toBe('https://hooks.example.com/a/c?x=1');
    const patched = await api.call(`/v1/webhooks/${created.body.id}`, { method: 'PATCH', key, body: { url: 'https://hooks.example.com/caf\u00e9' } });
    expect(patched.body.url).toBe('https://hooks.example.com/caf%C3%A9');
  });

  it.each([
    ['a tab', 'https://hooks.example.com/o\tk'],
    ['a newline', 'http://127.0.0.\n40/'],
    ['a carriage return', 'https://hooks.example.com/\r/x'],
    ['right-to-left override', 'https://hooks.example.com/\u202egpj.exe'],
    ['a left-to-right mark', 'https://hooks.example\u200e.com/'],
    ['an isolate', 'https://hooks.example.com/\u2067x\u2069'],
    ['a C1 control', 'https://hooks.example.com/\u0085'],
  ])('refuses a URL with %s with a 400 naming the field', async (_what, url) => {
    const { documentation } = await seedDocumentation(api, key, []);
    const answer = await api.call(`/v1/documentations/${documentation.slug}/webhooks`, { method: 'POST', key, body: { url } });
    expect(answer.status).toBe(400);
    expect(answer.body.errors).toEqual([{ path: 'url', message: 'must not contain control or bidirectional formatting characters' }]);
    const doc = await api.call('/v1/documentations', { method: 'POST', key, body: { slug: `d-${Date.now().toString(36)}`, name: 'D', humanUrl: url } });
    expect(doc.status).toBe(400);
    expect(doc.body.errors[0].path).toBe('humanUrl');
  });
});
