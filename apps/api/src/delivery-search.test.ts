import { explainDeliverySearch, uuidv7 } from '@hookline/db';
import { structureChange } from '../../../test/support/fixtures';
import { seedDocumentation, startTestApi, type TestApi } from './testing/harness';

let api: TestApi;
let key: string;
let organizationId: string;

beforeAll(async () => {
  api = await startTestApi();
  const tenant = await api.tenant();
  key = tenant.apiKey;
  organizationId = tenant.organizationId;
});
afterAll(() => api.close());

const ids = (answer: { body: { data: Array<{ id: string }> } }) => answer.body.data.map((d) => d.id);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function post(slug: string): Promise<string> {
  const answer = await api.call(`/v1/documentations/${slug}/events`, { method: 'POST', key, body: structureChange() });
  if (answer.status !== 202) throw new Error(`event: ${answer.status}`);
  return answer.body.id;
}

/** What a worker would have written, set directly: no receiver needed to search. */
async function settle(deliveryId: string, status: string, code: number | null) {
  await api.db.pool.query(`UPDATE deliveries SET status = $2, last_status_code = $3, last_attempt_at = now(), attempts = 1 WHERE id = $1`, [deliveryId, status, code]);
}

describe('delivery search', () => {
  let all: Array<{ id: string; eventId: string; webhookId: string }>;
  let webhookA: string;
  let eventIds: string[];
  let boundary: string;

  beforeAll(async () => {
    const { documentation, webhooks } = await seedDocumentation(api, key, [{}, {}]);
    webhookA = webhooks[0]!.id;
    eventIds = [await post(documentation.slug), await post(documentation.slug)];
    await sleep(15);
    boundary = new Date().toISOString();
    await sleep(15);
    eventIds.push(await post(documentation.slug));
    const ping = await api.call(`/v1/webhooks/${webhookA}/test`, { method: 'POST', key });
    eventIds.push(ping.body.eventId);
    const { rows } = await api.db.pool.query(
      'SELECT id, event_id AS "eventId", webhook_id AS "webhookId" FROM deliveries WHERE event_id = ANY($1::uuid[]) ORDER BY id DESC',
      [eventIds],
    );
    all = rows;
    expect(all).toHaveLength(7);
    // Newest first: ping(A), e3(B), e3(A), e2(B), e2(A), e1(B), e1(A) — in some order within an event.
    const byEvent = (i: number) => all.filter((d) => d.eventId === eventIds[i]);
    await settle(byEvent(0)[0]!.id, 'succeeded', 200);
    await settle(byEvent(0)[1]!.id, 'exhausted', 500);
    await settle(byEvent(1)[0]!.id, 'retrying', 404);
    await settle(byEvent(1)[1]!.id, 'succeeded', 204);
    await settle(byEvent(3)[0]!.id, 'exhausted', 410);
  });

  it('lists every delivery of the organization, most recent first, with its webhook', async () => {
    const answer = await api.call('/v1/deliveries?limit=100', { key });
    expect(answer.status).toBe(200);
    expect(ids(answer)).toEqual(all.map((d) => d.id));
    expect(answer.body.data[0]).toMatchObject({ id: all[0]!.id, webhookId: all[0]!.webhookId, eventId: all[0]!.eventId, event: expect.any(String) });
    const stranger = (await api.tenant()).apiKey;
    expect((await api.call('/v1/deliveries', { key: stranger })).body.data).toEqual([]);
  });

  it('filters by several statuses, comma-separated or repeated', async () => {
    const expected = all.filter((_, i) => i >= 0).map((d) => d.id);
    const { rows } = await api.db.pool.query("SELECT id FROM deliveries WHERE id = ANY($1::uuid[]) AND status IN ('exhausted', 'retrying') ORDER BY id DESC", [expected]);
    const comma = await api.call('/v1/deliveries?status=exhausted,retrying', { key });
    const repeated = await api.call('/v1/deliveries?status=exhausted&status=retrying', { key });
    expect(ids(comma)).toEqual(rows.map((r) => r.id));
    expect(ids(repeated)).toEqual(ids(comma));
    expect(ids(comma)).toHaveLength(3);
    expect(comma.body.data.every((d: { status: string }) => d.status === 'exhausted' || d.status === 'retrying')).toBe(true);
  });

  it('filters by event type, HTTP status class or code, event id and delivery id', async () => {
    const ping = await api.call('/v1/deliveries?eventType=ping', { key });
    expect(ping.body.data.map((d: { eventId: string }) => d.eventId)).toEqual([eventIds[3]]);
    const fourxx = await api.call('/v1/deliveries?httpStatus=4xx', { key });
    expect(fourxx.body.data.map((d: { lastAttempt: { statusCode: number } }) => d.lastAttempt.statusCode).sort()).toEqual([404, 410]);
    const twoxx = await api.call('/v1/deliveries?httpStatus=2xx', { key });
    expect(twoxx.body.data.map((d: { lastAttempt: { statusCode: number } }) => d.lastAttempt.statusCode).sort()).toEqual([200, 204]);
    const exact = await api.call('/v1/deliveries?httpStatus=500', { key });
    expect(exact.body.data).toHaveLength(1);
    const byEvent = await api.call(`/v1/deliveries?eventId=${eventIds[0]}`, { key });
    expect(ids(byEvent).sort()).toEqual(all.filter((d) => d.eventId === eventIds[0]).map((d) => d.id).sort());
    const one = await api.call(`/v1/deliveries?deliveryId=${all[3]!.id.toUpperCase()}`, { key });
    expect(ids(one)).toEqual([all[3]!.id]);
    const combined = await api.call(`/v1/deliveries?status=succeeded&httpStatus=2xx&eventId=${eventIds[1]}`, { key });
    expect(combined.body.data).toHaveLength(1);
  });

  it('filters by time range', async () => {
    const before = await api.call(`/v1/deliveries?to=${boundary}`, { key });
    const after = await api.call(`/v1/deliveries?from=${encodeURIComponent(boundary)}`, { key });
    const early = all.filter((d) => d.eventId === eventIds[0] || d.eventId === eventIds[1]).map((d) => d.id);
    expect(ids(before)).toEqual(early);
    expect(ids(after)).toEqual(all.map((d) => d.id).filter((id) => !early.includes(id)));
    const window = await api.call(`/v1/deliveries?from=${encodeURIComponent(boundary)}&to=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`, { key });
    expect(ids(window)).toEqual(ids(after));
  });

  it('pages a filtered search with the cursor', async () => {
    const seen: string[] = [];
    let cursor = '';
    for (let page = 0; page < 10; page++) {
      const answer = await api.call(`/v1/deliveries?status=pending,succeeded&limit=2&cursor=${cursor}`, { key });
      expect(answer.body.data.length).toBeLessThanOrEqual(2);
      seen.push(...ids(answer));
      if (!answer.body.nextCursor) break;
      cursor = answer.body.nextCursor;
    }
    const expected = (await api.call('/v1/deliveries?status=pending,succeeded&limit=100', { key })).body.data.map((d: { id: string }) => d.id);
    expect(expected.length).toBe(4);
    expect(seen).toEqual(expected);
  });

  it("takes the same filters on a webhook's list", async () => {
    const answer = await api.call(`/v1/webhooks/${webhookA}/deliveries?eventType=documentation.structure_change&limit=100`, { key });
    expect(ids(answer)).toEqual(all.filter((d) => d.webhookId === webhookA && d.eventId !== eventIds[3]).map((d) => d.id));
    const failed = await api.call(`/v1/webhooks/${webhookA}/deliveries?status=exhausted`, { key });
    expect(failed.body.data.every((d: { status: string }) => d.status === 'exhausted')).toBe(true);
  });

  it("leaves out a deleted webhook's deliveries", async () => {
    const { documentation, webhooks } = await seedDocumentation(api, key);
    const eventId = await post(documentation.slug);
    expect((await api.call(`/v1/deliveries?eventId=${eventId}`, { key })).body.data).toHaveLength(1);
    expect((await api.call(`/v1/webhooks/${webhooks[0]!.id}`, { method: 'DELETE', key })).status).toBe(204);
    expect((await api.call(`/v1/deliveries?eventId=${eventId}`, { key })).body.data).toHaveLength(0);
  });

  it('answers 400 naming the bad parameter', async () => {
    for (const [query, path] of [
      ['status=failed', 'status.0'],
      ['eventType=a%00b', 'eventType'],
      ['eventType=a&eventType=b', 'eventType'],
      ['httpStatus=2xx&httpStatus=4xx', 'httpStatus'],
      ['httpStatus=6xx', 'httpStatus'],
      ['httpStatus=abc', 'httpStatus'],
      ['from=yesterday', 'from'],
      [`from=${boundary}&to=2000-01-01T00:00:00Z`, 'to'],
      ['eventId=123', 'eventId'],
      ['deliveryId=x', 'deliveryId'],
      ['limit=101', 'limit'],
      ['cursor=abc', 'cursor'],
    ]) {
      const answer = await api.call(`/v1/deliveries?${query}`, { key });
      expect({ query, status: answer.status, paths: answer.body.errors?.map((e: { path: string }) => e.path) }).toEqual({ query, status: 400, paths: [path] });
    }
  });
});

describe('the organization-wide search plan', () => {
  it('scans indexes only, on a table of more than 100,000 deliveries', async () => {
    const org = await api.tenant();
    const { documentation, webhooks } = await seedDocumentation(api, org.apiKey, [{}, {}, {}, {}]);
    const webhookIds = webhooks.map((w) => w.id);
    const now = Date.now();
    // 1,000 events and 100 deliveries each, UUIDv7-shaped ids spread over the last ~28 hours.
    await api.db.pool.query(
      `INSERT INTO events (id, organization_id, documentation_id, type, body, delivery_count, created_at)
       SELECT (lpad(to_hex($3::bigint - g * 100000), 12, '0') || '7000' || '8000' || lpad(to_hex(g), 12, '0'))::uuid,
              $1, $2, CASE WHEN g % 10 = 0 THEN 'ping' ELSE 'documentation.structure_change' END, '{}', 100,
              to_timestamp(($3::bigint - g * 100000) / 1000.0)
         FROM generate_series(1, 1000) g`,
      [org.organizationId, documentation.id, now],
    );
    const started = Date.now();
    await api.db.pool.query(
      `INSERT INTO deliveries (id, event_id, webhook_id, organization_id, status, attempts, last_status_code, created_at, updated_at)
       SELECT (lpad(to_hex($3::bigint - g * 1000), 12, '0') || '7000' || '9000' || lpad(to_hex(g), 12, '0'))::uuid,
              (lpad(to_hex($3::bigint - (g / 100 + 1) * 100000), 12, '0') || '7000' || '8000' || lpad(to_hex(g / 100 + 1), 12, '0'))::uuid,
              ($2::uuid[])[g % 4 + 1], $1,
              (ARRAY['succeeded', 'succeeded', 'succeeded', 'exhausted', 'retrying'])[g % 5 + 1]::delivery_status, 1,
              (ARRAY[200, 200, 204, 500, 404])[g % 5 + 1],
              to_timestamp(($3::bigint - g * 1000) / 1000.0), now()
         FROM generate_series(1, 99999) g`,
      [org.organizationId, webhookIds, now],
    );
    const seededMs = Date.now() - started;
    await api.db.pool.query('ANALYZE deliveries');
    await api.db.pool.query('ANALYZE events');
    const { rows } = await api.db.pool.query('SELECT count(*)::int AS n FROM deliveries');
    expect(rows[0].n).toBeGreaterThanOrEqual(100_000);

    const scope = { organizationId: org.organizationId };
    const searches = {
      everything: {},
      status: { status: ['exhausted' as const, 'retrying' as const] },
      eventType: { eventType: 'ping' },
      timeRange: { from: new Date(now - 3 * 3_600_000), to: new Date(now - 2 * 3_600_000) },
      httpStatus: { httpStatus: { min: 500, max: 599 } },
      eventId: { eventId: uuidv7() },
      deliveryId: { deliveryId: uuidv7() },
      combined: { status: ['exhausted' as const], httpStatus: { min: 500, max: 599 }, from: new Date(now - 86_400_000) },
    };
    const plans: Record<string, string> = {};
    for (const [name, filters] of Object.entries(searches)) plans[name] = await explainDeliverySearch(api.db, scope, filters);
    // The plans, for the record of the run.
    process.stdout.write(`delivery search plans (deliveries seeded in ${seededMs} ms):\n${Object.entries(plans).map(([name, plan]) => `-- ${name}\n${plan}`).join('\n')}\n`);
    for (const [name, plan] of Object.entries(plans)) {
      expect({ name, seqScan: /Seq Scan/.test(plan) }).toEqual({ name, seqScan: false });
      expect({ name, index: /Index (Only )?Scan|Bitmap Index Scan/.test(plan) }).toEqual({ name, index: true });
    }

    const page = await api.call('/v1/deliveries?status=exhausted&limit=20', { key: org.apiKey });
    expect(page.body.data).toHaveLength(20);
    await api.db.pool.query('DELETE FROM organizations WHERE id = $1', [org.organizationId]);
  });
});
