import { uuidv7 } from '@hookline/db';
import { structureChange } from '../support/fixtures';
import { seedDocumentation, startTestApi, type TestApi } from '../../apps/api/src/testing/harness';

/**
 * Text PostgreSQL's json refuses cannot come in any more, but events stored
 * before it was refused still exist: recovery must not need to parse them.
 */
describe('stored bodies that are not valid json', () => {
  let api: TestApi;
  let key: string;

  beforeAll(async () => {
    api = await startTestApi();
    key = (await api.tenant()).apiKey;
  });
  afterAll(() => api.close());

  it('leaves recovery of a breaking-only webhook working', async () => {
    const { documentation, webhooks } = await seedDocumentation(api, key, [{ breakingOnly: true }]);
    const organizationId = (await api.db.prisma.documentation.findUniqueOrThrow({ where: { id: documentation.id } })).organizationId;
    const since = new Date(Date.now() - 60_000);
    // What ingest stored before lone surrogates were refused: valid text, refused by ::jsonb (22P02).
    await api.db.pool.query(
      `INSERT INTO events (id, organization_id, documentation_id, type, body, breaking, created_at) VALUES ($1, $2, $3, 'documentation.structure_change', $4, true, now())`,
      [uuidv7(), organizationId, documentation.id, '{"api":{},"diff":{"breaking":true,"title":"\\ud800"}}'],
    );
    await api.db.pool.query(
      `INSERT INTO events (id, organization_id, documentation_id, type, body, breaking, created_at) VALUES ($1, $2, $3, 'documentation.structure_change', $4, false, now())`,
      [uuidv7(), organizationId, documentation.id, '{"api":{},"diff":{"breaking":false}}'],
    );
    const dry = await api.call(`/v1/webhooks/${webhooks[0]!.id}/recover`, { method: 'POST', key, body: { since: since.toISOString(), dryRun: true } });
    expect(dry.status).toBe(200);
    expect(dry.body).toMatchObject({ missed: 1, failed: 0 });
    const real = await api.call(`/v1/webhooks/${webhooks[0]!.id}/recover`, { method: 'POST', key, body: { since: since.toISOString() } });
    expect(real.status).toBe(202);
    expect(real.body.count).toBe(1);
  });

  it('stores diff.breaking at ingest', async () => {
    const { documentation } = await seedDocumentation(api, key, []);
    const sent = await api.call(`/v1/documentations/${documentation.slug}/events`, { method: 'POST', key, body: { diff: { ...structureChange().diff, breaking: true } } });
    expect(sent.status).toBe(202);
    const row = await api.db.prisma.event.findUniqueOrThrow({ where: { id: sent.body.id } });
    expect(row.breaking).toBe(true);
  });
});
