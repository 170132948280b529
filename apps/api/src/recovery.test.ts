import { structureChange } from '../../../test/support/fixtures';
import { seedDocumentation, useTestApi, type TestApi } from './testing/harness';

describe('POST /v1/webhooks/{id}/recover', () => {
  let api: TestApi;
  let key: string;

  useTestApi((started) => ({ api, key } = started));

  const post = (path: string, body?: unknown) => api.call(path, { method: 'POST', key, body });
  const nonBreaking = () => ({ diff: { ...structureChange().diff, breaking: false } });

  it('counts first, refuses while disabled, then reopens failed deliveries and creates the missed ones', async () => {
    const { documentation, webhooks } = await seedDocumentation(api, key, [{}]);
    const webhookId = webhooks[0]!.id;
    const since = new Date(Date.now() - 60_000).toISOString();

    // Two deliveries that ran out of attempts…
    const first = await post(`/v1/documentations/${documentation.slug}/events`, structureChange());
    const second = await post(`/v1/documentations/${documentation.slug}/events`, nonBreaking());
    await api.db.pool.query(`UPDATE deliveries SET status = 'exhausted', next_attempt_at = NULL, attempts = 10 WHERE event_id = ANY($1::uuid[])`, [[first.body.id, second.body.id]]);
    // …then disabled (as the auto-disable would), with an event it never got.
    expect((await api.call(`/v1/webhooks/${webhookId}`, { method: 'PATCH', key, body: { enabled: false } })).status).toBe(200);
    const missed = await post(`/v1/documentations/${documentation.slug}/events`, structureChange());
    expect(missed.body.deliveries).toBe(0);

    const count = await post(`/v1/webhooks/${webhookId}/recover`, { since, dryRun: true });
    expect(count.status).toBe(200);
    expect(count.body).toMatchObject({ count: 3, failed: 2, missed: 1 });

    const refused = await post(`/v1/webhooks/${webhookId}/recover`, { since });
    expect(refused.status).toBe(409);
    expect(refused.headers.get('content-type')).toMatch(/application\/problem\+json/);

    await api.db.pool.query('UPDATE webhooks SET failing_since = now() WHERE id = $1', [webhookId]);
    const enabled = await api.call(`/v1/webhooks/${webhookId}`, { method: 'PATCH', key, body: { enabled: true } });
    expect(enabled.body).toMatchObject({ enabled: true, disabledReason: null });
    // Re-enabling restarts the auto-disable window.
    const { rows } = await api.db.pool.query('SELECT failing_since FROM webhooks WHERE id = $1', [webhookId]);
    expect(rows[0].failing_since).toBeNull();

    const recovered = await post(`/v1/webhooks/${webhookId}/recover`, { since });
    expect(recovered.status).toBe(202);
    expect(recovered.body.count).toBe(3);

    const deliveries = await api.db.prisma.delivery.findMany({ where: { webhookId }, orderBy: { id: 'asc' } });
    expect(deliveries.map((d) => [d.eventId, d.status])).toEqual([
      [first.body.id, 'pending'],
      [second.body.id, 'pending'],
      [missed.body.id, 'pending'],
    ]);
    // Reopened deliveries keep their id, so receivers dedupe on the same webhook-id.
    for (const delivery of deliveries) {
      const job = await api.queue.getJob(delivery.id);
      expect(job?.data).toMatchObject({ deliveryId: delivery.id, webhookId, eventId: delivery.eventId });
    }
    // Nothing left to recover.
    expect((await post(`/v1/webhooks/${webhookId}/recover`, { since, dryRun: true })).body.count).toBe(0);
  });

  it('skips non-breaking missed events for a breaking-only webhook', async () => {
    const { documentation, webhooks } = await seedDocumentation(api, key, [{ breakingOnly: true }]);
    const since = new Date(Date.now() - 1_000).toISOString();
    await api.call(`/v1/webhooks/${webhooks[0]!.id}`, { method: 'PATCH', key, body: { enabled: false } });
    await post(`/v1/documentations/${documentation.slug}/events`, nonBreaking());
    await post(`/v1/documentations/${documentation.slug}/events`, structureChange());
    expect((await post(`/v1/webhooks/${webhooks[0]!.id}/recover`, { since, dryRun: true })).body).toMatchObject({ missed: 1 });
  });

  it.each([
    [{}, 'since'],
    [{ since: 'yesterday' }, 'since'],
    [{ since: new Date(Date.now() + 3_600_000).toISOString() }, 'since'],
    [{ since: new Date().toISOString(), dryRun: 'yes' }, 'dryRun'],
    [{ since: new Date().toISOString(), extra: 1 }, ''],
  ])('answers 400 naming the field for %j', async (body, field) => {
    const { webhooks } = await seedDocumentation(api, key, [{}]);
    const answer = await post(`/v1/webhooks/${webhooks[0]!.id}/recover`, body);
    expect(answer.status).toBe(400);
    expect(JSON.stringify(answer.body.errors)).toContain(field);
  });

  it('is 404 for another organization', async () => {
    const { webhooks } = await seedDocumentation(api, key, [{}]);
    const other = await api.tenant();
    const answer = await api.call(`/v1/webhooks/${webhooks[0]!.id}/recover`, { method: 'POST', key: other.apiKey, body: { since: new Date().toISOString(), dryRun: true } });
    expect(answer.status).toBe(404);
  });
});
