import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { SecretBox, apiSnapshot, applyMigrations, createDb, ensureOrganization, storeApiKey, uuidv7, type Db } from '@hookline/db';
import { DELIVERIES_QUEUE } from '@hookline/queue';
import { generateSecret } from '@hookline/signing';
import { BENCH_DATABASE_URL, BENCH_SECRETS_KEY, REPO_ROOT } from './config';

export async function openBenchDatabase(): Promise<Db> {
  await applyMigrations(BENCH_DATABASE_URL);
  return createDb(BENCH_DATABASE_URL, { max: 4 });
}

/** Every scenario starts from empty tables; processes are restarted too, so no cache survives. */
export async function truncateAll(db: Db): Promise<void> {
  await db.pool.query('TRUNCATE attempts, deliveries, events, webhooks, documentations, api_keys, organizations CASCADE');
}

/** Obliterates the bench queues and anything else under their prefixes (reconciler lock, …). */
export async function resetQueues(redis: Redis, prefixes: string[]): Promise<void> {
  for (const prefix of prefixes) {
    const queue = new Queue(DELIVERIES_QUEUE, { connection: redis, prefix });
    await queue.obliterate({ force: true, count: 5_000 });
    await queue.close();
    let cursor = '0';
    // Bounded: a bench prefix holds at most a few hundred thousand keys.
    for (let round = 0; round < 10_000; round += 1) {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 5_000);
      if (keys.length > 0) await redis.unlink(...keys);
      cursor = next;
      if (cursor === '0') break;
    }
  }
}

export interface SeededTenant {
  organizationId: string;
  documentations: Array<{ id: string; slug: string; name: string; description: string | null; humanUrl: string | null; createdAt: Date; updatedAt: Date }>;
  /** Secret of hook n (its URL ends in /hook/<n>), as the user was shown it. */
  secrets: string[];
  webhookIds: string[];
}

export interface SeedOptions {
  apiKey: string;
  documentations: number;
  webhooksPerDocumentation: number;
  /** URL of hook n. */
  url: (n: number) => string;
}

/** Organization `default` with the bootstrap key, documentations and webhooks, written straight to PostgreSQL. */
export async function seedTenant(db: Db, options: SeedOptions): Promise<SeededTenant> {
  const organizationId = await ensureOrganization(db, 'default');
  await storeApiKey(db, organizationId, options.apiKey, 'bench');
  const box = new SecretBox(BENCH_SECRETS_KEY);
  const now = new Date();
  const documentations = Array.from({ length: options.documentations }, (_, i) => ({
    id: uuidv7(),
    organizationId,
    slug: `bench-${i}`,
    name: `Bench API ${i}`,
    description: 'Benchmark documentation',
    humanUrl: `https://docs.example.test/bench-${i}`,
    createdAt: now,
    updatedAt: now,
  }));
  await db.prisma.documentation.createMany({ data: documentations });
  const secrets: string[] = [];
  const webhookIds: string[] = [];
  const webhooks = [];
  for (const doc of documentations) {
    for (let j = 0; j < options.webhooksPerDocumentation; j += 1) {
      const n = secrets.length;
      const id = uuidv7();
      const secret = generateSecret();
      secrets.push(secret);
      webhookIds.push(id);
      webhooks.push({ id, organizationId, documentationId: doc.id, url: options.url(n), secretEncrypted: box.seal(secret, id) });
    }
  }
  await db.prisma.webhook.createMany({ data: webhooks });
  return { organizationId, documentations: documentations.map(({ organizationId: _, ...doc }) => doc), secrets, webhookIds };
}

/** The diff every producer posts: the repository's sample structural change. */
export function sampleDiff(): Record<string, unknown> {
  const file = path.join(REPO_ROOT, 'test/fixtures/structure-change.json');
  return (JSON.parse(readFileSync(file, 'utf8')) as { diff: Record<string, unknown> }).diff;
}

export interface DueDelivery {
  deliveryId: string;
  webhookId: string;
  eventId: string;
}

/**
 * `count` events of one delivery each, committed in a few statements (what
 * the API would have written), for the "jobs already due" scenario.
 */
export async function insertDueDeliveries(db: Db, tenant: SeededTenant, count: number): Promise<DueDelivery[]> {
  const diff = sampleDiff();
  const due: DueDelivery[] = [];
  const chunk = 2_000;
  for (let start = 0; start < count; start += chunk) {
    const rows = Array.from({ length: Math.min(chunk, count - start) }, (_, k) => {
      const n = start + k;
      const doc = tenant.documentations[n % tenant.documentations.length]!;
      const webhookId = tenant.webhookIds[n % tenant.webhookIds.length]!;
      // Distinct bodies: each event is its own cache entry in the worker, the memory-heavy case.
      const body = JSON.stringify({ api: apiSnapshot(doc, null), diff: { ...diff, id: `due-${n}` } });
      return { eventId: uuidv7(), deliveryId: uuidv7(), webhookId, documentationId: doc.id, body };
    });
    await db.pool.query(
      `INSERT INTO events (id, organization_id, documentation_id, type, body, delivery_count)
       SELECT id, $1::uuid, doc, 'documentation.structure_change', body, 1 FROM unnest($2::uuid[], $3::uuid[], $4::text[]) AS u(id, doc, body)`,
      [tenant.organizationId, rows.map((r) => r.eventId), rows.map((r) => r.documentationId), rows.map((r) => r.body)],
    );
    await db.pool.query(
      `INSERT INTO deliveries (id, event_id, webhook_id, status, next_attempt_at)
       SELECT id, ev, wh, 'pending', now() FROM unnest($1::uuid[], $2::uuid[], $3::uuid[]) AS u(id, ev, wh)`,
      [rows.map((r) => r.deliveryId), rows.map((r) => r.eventId), rows.map((r) => r.webhookId)],
    );
    for (const r of rows) due.push({ deliveryId: r.deliveryId, webhookId: r.webhookId, eventId: r.eventId });
  }
  return due;
}

/**
 * delivery id → its event: id, and when the API accepted it (events.created_at,
 * stamped as ingest starts, before the commit and the enqueue), in epoch ms.
 */
export async function deliveryEvents(db: Db): Promise<Map<string, { eventId: string; acceptedAtMs: number }>> {
  const { rows } = await db.pool.query<{ id: string; event_id: string; at: number }>(
    'SELECT d.id, d.event_id, extract(epoch FROM e.created_at)::float8 * 1000 AS at FROM deliveries d JOIN events e ON e.id = d.event_id',
  );
  return new Map(rows.map((r) => [r.id, { eventId: r.event_id, acceptedAtMs: Number(r.at) }]));
}

export interface StoredOutcome {
  deliveries: number;
  byStatus: Record<string, number>;
  attempts: number;
}

export async function storedOutcome(db: Db): Promise<StoredOutcome> {
  const status = await db.pool.query<{ status: string; n: number }>('SELECT status::text AS status, count(*)::int AS n FROM deliveries GROUP BY status');
  const attempts = await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM attempts');
  const byStatus = Object.fromEntries(status.rows.map((r) => [r.status, r.n]));
  return { deliveries: status.rows.reduce((sum, r) => sum + r.n, 0), byStatus, attempts: attempts.rows[0]?.n ?? 0 };
}
