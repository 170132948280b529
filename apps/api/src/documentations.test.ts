import { useTestApi, type TestApi } from './testing/harness';

let api: TestApi;
let key: string;

useTestApi((started) => ({ api, key } = started));

const slug = () => `docs-${Math.random().toString(36).slice(2, 10)}`;

describe('documentations', () => {
  it('creates, reads by id and by slug, and lists', async () => {
    const s = slug();
    const created = await api.call('/v1/documentations', { method: 'POST', key, body: { slug: s, name: 'Payments', description: 'Card payments', humanUrl: 'https://docs.example.com/payments' } });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe(`/v1/documentations/${created.body.id}`);
    expect(created.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      slug: s,
      name: 'Payments',
      description: 'Card payments',
      humanUrl: 'https://docs.example.com/payments',
      tags: [],
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });

    const byId = await api.call(`/v1/documentations/${created.body.id}`, { key });
    const bySlug = await api.call(`/v1/documentations/${s}`, { key });
    expect(byId.status).toBe(200);
    expect(bySlug.body).toEqual(byId.body);
    expect(byId.body).toEqual(created.body);

    const list = await api.call('/v1/documentations', { key });
    expect(list.status).toBe(200);
    expect(list.body.data.map((d: { slug: string }) => d.slug)).toContain(s);
    expect(list.body.nextCursor).toBeNull();
  });

  it('answers 409 for a slug already used in the organization, and allows it in another one', async () => {
    const s = slug();
    expect((await api.call('/v1/documentations', { method: 'POST', key, body: { slug: s, name: 'A' } })).status).toBe(201);
    const again = await api.call('/v1/documentations', { method: 'POST', key, body: { slug: s, name: 'B' } });
    expect(again.status).toBe(409);
    expect(again.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(again.body).toMatchObject({ status: 409, title: 'Conflict', detail: expect.stringContaining(s) });

    const other = await api.tenant();
    expect((await api.call('/v1/documentations', { method: 'POST', key: other.apiKey, body: { slug: s, name: 'C' } })).status).toBe(201);
  });

  it('finds a documentation whose slug looks like a uuid by that slug', async () => {
    const uuidSlug = '0190a3b2-1c2d-7e3f-8a9b-0c1d2e3f4a5b';
    const tenant = await api.tenant();
    const created = await api.call('/v1/documentations', { method: 'POST', key: tenant.apiKey, body: { slug: uuidSlug, name: 'Odd' } });
    expect(created.status).toBe(201);
    const found = await api.call(`/v1/documentations/${uuidSlug}`, { key: tenant.apiKey });
    expect(found.status).toBe(200);
    expect(found.body.id).toBe(created.body.id);
  });

  it('pages the list with limit and cursor', async () => {
    const tenant = await api.tenant();
    for (let i = 0; i < 3; i++) await api.call('/v1/documentations', { method: 'POST', key: tenant.apiKey, body: { slug: slug(), name: `D${i}` } });
    const first = await api.call('/v1/documentations?limit=2', { key: tenant.apiKey });
    expect(first.body.data).toHaveLength(2);
    expect(first.body.nextCursor).toBe(first.body.data[1].id);
    const second = await api.call(`/v1/documentations?limit=2&cursor=${first.body.nextCursor}`, { key: tenant.apiKey });
    expect(second.body.data.map((d: { name: string }) => d.name)).toEqual(['D2']);
    expect(second.body.nextCursor).toBeNull();
  });

  it('validates slug, name, description and humanUrl', async () => {
    const answer = await api.call('/v1/documentations', {
      method: 'POST',
      key,
      body: { slug: '-Bad Slug', name: '', description: 'x'.repeat(1001), humanUrl: 'ftp://example.com' },
    });
    expect(answer.status).toBe(400);
    const paths = answer.body.errors.map((e: { path: string }) => e.path).sort();
    expect(paths).toEqual(['description', 'humanUrl', 'name', 'slug']);
    const long = await api.call('/v1/documentations', { method: 'POST', key, body: { slug: 'a'.repeat(65), name: 'n'.repeat(201) } });
    expect(long.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['name', 'slug']);
  });
});
