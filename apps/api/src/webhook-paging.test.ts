import { seedDocumentation, startTestApi, type TestApi } from './testing/harness';

let api: TestApi;
let key: string;

beforeAll(async () => {
  api = await startTestApi();
  key = (await api.tenant()).apiKey;
});
afterAll(() => api.close());

describe('GET /v1/documentations/{idOrSlug}/webhooks', () => {
  it('pages with limit and cursor, oldest first; without them, all of a documentation under the default quota', async () => {
    const { documentation, webhooks } = await seedDocumentation(api, key, [{}, {}, {}, {}, {}]);
    const ids = webhooks.map((w) => w.id);
    const all = await api.call(`/v1/documentations/${documentation.slug}/webhooks`, { key });
    expect(all.status).toBe(200);
    expect(all.body.data.map((w: { id: string }) => w.id)).toEqual(ids);
    expect(all.body.nextCursor).toBeNull();

    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = `?limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const page = await api.call(`/v1/documentations/${documentation.slug}/webhooks${query}`, { key });
      expect(page.status).toBe(200);
      expect(page.body.data.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.data.map((w: { id: string }) => w.id));
      cursor = page.body.nextCursor;
      pages += 1;
    } while (cursor);
    expect(seen).toEqual(ids);
    expect(pages).toBe(3);
  });

  it('names a bad limit or cursor in a 400', async () => {
    const { documentation } = await seedDocumentation(api, key, []);
    for (const [query, path] of [['?limit=0', 'limit'], ['?limit=101', 'limit'], ['?cursor=nope', 'cursor']]) {
      const answer = await api.call(`/v1/documentations/${documentation.slug}/webhooks${query}`, { key });
      expect({ status: answer.status, paths: answer.body.errors?.map((e: { path: string }) => e.path) }).toEqual({ status: 400, paths: [path] });
    }
  });
});
