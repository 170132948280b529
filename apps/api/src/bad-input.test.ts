import { structureChange } from '../../../test/support/fixtures';
import { seedDocumentation, startTestApi, type TestApi } from './testing/harness';

let api: TestApi;
let key: string;
let documentationId: string;
let webhookId: string;

beforeAll(async () => {
  api = await startTestApi();
  key = (await api.tenant()).apiKey;
  const seeded = await seedDocumentation(api, key);
  documentationId = seeded.documentation.id;
  webhookId = seeded.webhooks[0]!.id;
});
afterAll(() => api.close());

const expectProblem = (answer: { status: number; headers: Headers; body: unknown }, status: number) => {
  expect(answer.status).toBe(status);
  expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(answer.body).toMatchObject({ type: expect.any(String), title: expect.any(String), status, detail: expect.any(String) });
};

describe('bad input is a 4xx problem, never a 5xx', () => {
  it('malformed JSON → 400', async () => {
    for (const body of ['{"slug": "a",', '{"diff": }', 'nul', '"just a string"']) {
      const answer = await api.call(`/v1/documentations/${documentationId}/events`, { method: 'POST', key, body });
      expectProblem(answer, 400);
    }
  });

  it('wrong types and unknown fields → 400 naming each field', async () => {
    const answer = await api.call('/v1/documentations', { method: 'POST', key, body: { slug: 42, name: ['x'], admin: true } });
    expectProblem(answer, 400);
    expect(answer.body.errors).toEqual(
      expect.arrayContaining([
        { path: 'slug', message: expect.any(String) },
        { path: 'name', message: expect.any(String) },
        { path: 'admin', message: 'is not a known field' },
      ]),
    );
    expect(answer.body.errors).toHaveLength(3);
  });

  it('a JSON array or null where an object is expected → 400', async () => {
    for (const body of ['[]', 'null', '[{"diff": {}}]']) {
      const answer = await api.call('/v1/documentations', { method: 'POST', key, body });
      expectProblem(answer, 400);
    }
  });

  it('missing diff and missing body → 400', async () => {
    const missing = await api.call(`/v1/documentations/${documentationId}/events`, { method: 'POST', key, body: {} });
    expectProblem(missing, 400);
    expect(missing.body.errors.map((e: { path: string }) => e.path)).toEqual(['diff']);
    const empty = await api.call(`/v1/documentations/${documentationId}/events`, { method: 'POST', key, headers: { 'content-type': 'application/json' } });
    expectProblem(empty, 400);
  });

  it('a body over 1 MiB → 413', async () => {
    const body = structureChange() as { diff: Record<string, unknown> };
    body.diff.padding = 'x'.repeat(1024 * 1024 + 1);
    const answer = await api.call(`/v1/documentations/${documentationId}/events`, { method: 'POST', key, body });
    expectProblem(answer, 413);
  });

  it('a diff nested thousands of levels deep → 400, not a stack overflow', async () => {
    const item = (children: string) => `{"id":"x","name":"x","status":"added","type":"property","breaking":false,"children":[${children}]}`;
    let nested = item('');
    for (let i = 0; i < 2000; i++) nested = item(nested);
    const body = JSON.stringify(structureChange()).replace('"details":[', `"details":[${nested},`);
    const answer = await api.call(`/v1/documentations/${documentationId}/events`, { method: 'POST', key, body });
    expectProblem(answer, 400);
    expect(answer.body.detail).toMatch(/nested/);
  });

  it('NUL characters, which PostgreSQL text cannot hold → 400/404, not 500', async () => {
    const name = await api.call('/v1/documentations', { method: 'POST', key, body: { slug: 'nul-test', name: 'a\u0000b' } });
    expectProblem(name, 400);
    expect(name.body.errors).toEqual([{ path: 'name', message: expect.stringContaining('NUL') }]);
    const body = structureChange() as { diff: Record<string, unknown> };
    body.diff.note = 'x\u0000y';
    expectProblem(await api.call(`/v1/documentations/${documentationId}/events`, { method: 'POST', key, body }), 400);
    expectProblem(await api.call('/v1/documentations/a%00b', { key }), 404);
    expectProblem(await api.call('/v1/documentations/a%00b/events', { method: 'POST', key, body: structureChange() }), 404);
  });

  it('a body that is not JSON → 415', async () => {
    const answer = await api.call('/v1/documentations', { method: 'POST', key, body: 'slug=a&name=b', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expectProblem(answer, 415);
    const text = await api.call(`/v1/webhooks/${webhookId}`, { method: 'PATCH', key, body: '{"enabled":true}', headers: { 'content-type': 'text/plain' } });
    expectProblem(text, 415);
    const latin = await api.call('/v1/documentations', { method: 'POST', key, body: '{}', headers: { 'content-type': 'application/json; charset=latin1' } });
    expectProblem(latin, 415);
  });

  it('a write without a body needs no Content-Type', async () => {
    const answer = await api.call(`/v1/webhooks/${webhookId}/rotate-secret`, { method: 'POST', key });
    expect(answer.status).toBe(200);
  });

  it('an unknown route → 404 problem; a known path with a method it lacks → 405 with Allow', async () => {
    expectProblem(await api.call('/v1/nothing-here', { key }), 404);
    expectProblem(await api.call('/nothing-here'), 404);
    const wrongMethod = await api.call('/v1/documentations', { method: 'PUT', key, body: {} });
    expectProblem(wrongMethod, 405);
    expect(wrongMethod.headers.get('allow')).toBe('POST, GET, HEAD');
  });

  it('a malformed percent-encoding in the path → 400, not 500', async () => {
    const answer = await api.call('/v1/webhooks/%E0%A4%A', { key });
    expectProblem(answer, 400);
  });

  it('an unexpected failure → 500 problem without internals, logged once', async () => {
    // A real failure, not a mock: this app's database pool is closed under it.
    const broken = await startTestApi();
    try {
      const tenant = await broken.tenant();
      await broken.call('/v1/documentations', { key: tenant.apiKey });
      await broken.db.close();
      const answer = await broken.call(`/v1/webhooks/${webhookId}`, { key: tenant.apiKey });
      expectProblem(answer, 500);
      expect(answer.body.detail).not.toMatch(/pool|end|prisma/i);
      expect(JSON.stringify(answer.body)).not.toMatch(/\bat \S+:\d+/);
      expect(broken.logs.filter((line) => line.includes('"level":"error"'))).toHaveLength(1);
    } finally {
      await broken.close();
    }
  });
});
