import { createHmac } from 'node:crypto';
import Ajv2020 from 'ajv/dist/2020';
import { gzipSync } from 'node:zlib';
import { stringify as toYaml } from 'yaml';
import { contentHash } from '@hookline/definitions';
import { createVersion, findDocumentation } from '@hookline/db';
import { createRedis } from '@hookline/queue';
import { createLogger } from '@hookline/telemetry';
import { startTestApi, unreachableRedis, type TestApi } from '../../apps/api/src/testing/harness';
import type { DeliveryWorker } from '../../apps/worker/src/delivery-worker';
import { VersionWorker } from '../../apps/worker/src/versions/version-worker';
import { nestingBomb, paymentsApi, paymentsSwagger, withRefunds, withTextEdits, withoutGetCharge, yamlAliasBomb } from '../support/definitions';
import { TEST_REDIS_URL } from '../support/env';
import { Receiver, waitUntil } from '../support/receiver';
import { startTestWorker } from '../support/worker';

/**
 * Deploying definitions through the real API, diff worker, delivery worker
 * and HTTP: only structural changes reach the receivers, signed, in Bump's
 * payload shape; breakingOnly webhooks only get the breaking ones.
 */
describe('versions: deploy a definition → diff in the worker → signed structure_change', () => {
  let api: TestApi;
  let worker: DeliveryWorker;
  let versions: VersionWorker;
  let versionsRedis: ReturnType<typeof createRedis>;
  let key: string;
  const all = new Receiver();
  const breakingOnly = new Receiver();
  let secret: string;
  const slug = 'payments-versions';

  const deploy = async (body: string | Buffer, headers: Record<string, string>) => {
    const response = await fetch(`${api.baseUrl}/v1/documentations/${slug}/versions`, { method: 'POST', headers: { authorization: `Bearer ${key}`, ...headers }, body });
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    return { status: response.status, location: response.headers.get('location'), body: (await response.json()) as any };
  };
  const deployed = async (body: string | Buffer, headers: Record<string, string> = { 'content-type': 'application/json' }) => {
    const answer = await deploy(body, headers);
    expect(answer.status).toBe(202);
    expect(answer.body).toEqual({ id: expect.any(String), status: 'pending' });
    expect(answer.location).toBe(`/v1/versions/${answer.body.id}`);
    return waitUntil(async () => {
      const version = await api.call(answer.location!, { key });
      return version.body.status !== 'pending' && version.body;
    }, 20_000, 'the version to be diffed');
  };

  beforeAll(async () => {
    // Deploys from 20 kB on are validated in a thread, as GitHub-sized ones are (default 256 KiB).
    api = await startTestApi({ definitionMaxBytes: 200_000, inlineDeployBelowBytes: 20_000 });
    ({ apiKey: key } = await api.tenant());
    worker = await startTestWorker({ db: api.db, secretBox: api.secretBox, prefix: api.prefix }, { reconcileGraceMs: 30_000 });
    versionsRedis = createRedis(TEST_REDIS_URL, 'worker');
    versions = new VersionWorker({ db: api.db, connection: versionsRedis, deliveries: worker.queue, logger: createLogger('versions-test', 'silent'), prefix: api.prefix });
    await versions.start();
    await all.start();
    await breakingOnly.start();
    expect((await api.call('/v1/documentations', { method: 'POST', key, body: { slug, name: 'Payments API', humanUrl: 'https://docs.example.test/payments' } })).status).toBe(201);
    const hook = await api.call(`/v1/documentations/${slug}/webhooks`, { method: 'POST', key, body: { url: all.url() } });
    secret = hook.body.secret;
    await api.call(`/v1/documentations/${slug}/webhooks`, { method: 'POST', key, body: { url: breakingOnly.url(), breakingOnly: true } });
  });

  afterAll(async () => {
    await versions.close();
    await versionsRedis.quit();
    await worker.close();
    await api.close();
    await all.stop();
    await breakingOnly.stop();
  });

  it('the first version, the same one again (gzip, wrapped) and a text-only edit create no event', async () => {
    const first = await deployed(toYaml(paymentsApi()), { 'content-type': 'application/yaml' });
    expect(first).toMatchObject({ status: 'done', version: '1.0.0', diff: null, eventId: null, error: null });
    expect(first.summary.text).toMatch(/first version/i);

    const again = await deployed(gzipSync(JSON.stringify({ definition: paymentsApi() })), { 'content-type': 'application/json', 'content-encoding': 'gzip' });
    expect(again).toMatchObject({ status: 'done', diff: null, eventId: null, contentHash: first.contentHash });

    const text = await deployed(JSON.stringify(withTextEdits(paymentsApi())));
    expect(text).toMatchObject({ status: 'done', eventId: null });
    expect(text.diff.details).toEqual([]);
    expect(text.summary.text).toBe('No structural changes');
    expect(all.requests).toHaveLength(0);
  });

  it('a new endpoint reaches the webhook for every change, signed, in Bump payload shape; not the breakingOnly one', async () => {
    const added = await deployed(JSON.stringify({ definition: toYaml(withRefunds(paymentsApi('1.1.0'))) }));
    expect(added.eventId).toEqual(expect.any(String));
    expect(added.diff).toMatchObject({ id: added.id, breaking: false, public_url: `https://docs.example.test/payments/changes/${added.id}` });
    expect(added.diff.details).toEqual([expect.objectContaining({ name: 'POST /refunds', status: 'added', type: 'endpoint', breaking: false, children: [] })]);
    expect(added.summary.text).toBe('1 change, 0 breaking: added POST /refunds');
    await all.waitFor(1);

    const request = all.requests[0]!;
    expect(request.headers['x-bump-event']).toBe('documentation.structure_change');
    expect(request.headers['x-bump-signature-256']).toBe(`sha256=${createHmac('sha256', secret).update(request.body).digest('hex')}`);
    const body = JSON.parse(request.body);
    expect(body.diff).toEqual(added.diff);
    expect(body.api).toEqual({
      id: expect.any(String),
      name: 'Payments API',
      slug,
      url: 'https://docs.example.test/payments',
      humanUrl: 'https://docs.example.test/payments',
      tags: [],
      version: '1.1.0',
      properties: [{ type: 'OpenAPI', url: `/v1/versions/${added.id}/definition` }],
      created: expect.any(String),
      modified: expect.any(String),
    });
    // Bump types description as a string: a documentation without one leaves the key out, never null.
    expect(Object.values(body.api)).not.toContain(null);
    const definition = await api.call(`/v1/versions/${added.id}/definition`, { key });
    expect(definition.body.paths['/refunds']).toBeDefined();
    expect(breakingOnly.requests).toHaveLength(0);
  });

  it('a removed endpoint is breaking and reaches both webhooks', async () => {
    const removed = await deployed(JSON.stringify(withoutGetCharge(withRefunds(paymentsApi('2.0.0')))));
    expect(removed.diff.breaking).toBe(true);
    expect(removed.diff.details).toEqual([expect.objectContaining({ name: 'GET /charges/{id}', status: 'removed', breaking: true })]);
    expect(removed.summary.text).toBe('1 change, 1 breaking: removed GET /charges/{id}');
    await all.waitFor(2);
    await breakingOnly.waitFor(1);
    expect(JSON.parse(breakingOnly.requests[0]!.body).diff.id).toBe(removed.id);
    const event = await api.call(`/v1/events/${removed.eventId}`, { key });
    expect(event.body.deliveries).toHaveLength(2);

    // Another organization sees none of it: 404, never 403.
    const { apiKey: other } = await api.tenant();
    for (const path of [`/v1/versions/${removed.id}`, `/v1/versions/${removed.id}/definition`, `/v1/documentations/${slug}/versions`]) {
      expect({ path, status: (await api.call(path, { key: other })).status }).toEqual({ path, status: 404 });
    }
    expect((await api.call(`/v1/documentations/${slug}/versions`, { method: 'POST', key: other, body: paymentsApi() })).status).toBe(404);
    const changelog = await api.call(`/v1/documentations/${slug}/versions?limit=2`, { key });
    expect(changelog.body.data.map((v: { id: string }) => v.id)[0]).toBe(removed.id);
    expect(changelog.body.nextCursor).toEqual(expect.any(String));
  });

  it('Swagger 2.0 is taken and diffed like OpenAPI', async () => {
    const other = 'payments-swagger';
    await api.call('/v1/documentations', { method: 'POST', key, body: { slug: other, name: 'Legacy' } });
    const post = (doc: object) => api.call(`/v1/documentations/${other}/versions`, { method: 'POST', key, body: doc });
    expect((await post(paymentsSwagger())).status).toBe(202);
    const next = paymentsSwagger('1.1.0');
    delete next.paths['/charges/{id}'];
    const answer = await post(next);
    const version = await waitUntil(async () => {
      const v = await api.call(`/v1/versions/${answer.body.id}`, { key });
      return v.body.status !== 'pending' && v.body;
    }, 20_000);
    expect(version).toMatchObject({ status: 'done', specification: 'swagger-2.0', version: '1.1.0' });
    expect(version.summary.text).toBe('1 change, 1 breaking: removed GET /charges/{id}');

    // A deleted documentation's versions are gone with it, like its webhooks and events.
    expect((await api.call(`/v1/documentations/${other}`, { method: 'DELETE', key })).status).toBe(204);
    for (const path of [`/v1/versions/${answer.body.id}`, `/v1/versions/${answer.body.id}/definition`]) expect((await api.call(path, { key })).status).toBe(404);
  });

  it('bad definitions get a 4xx problem naming the location and the reason, and the worker keeps going', async () => {
    const cases: Array<[string, string | Buffer, string, number, RegExp]> = [
      ['not YAML', 'openapi: 3.0.0\ninfo: [', 'application/yaml', 415, /neither valid JSON nor valid YAML/],
      ['not OpenAPI', JSON.stringify({ hello: 'world' }), 'application/json', 422, /not an OpenAPI/],
      ['a broken $ref', JSON.stringify({ ...paymentsApi(), components: {} }), 'application/json', 422, /does not exist/],
      ['a nesting bomb', nestingBomb(), 'application/json', 422, /deeper than|too deeply/],
      ['a YAML nesting bomb', `openapi: 3.0.3\nx-deep: ${'['.repeat(10_000)}${']'.repeat(10_000)}\n`, 'application/yaml', 422, /deeper than|too deeply/],
      ['a YAML alias bomb', yamlAliasBomb(), 'application/yaml', 422, /aliases/],
      ['too large', JSON.stringify({ ...paymentsApi(), 'x-padding': 'x'.repeat(300_000) }), 'application/json', 413, /larger than 200000 bytes \(DEFINITION_MAX_BYTES\)/],
      ['too large once inflated', gzipSync(JSON.stringify({ ...paymentsApi(), 'x-padding': 'x'.repeat(300_000) })), 'application/json', 413, /DEFINITION_MAX_BYTES/],
      ['an unknown media type', 'x', 'text/csv', 415, /application\/yaml/],
    ];
    for (const [what, body, type, status, detail] of cases) {
      const headers: Record<string, string> = { 'content-type': type };
      if (what.includes('inflated')) headers['content-encoding'] = 'gzip';
      const answer = await deploy(body, headers);
      expect({ what, status: answer.status }).toEqual({ what, status });
      expect(answer.body.detail).toMatch(detail);
    }
    const broken = await deploy(JSON.stringify({ ...paymentsApi(), components: {} }), { 'content-type': 'application/json' });
    expect(broken.body.errors).toContainEqual({ path: '/paths/~1charges/get/responses/200/content/application~1json/schema/items/$ref', message: 'points to #/components/schemas/Charge, which does not exist' });
    const notOpenApi = await deploy(JSON.stringify({ openapi: '2.5', info: {} }), { 'content-type': 'application/json' });
    expect(notOpenApi.body.errors[0].path).toBe('/openapi');
    const missing = await deploy(JSON.stringify({ openapi: '3.0.3', info: { title: 'x' }, paths: {} }), { 'content-type': 'application/json' });
    expect(missing.body.errors).toContainEqual({ path: '/info', message: "must have required property 'version'" });

    // Above the inline threshold: parsed and validated in a thread, with the same answers.
    const padded = (doc: object) => JSON.stringify({ ...doc, 'x-padding': 'x'.repeat(30_000) });
    const threadInvalid = await deploy(padded({ ...paymentsApi(), components: {} }), { 'content-type': 'application/json' });
    expect(threadInvalid.status).toBe(422);
    expect(threadInvalid.body.errors).toContainEqual({ path: '/paths/~1charges/get/responses/200/content/application~1json/schema/items/$ref', message: 'points to #/components/schemas/Charge, which does not exist' });
    const threadVersion = await deployed(padded(withoutGetCharge(withRefunds(paymentsApi('2.0.1')))));
    expect(threadVersion).toMatchObject({ status: 'done', version: '2.0.1' });

    // Still diffing afterwards.
    const after = await deployed(JSON.stringify(withoutGetCharge(withRefunds(paymentsApi('2.0.1')))));
    expect(after.status).toBe('done');
  });

  it('POST /v1/diffs previews two definitions, or a definition against the documentation, notifying nobody', async () => {
    const before = all.requests.length;
    const preview = await api.call('/v1/diffs', { method: 'POST', key, body: { previous: paymentsApi(), current: toYaml(withoutGetCharge(paymentsApi())) } });
    expect(preview.status).toBe(200);
    expect(preview.body.summary.text).toBe('1 change, 1 breaking: removed GET /charges/{id}');
    expect(preview.body.summary.markdown).toContain('- Removed `GET /charges/{id}` **(breaking)**');
    expect(preview.body.diff.details[0]).toMatchObject({ name: 'GET /charges/{id}', status: 'removed', breaking: true });

    const againstDoc = await api.call('/v1/diffs', { method: 'POST', key, body: { documentation: slug, definition: paymentsApi() } });
    expect(againstDoc.status).toBe(200);
    // Against the newest deployed version (without GET /charges/{id}, with POST /refunds).
    expect(againstDoc.body.summary.text).toBe('2 changes, 1 breaking: removed POST /refunds');
    const invalid = await api.call('/v1/diffs', { method: 'POST', key, body: { previous: paymentsApi(), current: { openapi: '3.0.3' } } });
    expect(invalid.status).toBe(422);
    expect(invalid.body.errors[0].path).toMatch(/^current/);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(all.requests.length).toBe(before);
  });

  it('delivered bodies (structure_change and ping) match the webhooks: section of /openapi.json, with no null string', async () => {
    const { body: document } = await api.call('/openapi.json');
    const ajv = new Ajv2020({ strict: false, validateFormats: false });
    ajv.addSchema(document, 'openapi.json', undefined, false);
    const bodySchema = (event: string) => ajv.getSchema(`openapi.json#/webhooks/${event.replace('/', '~1')}/post/requestBody/content/application~1json/schema`)!;
    const hooks = await api.call(`/v1/documentations/${slug}/webhooks`, { key });
    const ping = await api.call(`/v1/webhooks/${hooks.body.data[0].id}/test`, { method: 'POST', key });
    expect(ping.status).toBe(202);
    await waitUntil(async () => all.requests.some((r) => r.headers['x-bump-event'] === 'ping'), 15_000, 'the ping');
    for (const request of all.requests) {
      const event = request.headers['x-bump-event'] as string;
      const validate = bodySchema(event);
      const parsed = JSON.parse(request.body);
      expect({ event, valid: validate(parsed), errors: validate.errors ?? null }).toEqual({ event, valid: true, errors: null });
      expect(Object.values(parsed.api)).not.toContain(null);
    }
    const pinged = JSON.parse(all.requests.find((r) => r.headers['x-bump-event'] === 'ping')!.body);
    // The ping carries the documentation's current definition too.
    expect(pinged.api.version).toBe('2.0.1');
    expect(pinged.api.properties).toEqual([{ type: 'OpenAPI', url: expect.stringMatching(/^\/v1\/versions\/.+\/definition$/) }]);
    // A body missing a required field fails the schema: the check can fail.
    expect(bodySchema('ping')({ api: { id: 'x' }, diff: {} })).toBe(false);
  });

  it('the events route takes any diff that Bump\'s schema takes: no field required, extra keys kept', async () => {
    for (const diff of [{}, { breaking: true }, { title: 'Only a title', vendor_field: { kept: [1] } }]) {
      const answer = await api.call(`/v1/documentations/${slug}/events`, { method: 'POST', key, body: { diff } });
      expect(answer.status).toBe(202);
      const stored = await api.db.prisma.event.findUniqueOrThrow({ where: { id: answer.body.id } });
      expect(JSON.parse(stored.body).diff).toEqual(diff);
    }
    const wrong = await api.call(`/v1/documentations/${slug}/events`, { method: 'POST', key, body: { diff: { details: [{ status: 'renamed' }] } } });
    expect(wrong.status).toBe(400);
  });

  it('a version whose diff job was lost (committed, never queued) is re-enqueued by the worker and diffed', async () => {
    const { id: documentationId } = (await api.call(`/v1/documentations/${slug}`, { key })).body;
    const organizationId = (await api.db.pool.query<{ organization_id: string }>('SELECT organization_id FROM documentations WHERE id = $1', [documentationId])).rows[0]!.organization_id;
    const documentation = (await findDocumentation(api.db, organizationId, slug))!;
    const definition = withoutGetCharge(paymentsApi('3.0.0'));
    const lost = await createVersion(
      api.db,
      { organizationId, documentationId: documentation.id, version: '3.0.0', specification: 'openapi-3.0', contentHash: contentHash(definition), definition: JSON.stringify(definition) },
      new Date(Date.now() - 10 * 60_000),
    );
    expect(await versions.recoverStalled()).toBeGreaterThanOrEqual(1);
    const done = await waitUntil(async () => {
      const version = await api.call(`/v1/versions/${lost.id}`, { key });
      return version.body.status !== 'pending' && version.body;
    }, 20_000, 'the recovered version');
    expect(done.status).toBe('done');
    expect(done.summary.text).toBe('1 change, 1 breaking: removed POST /refunds');
  });

  it('with Redis unreachable a deploy still answers 202, and the worker diffs it once it finds it pending', async () => {
    const broken = await startTestApi({ appRedis: unreachableRedis, redisTimeoutMs: 300 });
    try {
      const { apiKey } = await broken.tenant();
      await broken.call('/v1/documentations', { method: 'POST', key: apiKey, body: { slug: 'offline', name: 'Offline' } });
      const first = await broken.call('/v1/documentations/offline/versions', { method: 'POST', key: apiKey, body: paymentsApi() });
      expect(first.status).toBe(202);
      expect((await broken.call(`/v1/versions/${first.body.id}`, { key: apiKey })).body.status).toBe('pending');
      await api.db.pool.query(`UPDATE documentation_versions SET created_at = now() - interval '10 minutes' WHERE id = $1`, [first.body.id]);
      await versions.recoverStalled();
      const done = await waitUntil(async () => {
        const version = await broken.call(`/v1/versions/${first.body.id}`, { key: apiKey });
        return version.body.status !== 'pending' && version.body;
      }, 20_000, 'the version deployed while Redis was away');
      expect(done).toMatchObject({ status: 'done', eventId: null });
    } finally {
      await broken.close();
    }
  });
});
