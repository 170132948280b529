import { structureChange } from '../../../test/support/fixtures';
import { seedDocumentation, startTestApi, unreachableQueue, unreachableRedis, type TestApi } from './testing/harness';

let api: TestApi;
let key: string;

beforeAll(async () => {
  api = await startTestApi({ quotas: { webhooksPerDocumentation: 2, eventsPerOrganizationPerMinute: 3, redeliveriesPerDeliveryPerHour: 2 } });
  key = (await api.tenant()).apiKey;
});
afterAll(() => api.close());

function expectQuotaProblem(answer: Awaited<ReturnType<TestApi['call']>>, quota: string, limit: number, maxRetryAfter: number) {
  expect(answer.status).toBe(429);
  expect(answer.headers.get('content-type')).toContain('application/problem+json');
  expect(answer.body).toMatchObject({ type: 'urn:hookline:problem:quota-exceeded', status: 429, quota, limit });
  expect(answer.body.detail).toContain(quota);
  const retryAfter = Number(answer.headers.get('retry-after'));
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(maxRetryAfter);
}

describe('quotas: 429, Retry-After and a problem naming the quota', () => {
  it('caps webhooks per documentation; deleting one makes room', async () => {
    const { documentation, webhooks } = await seedDocumentation(api, key, [{}, {}]);
    const third = await api.call(`/v1/documentations/${documentation.slug}/webhooks`, { method: 'POST', key, body: { url: 'https://receiver.example.com/3' } });
    expectQuotaProblem(third, 'webhooksPerDocumentation', 2, 60);
    expect((await api.call(`/v1/webhooks/${webhooks[0]!.id}`, { method: 'DELETE', key })).status).toBe(204);
    expect((await api.call(`/v1/documentations/${documentation.slug}/webhooks`, { method: 'POST', key, body: { url: 'https://receiver.example.com/3' } })).status).toBe(201);
  });

  it('caps events per organization per minute, for that organization only', async () => {
    const { documentation } = await seedDocumentation(api, key);
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await api.call(`/v1/documentations/${documentation.id}/events`, { method: 'POST', key, body: structureChange() }));
    expect(answers.slice(0, 3).map((a) => a.status)).toEqual([202, 202, 202]);
    expectQuotaProblem(answers[3]!, 'eventsPerOrganizationPerMinute', 3, 60);
    const other = (await api.tenant()).apiKey;
    const otherDoc = await seedDocumentation(api, other);
    expect((await api.call(`/v1/documentations/${otherDoc.documentation.id}/events`, { method: 'POST', key: other, body: structureChange() })).status).toBe(202);
  });

  it('caps manual redeliveries per delivery per hour', async () => {
    const tenant = (await api.tenant()).apiKey;
    const { documentation, webhooks } = await seedDocumentation(api, tenant);
    const event = await api.call(`/v1/documentations/${documentation.id}/events`, { method: 'POST', key: tenant, body: structureChange() });
    expect(event.status).toBe(202);
    const list = await api.call(`/v1/webhooks/${webhooks[0]!.id}/deliveries`, { key: tenant });
    const deliveryId = list.body.data[0].id as string;
    const redeliver = () => api.call(`/v1/deliveries/${deliveryId}/redeliver`, { method: 'POST', key: tenant });
    expect((await redeliver()).status).toBe(202);
    expect((await redeliver()).status).toBe(202);
    expectQuotaProblem(await redeliver(), 'redeliveriesPerDeliveryPerHour', 2, 3_600);
  });
});

describe('webhook limits: maxConcurrency and rateLimitPerSecond', () => {
  it('are validated on create and PATCH, and shown', async () => {
    const { documentation, webhooks } = await seedDocumentation(api, key);
    const id = webhooks[0]!.id;
    const shown = await api.call(`/v1/webhooks/${id}`, { key });
    expect(shown.body).toMatchObject({ maxConcurrency: null, rateLimitPerSecond: null });

    const patched = await api.call(`/v1/webhooks/${id}`, { method: 'PATCH', key, body: { maxConcurrency: 4, rateLimitPerSecond: 20 } });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ maxConcurrency: 4, rateLimitPerSecond: 20 });
    expect((await api.call(`/v1/webhooks/${id}`, { key })).body).toMatchObject({ maxConcurrency: 4, rateLimitPerSecond: 20 });
    expect((await api.call(`/v1/webhooks/${id}`, { method: 'PATCH', key, body: { maxConcurrency: null } })).body).toMatchObject({ maxConcurrency: null, rateLimitPerSecond: 20 });

    for (const [field, value, message] of [
      ['maxConcurrency', 0, 'must be at least 1'],
      ['maxConcurrency', 1.5, 'must be an integer'],
      ['maxConcurrency', 1001, 'must be at most 1000'],
      ['rateLimitPerSecond', -1, 'must be at least 1'],
      ['rateLimitPerSecond', '5', 'must be an integer'],
    ] as const) {
      const bad = await api.call(`/v1/webhooks/${id}`, { method: 'PATCH', key, body: { [field]: value } });
      expect(bad.status).toBe(400);
      expect(bad.body.errors).toEqual([{ path: field, message: expect.stringContaining(message) }]);
    }
    const created = await api.call(`/v1/documentations/${documentation.slug}/webhooks`, { method: 'POST', key, body: { url: 'https://receiver.example.com/x', maxConcurrency: 2, rateLimitPerSecond: 1 } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ maxConcurrency: 2, rateLimitPerSecond: 1 });
    const badCreate = await api.call(`/v1/documentations/${documentation.slug}/webhooks`, { method: 'POST', key, body: { url: 'https://receiver.example.com/y', maxConcurrency: 'many' } });
    expect(badCreate.status).toBe(400);
    expect(badCreate.body.errors[0].path).toBe('maxConcurrency');
  });
});

describe('quotas when Redis does not answer', () => {
  it('let the request through rather than refuse every tenant', async () => {
    const down = await startTestApi({ queue: unreachableQueue, appRedis: unreachableRedis, redisTimeoutMs: 300, quotas: { eventsPerOrganizationPerMinute: 1 } });
    try {
      const downKey = (await down.tenant()).apiKey;
      const { documentation } = await seedDocumentation(down, downKey);
      const statuses = [];
      for (let i = 0; i < 3; i++) statuses.push((await down.call(`/v1/documentations/${documentation.id}/events`, { method: 'POST', key: downKey, body: structureChange() })).status);
      expect(statuses).toEqual([202, 202, 202]);
    } finally {
      await down.close();
    }
  });
});
