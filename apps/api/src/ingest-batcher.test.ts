import { structureChange } from '../../../test/support/fixtures';
import { seedDocumentation, useTestApi, type TestApi } from './testing/harness';

describe('ingest of concurrent events (batched)', () => {
  let api: TestApi;
  let key: string;

  useTestApi((started) => ({ api, key } = started));

  it('answers 50 concurrent producers each with its own event, deliveries and jobs', async () => {
    const a = await seedDocumentation(api, key, [{}, { breakingOnly: true }]);
    const b = await seedDocumentation(api, key, [{}]);
    await api.call(`/v1/webhooks/${b.webhooks[0]!.id}`, { method: 'PATCH', key, body: { enabled: false } });
    const batchesBefore = await statementCount(api);

    const posts = Array.from({ length: 50 }, (_, i) => {
      const doc = i % 2 === 0 ? a.documentation : b.documentation;
      const diff = { ...structureChange().diff, title: `change ${i}`, breaking: i % 4 === 0 };
      return api.call(`/v1/documentations/${doc.slug}/events`, { method: 'POST', key, body: { diff } }).then((answer) => ({ i, answer }));
    });
    const answers = await Promise.all(posts);

    for (const { i, answer } of answers) {
      expect(answer.status).toBe(202);
      // a: the breaking-only webhook gets breaking changes only; b: its one webhook is disabled.
      expect(answer.body.deliveries).toBe(i % 2 === 1 ? 0 : i % 4 === 0 ? 2 : 1);
      const event = await api.call(`/v1/events/${answer.body.id}`, { key });
      expect(event.body.payload.diff.title).toBe(`change ${i}`);
      expect(event.body.deliveries).toHaveLength(answer.body.deliveries);
      for (const delivery of event.body.deliveries) {
        expect((await api.queue.getJob(delivery.id))?.data).toMatchObject({ deliveryId: delivery.id, eventId: answer.body.id });
      }
    }
    // Fewer INSERT statements than events: requests that arrived together shared one.
    expect((await statementCount(api)) - batchesBefore).toBeLessThan(50);
  });
});

/** Transactions that have written events so far: the rows one statement inserts share their xmin. */
async function statementCount(api: TestApi): Promise<number> {
  const { rows } = await api.db.pool.query(`SELECT count(DISTINCT xmin::text)::int AS n FROM events`);
  return rows[0].n;
}
