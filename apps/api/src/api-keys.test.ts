import { scopesFor } from './middleware/scopes';
import { seedDocumentation, startTestApi, type TestApi } from './testing/harness';
import { structureChange } from '../../../test/support/fixtures';

let a: TestApi;
let b: TestApi;
let admin: string;

// Two API processes of one deployment: separate caches and pools, one PostgreSQL, one Redis, one prefix.
beforeAll(async () => {
  a = await startTestApi();
  b = await startTestApi({ prefix: a.prefix });
  admin = (await a.tenant()).apiKey;
});
afterAll(async () => {
  await b.close();
  await a.close();
});

const createKey = async (scopes: string[], name = 'ci') => {
  const answer = await a.call('/v1/api-keys', { method: 'POST', key: admin, body: { name, scopes } });
  if (answer.status !== 201) throw new Error(`create key: ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body as { id: string; secret: string; prefix: string };
};

async function until(check: () => Promise<boolean>, timeoutMs: number): Promise<number> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error(`not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return Date.now() - started;
}

describe('API keys', () => {
  it('shows the secret once, uncacheable, and lists keys without secrets', async () => {
    const created = await a.call('/v1/api-keys', { method: 'POST', key: admin, body: { name: 'deploys', scopes: ['events:write'] } });
    expect(created.status).toBe(201);
    expect(created.headers.get('cache-control')).toBe('no-store');
    expect(created.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      name: 'deploys',
      prefix: expect.stringMatching(/^[A-Za-z0-9]{12}$/),
      scopes: ['events:write'],
      createdAt: expect.any(String),
      lastUsedAt: null,
      secret: expect.stringMatching(/^hk_[A-Za-z0-9]{12}_[A-Za-z0-9_-]{20,}$/),
    });
    expect(created.body.secret.split('_')[1]).toBe(created.body.prefix);

    const list = await a.call('/v1/api-keys', { key: admin });
    expect(list.status).toBe(200);
    const listed = list.body.data.find((key: { id: string }) => key.id === created.body.id);
    expect(listed).toEqual({ id: created.body.id, name: 'deploys', prefix: created.body.prefix, scopes: ['events:write'], createdAt: created.body.createdAt, lastUsedAt: null });
    expect(JSON.stringify(list.body)).not.toContain(created.body.secret);
    // The key used for this request (made with the default scope, like the bootstrap key) is listed as admin.
    expect(list.body.data.some((key: { scopes: string[] }) => key.scopes.includes('admin'))).toBe(true);
  });

  it('records when a key was last used, without a write per request', async () => {
    const key = await createKey(['read']);
    const before = Date.now();
    for (let i = 0; i < 5; i++) expect((await b.call('/v1/documentations', { key: key.secret })).status).toBe(200);
    let lastUsedAt: string | null = null;
    await until(async () => {
      const row = await a.db.prisma.apiKey.findUniqueOrThrow({ where: { id: key.id } });
      lastUsedAt = row.lastUsedAt?.toISOString() ?? null;
      return lastUsedAt !== null;
    }, 5_000);
    expect(new Date(lastUsedAt!).getTime()).toBeGreaterThanOrEqual(before - 1_000);
    // Five requests, one write: later requests within the minute leave the timestamp as it was.
    for (let i = 0; i < 3; i++) await b.call('/v1/documentations', { key: key.secret });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const row = await a.db.prisma.apiKey.findUniqueOrThrow({ where: { id: key.id } });
    expect(row.lastUsedAt?.toISOString()).toBe(lastUsedAt);
    const listed = (await a.call('/v1/api-keys', { key: admin })).body.data.find((k: { id: string }) => k.id === key.id);
    expect(listed.lastUsedAt).toBe(lastUsedAt);
  });

  it('refuses bad input, naming the field', async () => {
    for (const [body, path] of [
      [{ name: 'x', scopes: ['write'] }, 'scopes.0'],
      [{ name: 'x', scopes: [] }, 'scopes'],
      [{ name: 'x', scopes: ['read', 'read'] }, 'scopes'],
      [{ name: '', scopes: ['read'] }, 'name'],
      [{ scopes: ['read'] }, 'name'],
      [{ name: 'x', scopes: ['read'], secret: 'mine' }, 'secret'],
    ] as const) {
      const answer = await a.call('/v1/api-keys', { method: 'POST', key: admin, body });
      expect({ body, status: answer.status, paths: answer.body.errors?.map((e: { path: string }) => e.path) }).toEqual({ body, status: 400, paths: [path] });
    }
  });

  it('enforces scopes with a 403 naming the missing one, and keeps 404 across organizations', async () => {
    const { documentation, webhooks } = await seedDocumentation(a, admin);
    const producer = await createKey(['events:write']);
    const reader = await createKey(['read']);
    const events = `/v1/documentations/${documentation.slug}/events`;

    expect((await a.call(events, { method: 'POST', key: producer.secret, body: structureChange() })).status).toBe(202);
    const forbidden = [
      [producer.secret, 'GET', '/v1/documentations', 'read'],
      [producer.secret, 'POST', '/v1/documentations', 'admin'],
      [producer.secret, 'DELETE', `/v1/webhooks/${webhooks[0]!.id}`, 'admin'],
      [reader.secret, 'POST', events, 'events:write'],
      [reader.secret, 'PATCH', `/v1/webhooks/${webhooks[0]!.id}`, 'admin'],
      [reader.secret, 'GET', `/v1/webhooks/${webhooks[0]!.id}/secret`, 'admin'],
      [reader.secret, 'GET', '/v1/api-keys', 'admin'],
      [reader.secret, 'POST', '/v1/api-keys', 'admin'],
    ] as const;
    for (const [key, method, path, scope] of forbidden) {
      const answer = await a.call(path, { method, key, body: method === 'GET' || method === 'DELETE' ? undefined : { name: 'x', scopes: ['admin'] } });
      expect({ method, path, status: answer.status }).toEqual({ method, path, status: 403 });
      expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(answer.body.detail).toContain(`"${scope}"`);
    }
    expect((await a.call(`/v1/webhooks/${webhooks[0]!.id}`, { key: reader.secret })).status).toBe(200);
    expect((await a.call(`/v1/webhooks/${webhooks[0]!.id}/deliveries`, { key: reader.secret })).status).toBe(200);
    expect((await a.call('/v1/deliveries', { key: reader.secret })).status).toBe(200);

    // A read key of another organization: 404, not 403, for this organization's resources.
    const stranger = await a.tenant();
    const strangerReader = (await a.call('/v1/api-keys', { method: 'POST', key: stranger.apiKey, body: { name: 'r', scopes: ['read'] } })).body.secret;
    expect((await a.call(`/v1/webhooks/${webhooks[0]!.id}`, { key: strangerReader })).status).toBe(404);
    expect((await a.call(`/v1/documentations/${documentation.id}`, { key: strangerReader })).status).toBe(404);
    // Nor can an admin of another organization revoke this organization's key.
    expect((await a.call(`/v1/api-keys/${reader.id}`, { method: 'DELETE', key: stranger.apiKey })).status).toBe(404);
    expect((await a.call('/v1/documentations', { key: reader.secret })).status).toBe(200);
  });

  it('covers deploying versions with events:write through the rule table', () => {
    expect(scopesFor('POST', '/v1/documentations/payments/versions')).toEqual(['events:write']);
    expect(scopesFor('POST', '/v1/documentations/payments/events')).toEqual(['events:write']);
    expect(scopesFor('GET', '/v1/versions/0190a000-0000-7000-8000-000000000000')).toEqual(['events:write', 'read']);
    expect(scopesFor('GET', '/v1/versions/0190a000-0000-7000-8000-000000000000/definition')).toEqual(['events:write', 'read']);
    // A preview notifies nobody: the CI key may print one on a pull request.
    expect(scopesFor('POST', '/v1/diffs')).toEqual(['events:write', 'read']);
    expect(scopesFor('GET', '/v1/webhooks/x/deliveries')).toEqual(['read']);
    expect(scopesFor('POST', '/v1/webhooks/x/test')).toEqual([]);
    expect(scopesFor('DELETE', '/v1/documentations/payments')).toEqual([]);
  });

  it('revokes a key on every API process within a second', async () => {
    const key = await createKey(['read']);
    // Cached on both processes.
    expect((await a.call('/v1/documentations', { key: key.secret })).status).toBe(200);
    expect((await b.call('/v1/documentations', { key: key.secret })).status).toBe(200);

    // Without the announcement B would still trust it: a revocation written behind the API's back stays cached.
    const other = await createKey(['read']);
    expect((await b.call('/v1/documentations', { key: other.secret })).status).toBe(200);
    await a.db.prisma.apiKey.update({ where: { id: other.id }, data: { revokedAt: new Date() } });
    expect((await b.call('/v1/documentations', { key: other.secret })).status).toBe(200);

    const revoked = await a.call(`/v1/api-keys/${key.id}`, { method: 'DELETE', key: admin });
    expect(revoked.status).toBe(204);
    expect((await a.call('/v1/documentations', { key: key.secret })).status).toBe(401);
    const elapsed = await until(async () => (await b.call('/v1/documentations', { key: key.secret })).status === 401, 1_000);
    expect(elapsed).toBeLessThan(1_000);
    expect((await a.call(`/v1/api-keys/${key.id}`, { method: 'DELETE', key: admin })).status).toBe(404);
    const list = await a.call('/v1/api-keys', { key: admin });
    expect(list.body.data.map((k: { id: string }) => k.id)).not.toContain(key.id);
  });
});
