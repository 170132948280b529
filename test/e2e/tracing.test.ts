import { randomBytes } from 'node:crypto';
import { parseTracingEnv, startTracing, type Tracing } from '@hookline/telemetry';
import { startTestApi, type TestApi } from '../../apps/api/src/testing/harness';
import type { DeliveryWorker } from '../../apps/worker/src/delivery-worker';
import { structureChange } from '../support/fixtures';
import { OtlpReceiver } from '../support/otlp-receiver';
import { Receiver, statusSequence, waitUntil } from '../support/receiver';
import { startTestWorker } from '../support/worker';

// OTLP's SpanKind numbers, as the JSON encoding carries them.
const KIND = { server: 2, client: 3 };

/**
 * From a producer's traceparent to the receiver: the API's span of the ingest
 * request and the worker's span of each attempt land at a real OTLP/HTTP
 * endpoint, in one trace, each attempt a child of the request.
 */
describe('traces from ingest to receiver (OTLP/HTTP, real API, queue and worker)', () => {
  const otlp = new OtlpReceiver();
  let apiTracing: Tracing;
  let workerTracing: Tracing;
  let api: TestApi;
  let worker: DeliveryWorker;
  let key: string;
  const receiver = new Receiver(statusSequence(500, 200));

  beforeAll(async () => {
    const endpoint = await otlp.start();
    await receiver.start();
    // Two providers, as two processes would have: nothing ties the worker's span to the API's but the job's traceparent.
    apiTracing = startTracing(parseTracingEnv('hookline-api', { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' }));
    workerTracing = startTracing(parseTracingEnv('hookline-worker', { OTEL_EXPORTER_OTLP_ENDPOINT: `${endpoint}/`, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' }));
    api = await startTestApi({ tracing: apiTracing });
    ({ apiKey: key } = await api.tenant());
    worker = await startTestWorker({ db: api.db, secretBox: api.secretBox, prefix: api.prefix }, { tracing: workerTracing });
  });

  afterAll(async () => {
    await worker?.close();
    await api?.close();
    await apiTracing?.shutdown();
    await workerTracing?.shutdown();
    await receiver.stop();
    await otlp.stop();
  });

  it('makes each attempt, the retry included, a child of the ingest span in the producer’s trace', async () => {
    const slug = `traced-${randomBytes(4).toString('hex')}`;
    expect((await api.call('/v1/documentations', { method: 'POST', key, body: { slug, name: 'Traced API' } })).status).toBe(201);
    expect((await api.call(`/v1/documentations/${slug}/webhooks`, { method: 'POST', key, body: { url: receiver.url('/traced') } })).status).toBe(201);

    const producerTrace = randomBytes(16).toString('hex');
    const producerSpan = randomBytes(8).toString('hex');
    const posted = await api.call(`/v1/documentations/${slug}/events`, { method: 'POST', key, body: structureChange(), headers: { traceparent: `00-${producerTrace}-${producerSpan}-01` } });
    expect(posted.status).toBe(202);
    expect((await api.call('/healthz')).status).toBe(200);
    expect((await api.call('/metrics')).status).toBe(200);
    const event = await api.call(`/v1/events/${posted.body.id}`, { key });
    const deliveryId = event.body.deliveries[0].id as string;

    // The job carries the request's context, as an optional W3C traceparent.
    await receiver.waitFor(2);
    await waitUntil(async () => (await api.call(`/v1/deliveries/${deliveryId}`, { key })).body.status === 'succeeded', 15_000, 'the delivery to succeed');

    const spans = await waitUntil(async () => {
      await Promise.all([apiTracing.flush(), workerTracing.flush()]);
      const found = otlp.jsonSpans().filter((s) => s.traceId === producerTrace);
      return found.filter((s) => s.name === 'webhook.deliver').length >= 2 && found;
    }, 10_000, 'the spans to be exported');
    expect(otlp.requests.every((r) => r.path === '/v1/traces' && r.contentType.startsWith('application/json'))).toBe(true);

    const ingest = spans.find((s) => s.name === 'POST /v1/documentations/:idOrSlug/events')!;
    expect(ingest).toMatchObject({ service: 'hookline-api', parentSpanId: producerSpan, kind: KIND.server });
    expect(ingest.attributes).toMatchObject({ 'http.route': '/v1/documentations/:idOrSlug/events', 'url.path': `/v1/documentations/${slug}/events`, 'http.response.status_code': 202 });
    // Only /v1 requests are traced: health checks and scrapes make no spans.
    expect(otlp.jsonSpans().some((s) => /healthz|readyz|metrics/.test(String(s.attributes['url.path'])))).toBe(false);

    const attempts = spans.filter((s) => s.name === 'webhook.deliver').sort((a, b) => Number(a.attributes['hookline.attempt']) - Number(b.attributes['hookline.attempt']));
    expect(attempts).toHaveLength(2);
    for (const attempt of attempts) {
      expect(attempt).toMatchObject({ service: 'hookline-worker', traceId: producerTrace, parentSpanId: ingest.spanId, kind: KIND.client });
      expect(attempt.attributes).toMatchObject({ 'hookline.delivery.id': deliveryId, 'http.request.method': 'POST', 'server.address': new URL(receiver.url()).host });
    }
    expect(attempts[0]!.spanId).not.toBe(attempts[1]!.spanId);
    expect(attempts[0]!.attributes).toMatchObject({ 'hookline.attempt': 1, 'http.response.status_code': 500, 'hookline.outcome': 'retrying', 'error.type': 'http_status' });
    expect(attempts[0]!.status.code).toBe(2); // STATUS_CODE_ERROR
    expect(attempts[1]!.attributes).toMatchObject({ 'hookline.attempt': 2, 'http.response.status_code': 200, 'hookline.outcome': 'succeeded' });
    // Nothing in the URL beyond its host is recorded: a path or query may hold a receiver's token.
    expect(JSON.stringify(attempts)).not.toContain('/traced');
  });

  it('exports http/protobuf with its content type when asked to', async () => {
    const before = otlp.requests.length;
    const tracing = startTracing(parseTracingEnv('hookline-api', { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${otlp.url()}/v1/traces`, OTEL_SERVICE_NAME: 'proto-check' }));
    tracing.tracer.startSpan('protobuf-span').end();
    await tracing.flush();
    await tracing.shutdown();
    const sent = otlp.requests.slice(before);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ path: '/v1/traces', contentType: 'application/x-protobuf' });
    // Protobuf strings are their UTF-8 bytes: the span and service names are in the message.
    expect(sent[0]!.body.includes(Buffer.from('protobuf-span'))).toBe(true);
    expect(sent[0]!.body.includes(Buffer.from('proto-check'))).toBe(true);
  });

  it('is off without an endpoint: no SDK, no trace in the job', async () => {
    const off = startTracing(parseTracingEnv('hookline-api', {}));
    expect(off.enabled).toBe(false);
    const plain = await startTestApi();
    try {
      const { apiKey } = await plain.tenant();
      const slug = `untraced-${randomBytes(4).toString('hex')}`;
      await plain.call('/v1/documentations', { method: 'POST', key: apiKey, body: { slug, name: 'Untraced' } });
      await plain.call(`/v1/documentations/${slug}/webhooks`, { method: 'POST', key: apiKey, body: { url: receiver.url('/untraced') } });
      const posted = await plain.call(`/v1/documentations/${slug}/events`, { method: 'POST', key: apiKey, body: structureChange(), headers: { traceparent: `00-${'1'.repeat(32)}-${'2'.repeat(16)}-01` } });
      const event = await plain.call(`/v1/events/${posted.body.id}`, { key: apiKey });
      const job = await plain.queue.getJob(event.body.deliveries[0].id);
      expect(job?.data).toBeDefined();
      expect(job!.data.trace).toBeUndefined();
    } finally {
      await plain.close();
    }
  });
});
