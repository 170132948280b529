import { uuidv7 } from '@hookline/db';
import { structureChange } from '../../../test/support/fixtures';
import { seedDocumentation, useTestApi, type TestApi } from './testing/harness';

let api: TestApi;
let key: string;

useTestApi((started) => ({ api, key } = started));

async function postEvents(documentationId: string, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const answer = await api.call(`/v1/documentations/${documentationId}/events`, { method: 'POST', key, body: structureChange() });
    ids.push(answer.body.id);
  }
  return ids;
}

describe('GET /v1/webhooks/{id}/deliveries', () => {
  it('pages 12 deliveries as 10 then 2, most recent first', async () => {
    const { documentation, webhooks } = await seedDocumentation(api, key);
    const eventIds = await postEvents(documentation.id, 12);
    const path = `/v1/webhooks/${webhooks[0]!.id}/deliveries`;

    const first = await api.call(path, { key });
    expect(first.status).toBe(200);
    expect(first.body.data).toHaveLength(10);
    expect(first.body.data.map((d: { eventId: string }) => d.eventId)).toEqual(eventIds.slice(2).reverse());
    expect(first.body.nextCursor).toBe(first.body.data[9].id);
    expect(first.body.data[0]).toEqual({
      id: expect.any(String),
      eventId: eventIds[11],
      event: 'documentation.structure_change',
      status: 'pending',
      attempts: 0,
      lastAttempt: null,
      nextAttemptAt: expect.any(String),
      createdAt: expect.any(String),
      // The event's one-line change summary: for a posted diff, its title.
      summary: 'Payments API',
    });

    const second = await api.call(`${path}?limit=10&cursor=${first.body.nextCursor}`, { key });
    expect(second.body.data.map((d: { eventId: string }) => d.eventId)).toEqual([eventIds[1], eventIds[0]]);
    expect(second.body.nextCursor).toBeNull();

    const empty = await api.call(`${path}?limit=10&cursor=`, { key });
    expect(empty.body.data.map((d: { id: string }) => d.id)).toEqual(first.body.data.map((d: { id: string }) => d.id));

    const small = await api.call(`${path}?limit=5`, { key });
    expect(small.body.data).toHaveLength(5);
  });

  it('rejects a bad limit or cursor with a 400 naming it', async () => {
    const { webhooks } = await seedDocumentation(api, key);
    const path = `/v1/webhooks/${webhooks[0]!.id}/deliveries`;
    for (const [query, field] of [
      ['limit=0', 'limit'],
      ['limit=101', 'limit'],
      ['limit=ten', 'limit'],
      ['limit=1.5', 'limit'],
      ['cursor=not-a-uuid', 'cursor'],
      ["cursor=1'%20OR%201=1", 'cursor'],
    ]) {
      const answer = await api.call(`${path}?${query}`, { key });
      expect({ query, status: answer.status, path: answer.body.errors?.[0]?.path }).toEqual({ query, status: 400, path: field });
    }
  });
});

describe('GET /v1/deliveries/{id}', () => {
  it('shows the request and every attempt, oldest first', async () => {
    const { documentation, webhooks } = await seedDocumentation(api, key);
    const [eventId] = await postEvents(documentation.id, 1);
    const delivery = await api.db.prisma.delivery.findFirstOrThrow({ where: { eventId } });
    const event = await api.db.prisma.event.findUniqueOrThrow({ where: { id: eventId } });
    // What the worker records after two attempts.
    const first = new Date(Date.now() - 60_000);
    const second = new Date(Date.now() - 1_000);
    await api.db.prisma.attempt.createMany({
      data: [
        { id: uuidv7(), deliveryId: delivery.id, trigger: 'scheduled', attemptedAt: second, requestHeaders: { 'webhook-id': delivery.id }, responseStatus: 200, responseHeaders: { 'content-type': 'text/plain' }, responseBody: 'ok', durationMs: 12 },
        { id: uuidv7(), deliveryId: delivery.id, trigger: 'scheduled', attemptedAt: first, requestHeaders: { 'webhook-id': delivery.id }, durationMs: 15000, errorKind: 'timeout', errorMessage: 'no answer within 15000 ms' },
      ],
    });
    await api.db.prisma.delivery.update({
      where: { id: delivery.id },
      data: { status: 'succeeded', attempts: 2, nextAttemptAt: null, lastAttemptAt: second, lastStatusCode: 200, lastDurationMs: 12, lastError: null },
    });

    const answer = await api.call(`/v1/deliveries/${delivery.id}`, { key });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      id: delivery.id,
      webhookId: webhooks[0]!.id,
      eventId,
      event: 'documentation.structure_change',
      status: 'succeeded',
      lastAttempt: { at: second.toISOString(), statusCode: 200, durationMs: 12, error: null },
      nextAttemptAt: null,
      request: { url: 'https://receiver.example.com/hooks', body: event.body },
    });
    expect(answer.body.attempts).toEqual([
      expect.objectContaining({ trigger: 'scheduled', at: first.toISOString(), responseStatus: null, durationMs: 15000, error: { kind: 'timeout', message: 'no answer within 15000 ms' } }),
      expect.objectContaining({ at: second.toISOString(), responseStatus: 200, responseHeaders: { 'content-type': 'text/plain' }, responseBody: 'ok', error: null, requestHeaders: { 'webhook-id': delivery.id } }),
    ]);

    const listed = await api.call(`/v1/webhooks/${webhooks[0]!.id}/deliveries`, { key });
    expect(listed.body.data[0]).toMatchObject({ id: delivery.id, attempts: 2, status: 'succeeded', lastAttempt: { statusCode: 200, durationMs: 12 } });
  });
});

describe('POST /v1/deliveries/{id}/redeliver', () => {
  it('queues a manual job for the same delivery', async () => {
    const { documentation } = await seedDocumentation(api, key);
    const [eventId] = await postEvents(documentation.id, 1);
    const delivery = await api.db.prisma.delivery.findFirstOrThrow({ where: { eventId } });
    const answer = await api.call(`/v1/deliveries/${delivery.id}/redeliver`, { method: 'POST', key });
    expect(answer.status).toBe(202);
    expect(answer.body).toEqual({ deliveryId: delivery.id });
    const jobs = await api.queue.getJobs(['waiting', 'delayed', 'prioritized']);
    const manual = jobs.filter((job) => job.data.deliveryId === delivery.id && job.data.manual === true);
    expect(manual).toHaveLength(1);
    expect(manual[0]!.id).toMatch(new RegExp(`^${delivery.id}\\.manual\\.`));
    expect(manual[0]!.data).toEqual({ deliveryId: delivery.id, webhookId: delivery.webhookId, eventId, manual: true });
  });

  it('redelivers to a disabled webhook, as the worker does: that is how an endpoint is checked before enabling it again', async () => {
    const { documentation, webhooks } = await seedDocumentation(api, key);
    const [eventId] = await postEvents(documentation.id, 1);
    const delivery = await api.db.prisma.delivery.findFirstOrThrow({ where: { eventId } });
    await api.call(`/v1/webhooks/${webhooks[0]!.id}`, { method: 'PATCH', key, body: { enabled: false } });
    const answer = await api.call(`/v1/deliveries/${delivery.id}/redeliver`, { method: 'POST', key });
    expect(answer.status).toBe(202);
    const jobs = await api.queue.getJobs(['waiting', 'delayed', 'prioritized']);
    expect(jobs.filter((job) => job.data.deliveryId === delivery.id && job.data.manual === true)).toHaveLength(1);
  });
});
