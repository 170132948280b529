import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createRedis, type RedisClient } from '@hookline/queue';
import { createLogger } from '@hookline/telemetry';
import { stringify as toYaml } from 'yaml';
import type { DeliveryWorker } from '../../worker/src/delivery-worker';
import { VersionWorker } from '../../worker/src/versions/version-worker';
import { paymentsApi, withRefunds, withoutGetCharge, type Definition } from '../../../test/support/definitions';
import { TEST_REDIS_URL } from '../../../test/support/env';
import { structureChange, testDb } from '../../../test/support/fixtures';
import { Receiver, statusSequence, waitUntil } from '../../../test/support/receiver';
import { startTestWorker } from '../../../test/support/worker';
import { createApp } from './app';
import { silentLogger } from './logger';
import { scopesFor } from './middleware/scopes';
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
/** Quotas of 1: the second event or redelivery, or a webhook on a documentation that has one, is a 429. */
let tight: TestApi;
/** With METRICS_TOKEN set, which the harness has no option for. */
let scraped: Pick<TestApi, 'call' | 'close'>;
const METRICS_TOKEN = 'scrape-token';
let worker: DeliveryWorker;
let versions: VersionWorker;
let versionsRedis: RedisClient;
const receiver = new Receiver();
const failingReceiver = new Receiver(statusSequence(500));
let key: string;
/** Keys with one scope each: every operation that can answer 403 refuses one of them. */
const limitedKeys: Record<string, string> = {};
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
  updateDocumentation: () => ({ params: { idOrSlug: ids.slug! }, body: { description: 'Charges and refunds', tags: ['payments'] } }),
  deleteDocumentation: () => ({ params: { idOrSlug: ids.spareSlug! } }),
  createApiKey: () => ({ body: { name: 'CI', scopes: ['events:write'] } }),
  listApiKeys: () => ({}),
  revokeApiKey: () => ({ params: { id: ids.spareKey! } }),
  searchDeliveries: () => ({ query: { status: 'succeeded,pending', httpStatus: '2xx' } }),
  activateWebhookSecret: () => ({ params: { id: ids.rotatedWebhook! } }),
  deployVersion: () => ({ params: { idOrSlug: ids.slug! }, body: { definition: withoutGetCharge(withRefunds(paymentsApi('1.2.0'))), version: '1.2.0' } }),
  listVersions: () => ({ params: { idOrSlug: ids.slug! } }),
  getVersion: () => ({ params: { id: ids.version! } }),
  getVersionDefinition: () => ({ params: { id: ids.version! } }),
  previewDiff: () => ({ body: { previous: paymentsApi(), current: withoutGetCharge(paymentsApi()) } }),
  createOperationalWebhook: () => ({ body: { url: receiver.url('/operational'), description: 'On-call' } }),
  listOperationalWebhooks: () => ({}),
  listFailingWebhooks: () => ({}),
  deleteOperationalWebhook: () => ({ params: { id: ids.spareOperationalWebhook! } }),
  liveness: () => ({}),
  readiness: () => ({}),
  metrics: () => ({}),
  openapi: () => ({}),
};

type Case = { operationId: string; status: number; request: () => Request; on?: () => Pick<TestApi, 'call'>; key?: string | null; raw?: { body: string; type: string } };

/** An invalid OpenAPI document: no info, paths not an object. */
const invalidDefinition = (): Definition => ({ openapi: '3.0.3', paths: 'none' });

/** The statuses a sample cannot produce by itself, in the order they run, after every derived case (the delete comes late). */
const explicit: Case[] = [
  { operationId: 'createDocumentation', status: 409, request: () => ({ body: { slug: ids.slug, name: 'Again' } }) },
  { operationId: 'updateDocumentation', status: 409, request: () => ({ params: { idOrSlug: ids.slug! }, body: { slug: ids.otherSlug } }) },
  { operationId: 'createWebhook', status: 429, request: samples.createWebhook!, on: () => tight },
  // The derived 200 left a rotated secret waiting for activation.
  { operationId: 'rotateWebhookSecret', status: 409, request: samples.rotateWebhookSecret! },
  // The derived 200 activated the only one waiting.
  { operationId: 'activateWebhookSecret', status: 409, request: samples.activateWebhookSecret! },
  { operationId: 'createEvent', status: 202, request: samples.createEvent!, on: () => tight },
  { operationId: 'createEvent', status: 429, request: samples.createEvent!, on: () => tight },
  { operationId: 'redeliver', status: 202, request: samples.redeliver!, on: () => tight },
  { operationId: 'redeliver', status: 429, request: samples.redeliver!, on: () => tight },
  { operationId: 'deployVersion', status: 202, request: () => ({ params: { idOrSlug: ids.slug! } }), raw: { body: toYaml(withRefunds(paymentsApi('1.3.0'))), type: 'application/yaml' } },
  { operationId: 'deployVersion', status: 422, request: () => ({ params: { idOrSlug: ids.slug! }, body: { definition: invalidDefinition() } }) },
  { operationId: 'previewDiff', status: 200, request: () => ({ body: { documentation: ids.slug, definition: paymentsApi() } }) },
  { operationId: 'previewDiff', status: 404, request: () => ({ body: { documentation: 'no-such-documentation', definition: paymentsApi() } }) },
  { operationId: 'previewDiff', status: 409, request: () => ({ body: { documentation: ids.otherSlug, definition: paymentsApi() } }) },
  { operationId: 'previewDiff', status: 422, request: () => ({ body: { previous: invalidDefinition(), current: paymentsApi() } }) },
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
  { operationId: 'metrics', status: 401, request: samples.metrics!, on: () => scraped, key: null },
  { operationId: 'metrics', status: 200, request: () => ({ headers: { authorization: `Bearer ${METRICS_TOKEN}` } }), on: () => scraped, key: null },
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
  if (op.secured && has(403)) {
    // A key with one scope that this route does not accept (none: every key may call it, and the case fails as unexercised).
    const allowed = scopesFor(op.method, urlOf(op.path, sample()).split('?')[0]!);
    const refused = Object.keys(limitedKeys).find((scope) => !(allowed as string[]).includes(scope));
    if (refused) cases.push({ operationId, status: 403, request: sample, key: limitedKeys[refused]! });
  }
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

/** The app on a port of its own, with a database pool of its own, and METRICS_TOKEN set. */
async function startScraped(): Promise<Pick<TestApi, 'call' | 'close'>> {
  const db = testDb();
  const app = createApp({ config: { queuePrefix: api.prefix, metricsToken: METRICS_TOKEN }, db, queue: api.queue, redis: api.redis, secretBox: api.secretBox, logger: silentLogger });
  const server: Server = await new Promise((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    async call(path, { method = 'GET', headers = {} } = {}) {
      const response = await fetch(baseUrl + path, { method, headers });
      const text = await response.text();
      return { status: response.status, headers: response.headers, body: (response.headers.get('content-type') ?? '').includes('json') ? JSON.parse(text) : text };
    },
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await db.close();
    },
  };
}

/** A call the set-up needs to succeed. */
async function made(path: string, options: { method?: string; body?: unknown; key?: string } = {}) {
  const answer = await api.call(path, { key, ...options, method: options.method ?? 'POST' });
  if (answer.status >= 300) throw new Error(`set-up ${options.method ?? 'POST'} ${path}: ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body;
}

/** Deployed and diffed by the version worker. */
async function deployed(definition: Definition) {
  const { id } = await made(`/v1/documentations/${ids.slug}/versions`, { body: { definition } });
  return waitUntil(async () => (await api.call(`/v1/versions/${id}`, { key })).body.status !== 'pending' && id, 20_000, 'a diffed version');
}

beforeAll(async () => {
  // Definition bodies up to 1 MiB, like the JSON routes: the generic 413 case exceeds both.
  api = await startTestApi({ definitionMaxBytes: 1024 * 1024, diffPreviewMaxBytes: 1024 * 1024 });
  broken = await startTestApi({ queue: unreachableQueue, appRedis: unreachableRedis, redisTimeoutMs: 300 });
  scraped = await startScraped();
  tight = await startTestApi({ quotas: { webhooksPerDocumentation: 1, eventsPerOrganizationPerMinute: 1, redeliveriesPerDeliveryPerHour: 1 } });
  await receiver.start();
  await failingReceiver.start();
  worker = await startTestWorker({ db: api.db, secretBox: api.secretBox, prefix: api.prefix });
  versionsRedis = createRedis(TEST_REDIS_URL, 'worker');
  versions = new VersionWorker({ db: api.db, connection: versionsRedis, deliveries: worker.queue, logger: createLogger('versions-test', 'silent'), prefix: api.prefix });
  await versions.start();
  key = (await api.tenant()).apiKey;
  conformance = new Conformance((await api.call('/openapi.json')).body);

  for (const scope of ['read', 'events:write']) limitedKeys[scope] = (await made('/v1/api-keys', { body: { name: `only ${scope}`, scopes: [scope] } })).secret;
  ids.spareKey = (await made('/v1/api-keys', { body: { name: 'to revoke', scopes: ['read'] } })).id;
  ids.spareOperationalWebhook = (await made('/v1/operational-webhooks', { body: { url: receiver.url('/operational') } })).id;

  ids.slug = (await made('/v1/documentations', { body: samples.createDocumentation!().body })).slug;
  // Never deployed to: a preview against it is a 409.
  ids.otherSlug = (await made('/v1/documentations', { body: samples.createDocumentation!().body })).slug;
  ids.spareSlug = (await made('/v1/documentations', { body: samples.createDocumentation!().body })).slug;
  const hook = async (slug = ids.slug, url = receiver.url()) => (await made(`/v1/documentations/${slug}/webhooks`, { body: { url } })).id as string;
  [ids.webhook, ids.spareWebhook, ids.disabledWebhook, ids.rotatedWebhook] = [await hook(), await hook(), await hook(), await hook()];
  await made(`/v1/webhooks/${ids.rotatedWebhook}/rotate-secret`);
  // Its first attempt fails: listed by GET /v1/failing-webhooks.
  ids.failingWebhook = await hook(ids.otherSlug, failingReceiver.url());
  await made(`/v1/webhooks/${ids.failingWebhook}/test`);
  ids.event = (await made(`/v1/documentations/${ids.slug}/events`, { body: structureChange() })).id;
  // A first version, then a structural change: the version read back carries a diff and a summary.
  await deployed(paymentsApi());
  ids.version = await deployed(withRefunds(paymentsApi('1.1.0')));
  // Delivered, so the delivery detail carries a real attempt with the receiver's answer.
  ids.delivery = (await waitUntil(async () => (await deliveriesOf(ids.webhook!)).find((d) => d.status === 'succeeded'), 20_000, 'a delivered delivery')).id;
  ids.disabledDelivery = (await waitUntil(async () => (await deliveriesOf(ids.disabledWebhook!))[0], 20_000, 'a delivery to disable')).id;
  await made(`/v1/webhooks/${ids.disabledWebhook}`, { method: 'PATCH', body: { enabled: false } });
  await waitUntil(async () => (await api.call('/v1/failing-webhooks', { key })).body.data?.length > 0, 20_000, 'a failing webhook');
}, 60_000);

afterAll(async () => {
  await versions?.close();
  await versionsRedis?.quit();
  await worker?.close();
  await receiver.stop();
  await failingReceiver.stop();
  await tight?.close();
  await scraped?.close();
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
    // The probes and this document take no input: no client error to describe.
    const warnings = report.problems.filter((p) => p.severity === 'warn').map((p) => `${p.ruleId} ${p.location[0]?.pointer}`);
    expect(warnings.filter((w) => !/^operation-4xx-response #\/paths\/~1(healthz|readyz|openapi\.json)\/get/.test(w))).toEqual([]);
  }, 60_000);
});
