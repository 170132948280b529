import { structureChange } from '../../../test/support/fixtures';
import { seedDocumentation, startTestApi, type TestApi } from './testing/harness';

let api: TestApi;
let owner: string;
let stranger: string;
let ids: { documentationId: string; slug: string; webhookId: string; secret: string; eventId: string; deliveryId: string; apiKeyId: string };

beforeAll(async () => {
  api = await startTestApi();
  owner = (await api.tenant()).apiKey;
  stranger = (await api.tenant()).apiKey;
  const { documentation, webhooks } = await seedDocumentation(api, owner);
  const event = await api.call(`/v1/documentations/${documentation.id}/events`, { method: 'POST', key: owner, body: structureChange() });
  const delivery = await api.db.prisma.delivery.findFirstOrThrow({ where: { eventId: event.body.id } });
  const apiKey = await api.db.prisma.apiKey.findUniqueOrThrow({ where: { prefix: owner.split('_')[1]! } });
  ids = { documentationId: documentation.id, slug: documentation.slug, webhookId: webhooks[0]!.id, secret: webhooks[0]!.secret, eventId: event.body.id, deliveryId: delivery.id, apiKeyId: apiKey.id };
});
afterAll(() => api.close());

/** Every /v1 route, with a body where it takes one. */
const routes = (): Array<[string, string, unknown?]> => [
  ['POST', '/v1/documentations', { slug: 'x', name: 'x' }],
  ['GET', '/v1/documentations'],
  ['GET', `/v1/documentations/${ids.documentationId}`],
  ['GET', `/v1/documentations/${ids.slug}`],
  ['POST', `/v1/documentations/${ids.slug}/webhooks`, { url: 'https://evil.example.com' }],
  ['GET', `/v1/documentations/${ids.documentationId}/webhooks`],
  ['POST', `/v1/documentations/${ids.documentationId}/events`, structureChange()],
  ['GET', `/v1/events/${ids.eventId}`],
  ['GET', `/v1/webhooks/${ids.webhookId}`],
  ['PATCH', `/v1/webhooks/${ids.webhookId}`, { url: 'https://evil.example.com' }],
  ['GET', `/v1/webhooks/${ids.webhookId}/secret`],
  ['POST', `/v1/webhooks/${ids.webhookId}/rotate-secret`],
  ['POST', `/v1/webhooks/${ids.webhookId}/test`],
  ['GET', `/v1/webhooks/${ids.webhookId}/deliveries`],
  ['GET', `/v1/webhooks/${ids.webhookId}/stats`],
  ['GET', `/v1/deliveries/${ids.deliveryId}`],
  ['POST', `/v1/deliveries/${ids.deliveryId}/redeliver`],
  ['DELETE', `/v1/webhooks/${ids.webhookId}`],
  ['PATCH', `/v1/documentations/${ids.slug}`, { name: 'Taken over' }],
  ['DELETE', `/v1/api-keys/${ids.apiKeyId}`],
  ['DELETE', `/v1/documentations/${ids.documentationId}`],
];

describe('authentication', () => {
  it.each([
    ['no header', undefined],
    ['another scheme', 'Basic dXNlcjpwYXNz'],
    ['a malformed key', 'Bearer nope'],
    ['an unknown key of the right shape', 'Bearer hk_AAAAAAAAAAAA_bbbbbbbbbbbbbbbbbbbbbbbbbbbb'],
  ])('answers 401 with WWW-Authenticate on every /v1 route for %s', async (_label, authorization) => {
    for (const [method, path, body] of routes()) {
      const answer = await api.call(path, { method, body, headers: authorization ? { authorization } : {} });
      expect(`${method} ${path} ${answer.status}`).toBe(`${method} ${path} 401`);
      expect(answer.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(answer.body).toMatchObject({ type: expect.any(String), title: 'Unauthorized', status: 401, detail: expect.any(String) });
    }
  });

  it('trusts a successful lookup while cached, and never caches a failure', async () => {
    const tenant = await api.tenant();
    expect((await api.call('/v1/documentations', { key: tenant.apiKey })).status).toBe(200);
    const [, prefix] = /^hk_([A-Za-z0-9]{12})_/.exec(tenant.apiKey)!;
    await api.db.prisma.apiKey.update({ where: { prefix }, data: { revokedAt: new Date() } });
    // Still cached: a revocation behind the API's back is only seen when the entry expires (DELETE /v1/api-keys announces it).
    expect((await api.call('/v1/documentations', { key: tenant.apiKey })).status).toBe(200);
    const fresh = await api.tenant();
    expect((await api.call('/v1/documentations', { key: `${fresh.apiKey}x` })).status).toBe(401);
    expect((await api.call('/v1/documentations', { key: fresh.apiKey })).status).toBe(200);
  });
});

describe('tenancy', () => {
  it("answers 404 for every kind of another organization's resource and changes nothing", async () => {
    for (const [method, path, body] of routes().filter(([, path]) => path !== '/v1/documentations')) {
      const answer = await api.call(path, { method, key: stranger, body });
      expect(`${method} ${path} ${answer.status}`).toBe(`${method} ${path} 404`);
      expect(answer.body.status).toBe(404);
    }
    const mine = await api.call('/v1/documentations', { key: stranger });
    expect(mine.body.data).toEqual([]);

    const webhook = await api.call(`/v1/webhooks/${ids.webhookId}`, { key: owner });
    expect(webhook.status).toBe(200);
    expect(webhook.body.url).toBe('https://receiver.example.com/hooks');
    expect(webhook.body.previousSecretExpiresAt).toBeNull();
    expect((await api.call(`/v1/webhooks/${ids.webhookId}/secret`, { key: owner })).body.secret).toBe(ids.secret);
    expect(await api.db.prisma.event.count({ where: { documentationId: ids.documentationId } })).toBe(1);
    expect(await api.db.prisma.webhook.count({ where: { documentationId: ids.documentationId } })).toBe(1);
    expect((await api.call(`/v1/documentations/${ids.slug}`, { key: owner })).body.name).toBe('Payments API');
  });

  it('answers 404, not 500, for malformed ids in the path', async () => {
    for (const path of ['/v1/webhooks/not-a-uuid', '/v1/webhooks/123', '/v1/deliveries/zzz', '/v1/events/%27%3B--', '/v1/documentations/NOT_A_SLUG', '/v1/webhooks/not-a-uuid/deliveries']) {
      const answer = await api.call(path, { key: owner });
      expect(`${path} ${answer.status}`).toBe(`${path} 404`);
    }
    const patch = await api.call('/v1/webhooks/xyz', { method: 'PATCH', key: owner, body: { enabled: true } });
    expect(patch.status).toBe(404);
  });

  it('accepts an uppercase id as the same resource', async () => {
    const answer = await api.call(`/v1/webhooks/${ids.webhookId.toUpperCase()}`, { key: owner });
    expect(answer.status).toBe(200);
    expect(answer.body.id).toBe(ids.webhookId);
  });
});
