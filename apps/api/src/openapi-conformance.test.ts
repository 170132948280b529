import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { DeliveryWorker } from '../../worker/src/delivery-worker';
import { structureChange } from '../../../test/support/fixtures';
import { Receiver, waitUntil } from '../../../test/support/receiver';
import { startTestWorker } from '../../../test/support/worker';
import { Conformance } from './testing/openapi-conformance';
import { startTestApi, unreachableQueue, unreachableRedis, type Answer, type TestApi } from './testing/harness';

/**
 * Real answers of every operation and every status the document lists,
 * validated against GET /openapi.json by Ajv. The operations come from the
 * document: one without an exercised status is reported, so a new route
 * needs its entries in `samples` and `explicit` below.
 */

const UNKNOWN_ID = '01900000-0000-7000-8000-000000000000';
let api: TestApi;
let broken: TestApi;
let worker: DeliveryWorker;
const receiver = new Receiver();
let key: string;
let conformance: Conformance;
const ids: Record<string, string> = {};

interface Request {
  params?: Record<string, string>;
  query?: Record<string, string | number>;
  body?: unknown;
  headers?: Record<string, string>;
}

/** A request each operation accepts; the generic statuses (400, 401, 404, 413, 415) are derived from it. */
const samples: Record<string, () => Request> = {
  createDocumentation: () => ({ body: { slug: `doc-${Math.random().toString(36).slice(2, 10)}`, name: 'Payments API' } }),
  listDocumentations: () => ({}),
  getDocumentation: () => ({ params: { idOrSlug: ids.slug! } }),
  createWebhook: () => ({ params: { idOrSlug: ids.slug! }, body: { url: receiver.url() } }),
  listWebhooks: () => ({ params: { idOrSlug: ids.slug! } }),
  createEvent: () => ({ params: { idOrSlug: ids.slug! }, body: structureChange() }),
  getEvent: () => ({ params: { id: ids.event! } }),
  getWebhook: () => ({ params: { id: ids.webhook! } }),
  updateWebhook: () => ({ params: { id: ids.webhook! }, body: { description: 'Payments team' } }),
  deleteWebhook: () => ({ params: { id: ids.spareWebhook! } }),
  revealWebhookSecret: () => ({ params: { id: ids.webhook! } }),
  rotateWebhookSecret: () => ({ params: { id: ids.webhook! } }),
  testWebhook: () => ({ params: { id: ids.webhook! } }),
  listDeliveries: () => ({ params: { id: ids.webhook! } }),
  recoverWebhookDeliveries: () => ({ params: { id: ids.webhook! }, body: { since: new Date(Date.now() - 3_600_000).toISOString(), dryRun: true } }),
  webhookStats: () => ({ params: { id: ids.webhook! } }),
  getDelivery: () => ({ params: { id: ids.delivery! } }),
  redeliver: () => ({ params: { id: ids.delivery! } }),
  liveness: () => ({}),
  readiness: () => ({}),
  metrics: () => ({}),
  openapi: () => ({}),
};

type Case = { operationId: string; status: number; request: () => Request; on?: () => TestApi; key?: string | null; raw?: { body: string; type: string } };

/** The statuses a sample cannot produce by itself, in the order they run (the delete comes late). */
const explicit: Case[] = [
  { operationId: 'createDocumentation', status: 409, request: () => ({ body: { slug: ids.slug, name: 'Again' } }) },
  { operationId: 'createEvent', status: 202, request: () => ({ ...samples.createEvent!(), headers: { 'idempotency-key': 'conformance' } }) },
  {
    operationId: 'createEvent',
    status: 409,
    request: () => ({ ...samples.createEvent!(), body: { ...structureChange(), version: 'another body' }, headers: { 'idempotency-key': 'conformance' } }),
  },
  { operationId: 'recoverWebhookDeliveries', status: 202, request: () => ({ ...samples.recoverWebhookDeliveries!(), body: { since: new Date(Date.now() - 60_000).toISOString() } }) },
  { operationId: 'recoverWebhookDeliveries', status: 409, request: () => ({ params: { id: ids.disabledWebhook! }, body: { since: new Date(Date.now() - 60_000).toISOString() } }) },
  { operationId: 'redeliver', status: 503, request: samples.redeliver!, on: () => broken },
  { operationId: 'readiness', status: 503, request: samples.readiness!, on: () => broken },
];


function urlOf(template: string, request: Request): string {
  const filled = template.replace(/\{(\w+)\}/g, (_m, name: string) => encodeURIComponent(request.params?.[name] ?? `{${name}}`));
  const query = new URLSearchParams(Object.entries(request.query ?? {}).map(([k, v]): [string, string] => [k, String(v)]));
  return query.size ? `${filled}?${query}` : filled;
}

/** The generic cases of one operation, derived from the document and its sample. */
function derived(operationId: string): Case[] {
  const op = conformance.operation(operationId);
  const sample = samples[operationId];
  if (!sample) return [];
  const has = (status: number) => String(status) in op.responses;
  const cases: Case[] = [];
  const success = Object.keys(op.responses).map(Number).filter((s) => s >= 200 && s < 300);
  cases.push({ operationId, status: success[0]!, request: sample });
  if (op.secured && has(401)) cases.push({ operationId, status: 401, request: sample, key: null });
  if (has(404) && op.path.includes('{')) {
    cases.push({ operationId, status: 404, request: () => ({ ...sample(), params: { idOrSlug: 'no-such-documentation', id: UNKNOWN_ID } }) });
  }
  if (op.hasBody && has(415)) cases.push({ operationId, status: 415, request: sample, raw: { body: 'not json', type: 'text/plain' } });
  if (op.hasBody && has(413)) cases.push({ operationId, status: 413, request: sample, raw: { body: JSON.stringify({ description: 'x'.repeat(1_100_000) }), type: 'application/json' } });
  if (has(400) && op.hasBody) cases.push({ operationId, status: 400, request: () => ({ ...sample(), body: { ...(sample().body as object), unexpected: true } }) });
  const bounded = op.query.find((p) => typeof p.schema.minimum === 'number');
  if (has(400) && !op.hasBody && bounded) cases.push({ operationId, status: 400, request: () => ({ ...sample(), query: { [bounded.name]: bounded.schema.minimum! - 1 } }) });
  return cases;
}

async function send(c: Case): Promise<Answer> {
  const op = conformance.operation(c.operationId);
  const request = c.request();
  const target = c.on ? c.on() : api;
  const headers = { ...request.headers, ...(c.raw ? { 'content-type': c.raw.type } : {}) };
  return target.call(urlOf(op.path, request), { method: op.method, key: c.key === null ? undefined : (c.key ?? key), body: c.raw ? c.raw.body : request.body, headers });
}

const deliveriesOf = async (webhookId: string) => (await api.call(`/v1/webhooks/${webhookId}/deliveries`, { key })).body.data as Array<{ id: string; status: string }>;

beforeAll(async () => {
  api = await startTestApi();
  broken = await startTestApi({ queue: unreachableQueue, appRedis: unreachableRedis, redisTimeoutMs: 300 });
  await receiver.start();
  worker = await startTestWorker({ db: api.db, secretBox: api.secretBox, prefix: api.prefix });
  key = (await api.tenant()).apiKey;
  conformance = new Conformance((await api.call('/openapi.json')).body);

  ids.slug = (await api.call('/v1/documentations', { method: 'POST', key, body: samples.createDocumentation!().body })).body.slug;
  const hook = async () => (await api.call(`/v1/documentations/${ids.slug}/webhooks`, { method: 'POST', key, body: { url: receiver.url() } })).body.id as string;
  [ids.webhook, ids.spareWebhook, ids.disabledWebhook] = [await hook(), await hook(), await hook()];
  ids.event = (await api.call(`/v1/documentations/${ids.slug}/events`, { method: 'POST', key, body: structureChange() })).body.id;
  // Delivered, so the delivery detail carries a real attempt with the receiver's answer.
  ids.delivery = (await waitUntil(async () => (await deliveriesOf(ids.webhook!)).find((d) => d.status === 'succeeded'), 20_000, 'a delivered delivery')).id;
  ids.disabledDelivery = (await waitUntil(async () => (await deliveriesOf(ids.disabledWebhook!))[0], 20_000, 'a delivery to disable')).id;
  await api.call(`/v1/webhooks/${ids.disabledWebhook}`, { method: 'PATCH', key, body: { enabled: false } });
}, 60_000);

afterAll(async () => {
  await worker?.close();
  await receiver.stop();
  await broken?.close();
  await api?.close();
});

describe('the OpenAPI document, checked against real answers', () => {
  it('describes the answer of every operation and status it lists', async () => {
    // deleteWebhook last: later cases use the webhook it deletes.
    const order = conformance.operations.map((op) => op.operationId).sort((a, b) => Number(a === 'deleteWebhook') - Number(b === 'deleteWebhook'));
    const cases = [...order.flatMap(derived), ...explicit];
    const failures: string[] = [];
    for (const c of cases) {
      const answer = await send(c);
      if (answer.status !== c.status) failures.push(`${c.operationId}: expected ${c.status}, got ${answer.status} ${JSON.stringify(answer.body).slice(0, 200)}`);
      failures.push(...conformance.check(c.operationId, answer));
    }
    expect(failures).toEqual([]);
    expect(conformance.unexercised()).toEqual([]);
    expect(Object.keys(samples).sort()).toEqual(conformance.operations.map((op) => op.operationId).sort());
  }, 60_000);

  it('answers a method a path does not have with 405, Allow and a problem', async () => {
    const health = await api.call('/healthz', { method: 'POST' });
    expect(health.status).toBe(405);
    expect(health.headers.get('allow')).toBe('GET, HEAD');
    expect(health.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(health.body).toMatchObject({ status: 405, type: 'urn:hookline:problem:method-not-allowed' });

    const webhook = await api.call(`/v1/webhooks/${ids.webhook}`, { method: 'PUT', key, body: {} });
    expect(webhook.status).toBe(405);
    expect(webhook.headers.get('allow')).toBe('GET, PATCH, DELETE, HEAD');
    expect((await api.call('/v1/no-such-route', { method: 'PUT', key, body: {} })).status).toBe(404);
  });

  it('keeps to what it says of a deleted webhook: its deliveries are no longer readable', async () => {
    const spare = (await api.call(`/v1/documentations/${ids.slug}/webhooks`, { method: 'POST', key, body: { url: receiver.url() } })).body.id;
    const ping = await api.call(`/v1/webhooks/${spare}/test`, { method: 'POST', key });
    expect((await api.call(`/v1/deliveries/${ping.body.deliveryId}`, { key })).status).toBe(200);
    expect((await api.call(`/v1/webhooks/${spare}`, { method: 'DELETE', key })).status).toBe(204);
    expect((await api.call(`/v1/deliveries/${ping.body.deliveryId}`, { key })).status).toBe(404);
    const event = await api.call(`/v1/events/${ping.body.eventId}`, { key });
    expect(event.body.deliveries ?? []).toEqual([]);
    const { description } = conformance.operation('deleteWebhook').responses['204']!;
    expect(description).toContain('no longer readable');
  });

  it('passes `redocly lint` with the recommended rules, without errors', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'hookline-openapi-'));
    const file = path.join(dir, 'openapi.json');
    writeFileSync(file, JSON.stringify(conformance.document));
    let output: string;
    try {
      output = execFileSync(process.execPath, [require.resolve('@redocly/cli/bin/cli.js'), 'lint', file, '--format', 'json'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' } });
    } catch (error) {
      output = (error as { stdout: string }).stdout;
    }
    const report = JSON.parse(output) as { problems: Array<{ ruleId: string; severity: string; message: string; location: Array<{ pointer: string }> }> };
    const errors = report.problems.filter((p) => p.severity === 'error').map((p) => `${p.ruleId} ${p.location[0]?.pointer}: ${p.message}`);
    expect(errors).toEqual([]);
    // The probes, metrics and this document take no input: no client error to describe.
    const warnings = report.problems.filter((p) => p.severity === 'warn').map((p) => `${p.ruleId} ${p.location[0]?.pointer}`);
    expect(warnings.every((w) => /^operation-4xx-response #\/paths\/~1(healthz|readyz|metrics|openapi\.json)\/get/.test(w))).toBe(true);
  }, 60_000);
});
