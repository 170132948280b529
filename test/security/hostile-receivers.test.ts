import { randomBytes } from 'node:crypto';
import { findOverdueDeliveries, ingestEvent, recordAttempts, uuidv7, type Db } from '@hookline/db';
import { DeliveryQueue, createRedis } from '@hookline/queue';
import { AttemptWriter } from '../../apps/worker/src/records/attempt-writer';
import type { DeliveryWorker } from '../../apps/worker/src/delivery-worker';
import { TEST_REDIS_URL } from '../support/env';
import { createTenant, structureChange, testDb, testQueuePrefix } from '../support/fixtures';
import { Receiver, waitUntil, type Responder } from '../support/receiver';
import { seedDocumentation, seedWebhook, testSecretBox } from '../support/seed';
import { startTestWorker } from '../support/worker';

/**
 * Receivers nobody planned for: whatever they answer, each attempt is sent
 * once and recorded once, and the delivery ends. A record PostgreSQL would
 * refuse must never be a reason to send again.
 */
const SCHEDULE = [0.2, 0.4];

const HOSTILE: Array<{ name: string; respond: Responder; expect: { status: string; attempts: number; encoding: string } }> = [
  {
    name: 'NUL bytes',
    respond: (_q, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end(Buffer.from('ok\u0000done\u0000', 'utf8')),
    expect: { status: 'succeeded', attempts: 1, encoding: 'utf8-replaced' },
  },
  {
    name: 'invalid UTF-8',
    respond: (_q, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0xc3, 0x28, 0x22, 0x7d])),
    expect: { status: 'succeeded', attempts: 1, encoding: 'utf8-replaced' },
  },
  {
    name: 'binary',
    respond: (_q, res) => res.writeHead(200, { 'content-type': 'image/png' }).end(Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0xff]), randomBytes(20_000)])),
    expect: { status: 'succeeded', attempts: 1, encoding: 'base64' },
  },
  {
    name: '10,000 header lines',
    respond: (_q, res) => {
      for (let i = 0; i < 10_000; i++) res.setHeader(`x-h-${i}`, 'v');
      res.writeHead(200).end('ok');
    },
    // More than any HTTP client reads: a failed attempt, each one recorded, then exhausted.
    expect: { status: 'exhausted', attempts: SCHEDULE.length + 1, encoding: 'utf8' },
  },
  {
    name: 'many headers with NUL-free odd bytes',
    respond: (_q, res) => {
      for (let i = 0; i < 150; i++) res.setHeader(`x-h-${i}`, 'caf\u00e9');
      res.writeHead(200, { 'content-type': 'text/plain; charset=latin1' }).end(Buffer.from([0x63, 0x61, 0x66, 0xe9]));
    },
    expect: { status: 'succeeded', attempts: 1, encoding: 'utf8-replaced' },
  },
];

describe('hostile receivers', () => {
  let db: Db;
  let prefix: string;
  let worker: DeliveryWorker;
  let producer: DeliveryQueue;
  let producerRedis: ReturnType<typeof createRedis>;
  let organizationId: string;
  const receivers: Receiver[] = [];

  beforeAll(async () => {
    db = testDb();
    prefix = testQueuePrefix();
    ({ organizationId } = await createTenant(db));
    producerRedis = createRedis(TEST_REDIS_URL, 'worker');
    producer = new DeliveryQueue(producerRedis, { prefix });
    worker = await startTestWorker({ db, secretBox: testSecretBox(), prefix }, { retrySchedule: SCHEDULE });
  });

  afterAll(async () => {
    await worker.close();
    await producer.obliterate();
    await producer.close();
    await producerRedis.quit();
    await Promise.all(receivers.map((r) => r.stop()));
    await db.close();
  });

  it('sends exactly one POST per recorded attempt, whatever the receiver answers', async () => {
    const doc = await seedDocumentation(db, organizationId);
    const cases = await Promise.all(
      HOSTILE.map(async (spec) => {
        const receiver = new Receiver(spec.respond);
        receivers.push(receiver);
        await receiver.start();
        return { spec, receiver, webhook: await seedWebhook(db, doc, receiver.url()) };
      }),
    );
    const result = await ingestEvent(db, { organizationId, documentation: doc, type: 'documentation.structure_change', diff: structureChange().diff });
    if (result.kind !== 'created') throw new Error('expected a new event');
    await producer.enqueue(result.deliveries);

    const settled = () =>
      db.prisma.delivery.findMany({ where: { eventId: result.eventId }, include: { attemptLog: true } }).then((rows) => (rows.every((d) => d.status === 'succeeded' || d.status === 'exhausted') ? rows : null));
    await waitUntil(settled, 30_000, 'every delivery to end');
    // Long enough for a retry at any step of the schedule, or a 5 s "unexpected error" retry, to show.
    await new Promise((resolve) => setTimeout(resolve, 2_500));

    const deliveries = (await settled())!;
    // Nothing left for the reconciler to put back, however late it looks.
    expect(await findOverdueDeliveries(db, new Date(Date.now() + 86_400_000), null, 100, deliveries.map((d) => d.id))).toEqual([]);
    for (const { spec, receiver, webhook } of cases) {
      const delivery = deliveries.find((d) => d.webhookId === webhook.id)!;
      expect({ name: spec.name, status: delivery.status, attempts: delivery.attempts }).toEqual({ name: spec.name, status: spec.expect.status, attempts: spec.expect.attempts });
      expect({ name: spec.name, posts: receiver.requests.length, records: delivery.attemptLog.length }).toEqual({ name: spec.name, posts: spec.expect.attempts, records: spec.expect.attempts });
      const attempt = delivery.attemptLog[0]!;
      expect({ name: spec.name, encoding: attempt.responseBodyEncoding, reduced: attempt.reduced, url: attempt.url }).toEqual({ name: spec.name, encoding: spec.expect.encoding, reduced: false, url: receiver.url() });
    }
    const nul = deliveries.find((d) => d.webhookId === cases[0]!.webhook.id)!.attemptLog[0]!;
    expect(nul.responseBody).toBe('ok\uFFFDdone\uFFFD');
    const binary = deliveries.find((d) => d.webhookId === cases[2]!.webhook.id)!.attemptLog[0]!;
    expect(Buffer.from(binary.responseBody!, 'base64').subarray(0, 7)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0xff]));
    expect((binary.responseHeaders as Record<string, string>)['content-type']).toBe('image/png');
    const headers = deliveries.find((d) => d.webhookId === cases[3]!.webhook.id)!.attemptLog[0]!;
    expect(headers.errorKind).toBe('response_headers_too_large');
    const many = deliveries.find((d) => d.webhookId === cases[4]!.webhook.id)!.attemptLog[0]!;
    expect(Object.keys(many.responseHeaders as object).length).toBeLessThanOrEqual(101);
    expect((many.responseHeaders as Record<string, string>)['x-hookline-headers-truncated']).toMatch(/more headers not stored/);
  }, 60_000);

  it('writes a record PostgreSQL refuses in reduced form: status, timing and error kind', async () => {
    const doc = await seedDocumentation(db, organizationId);
    const webhook = await seedWebhook(db, doc, 'http://127.0.0.1:9/never');
    const result = await ingestEvent(db, { organizationId, documentation: doc, type: 'documentation.structure_change', diff: structureChange().diff });
    if (result.kind !== 'created') throw new Error('expected a new event');
    const deliveryId = result.deliveries.find((d) => d.webhookId === webhook.id)!.deliveryId;
    const reducedSeen: unknown[] = [];
    const writer = new AttemptWriter({ write: (records) => recordAttempts(db, records), onReduced: (error) => reducedSeen.push(error), lingerMs: 1 });
    const attemptedAt = new Date();
    await writer.record({
      id: uuidv7(attemptedAt.getTime()),
      deliveryId,
      trigger: 'scheduled',
      attemptedAt,
      requestHeaders: { 'x-test': 'yes' },
      responseStatus: 200,
      responseHeaders: { 'x-evil': 'a\u0000b' },
      responseBody: 'body with \u0000 in it',
      durationMs: 42,
      errorKind: null,
      errorMessage: null,
      nextStatus: 'succeeded',
      nextAttemptAt: null,
      url: 'http://127.0.0.1:9/never',
    });
    expect(reducedSeen).toHaveLength(1);
    const delivery = await db.prisma.delivery.findUniqueOrThrow({ where: { id: deliveryId }, include: { attemptLog: true } });
    expect(delivery).toMatchObject({ status: 'succeeded', attempts: 1, lastStatusCode: 200, lastDurationMs: 42 });
    expect(delivery.attemptLog[0]).toMatchObject({ reduced: true, responseStatus: 200, durationMs: 42, responseBody: null, responseHeaders: null });
  });

  it('does not fail (and so resend) an attempt whose delivery no longer exists', async () => {
    const writer = new AttemptWriter({ write: (records) => recordAttempts(db, records), lingerMs: 1 });
    const attemptedAt = new Date();
    await expect(
      writer.record({
        id: uuidv7(attemptedAt.getTime()),
        deliveryId: uuidv7(),
        trigger: 'scheduled',
        attemptedAt,
        requestHeaders: {},
        responseStatus: 200,
        responseHeaders: {},
        responseBody: 'ok',
        durationMs: 3,
        errorKind: null,
        errorMessage: null,
        nextStatus: 'succeeded',
        nextAttemptAt: null,
      }),
    ).resolves.toBeUndefined();
  });
});
