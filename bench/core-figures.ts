/**
 * Two figures of the core pipeline, measured on this machine:
 *  1. latency from POST /v1/documentations/{doc}/events to the receiver's
 *     request, one event at a time, with the API and one worker running as
 *     their own processes (median and p90 of 100);
 *  2. attempt records written per second by one batched statement, for
 *     several batch sizes (recordAttempts, as the worker calls it).
 *
 *   node --import tsx bench/core-figures.ts
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { Client } from 'pg';
import { applyMigrations, createDb, generateApiKey, recordAttempts, uuidv7, type AttemptRecord } from '@hookline/db';

const root = path.resolve(__dirname, '..');
const DATABASE = 'hookline_core_figures';
const DATABASE_URL = `postgresql://postgres@127.0.0.1:5432/${DATABASE}`;
const PORT = 3917;
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

async function resetDatabase(): Promise<void> {
  const admin = new Client({ connectionString: 'postgresql://postgres@127.0.0.1:5432/postgres' });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`);
  await admin.end();
  await applyMigrations(DATABASE_URL);
}

async function latency(): Promise<number[]> {
  const arrivals = new Map<string, number>();
  const waiting = new Map<string, () => void>();
  const receiver = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const id = req.headers['webhook-id'] as string;
      arrivals.set(id, performance.now());
      res.writeHead(200).end();
      waiting.get(id)?.();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;

  const key = generateApiKey();
  const env = {
    ...process.env,
    DATABASE_URL,
    PORT: String(PORT),
    BOOTSTRAP_API_KEY: key,
    SECRETS_KEY: Buffer.alloc(32, 3).toString('base64'),
    QUEUE_PREFIX: '{hookline-figures}',
    DELIVERY_ALLOWED_CIDRS: '127.0.0.0/8',
    LOG_LEVEL: 'warn',
  };
  const start = (entry: string): ChildProcess => spawn(process.execPath, ['--import', 'tsx', path.join(root, entry)], { cwd: root, env, stdio: 'inherit' });
  const children = [start('apps/api/src/main.ts'), start('apps/worker/src/main.ts')];
  const base = `http://127.0.0.1:${PORT}`;
  try {
    for (let i = 0; ; i++) {
      const ready = await fetch(`${base}/readyz`).then((r) => r.ok, () => false);
      if (ready) break;
      if (i > 300) throw new Error('the API did not become ready');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const call = (route: string, body: unknown) =>
      fetch(base + route, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify(body) }).then((r) => r.json());
    await call('/v1/documentations', { slug: 'payments', name: 'Payments API' });
    await call('/v1/documentations/payments/webhooks', { url: receiverUrl });
    const diff = (await import('../test/fixtures/structure-change.json')).diff;

    const samples: number[] = [];
    for (let i = 0; i < 110; i++) {
      const sent = performance.now();
      const accepted = (await call('/v1/documentations/payments/events', { diff })) as { id: string };
      const { rows } = await pool().query('SELECT id FROM deliveries WHERE event_id = $1', [accepted.id]);
      const id = rows[0].id as string;
      if (!arrivals.has(id)) await new Promise<void>((resolve) => waiting.set(id, resolve));
      // The first ten warm the caches and connection pools.
      if (i >= 10) samples.push(arrivals.get(id)! - sent);
    }
    return samples.sort((a, b) => a - b);
  } finally {
    for (const child of children) child.kill('SIGTERM');
    await Promise.all(children.map((child) => new Promise((resolve) => (child.exitCode === null ? child.once('exit', resolve) : resolve(null)))));
    receiver.close();
  }
}

let sharedPool: ReturnType<typeof createDb>['pool'] | null = null;
const db = createDb(DATABASE_URL, { max: 2 });
const pool = () => (sharedPool ??= db.pool);

async function batchWrites(): Promise<Array<{ batch: number; rowsPerSecond: number; ms: number }>> {
  // Each record of a batch moves its own delivery, as in a worker under load.
  const { rows } = await db.pool.query(`
    INSERT INTO deliveries (id, event_id, webhook_id, status, next_attempt_at)
    SELECT gen_random_uuid(), d.event_id, d.webhook_id, 'pending', now()
      FROM (SELECT event_id, webhook_id FROM deliveries LIMIT 1) d, generate_series(1, 5000)
    RETURNING id`);
  const deliveryIds = rows.map((row) => row.id as string);
  const record = (deliveryId: string): AttemptRecord => ({
    id: uuidv7(),
    deliveryId,
    trigger: 'scheduled',
    attemptedAt: new Date(),
    requestHeaders: { 'content-type': 'application/json', 'user-agent': 'Hookline/0.1.0', 'X-Bump-Event': 'documentation.structure_change', 'X-Bump-Signature-256': `sha256=${'a'.repeat(64)}`, 'webhook-id': deliveryId, 'webhook-timestamp': '1790000000', 'webhook-signature': `v1,${'b'.repeat(44)}` },
    responseStatus: 200,
    responseHeaders: { 'content-type': 'application/json', 'content-length': '17' },
    responseBody: '{"received":true}',
    durationMs: 4,
    errorKind: null,
    errorMessage: null,
    nextStatus: 'succeeded',
    nextAttemptAt: null,
  });
  const results = [];
  for (const batch of [100, 1_000, 5_000]) {
    const runs: number[] = [];
    for (let run = 0; run < 5; run++) {
      const records = deliveryIds.slice(0, batch).map(record);
      const started = performance.now();
      await recordAttempts(db, records);
      runs.push(performance.now() - started);
    }
    const median = runs.sort((a, b) => a - b)[2]!;
    results.push({ batch, ms: Math.round(median * 10) / 10, rowsPerSecond: Math.round(batch / (median / 1000)) });
  }
  return results;
}

async function main(): Promise<void> {
  await resetDatabase();
  const samples = await latency();
  console.log(`POST /events → receiver, one at a time (n=${samples.length}): median ${percentile(samples, 50).toFixed(1)} ms, p90 ${percentile(samples, 90).toFixed(1)} ms, min ${samples[0]!.toFixed(1)} ms, max ${samples.at(-1)!.toFixed(1)} ms`);
  for (const row of await batchWrites()) console.log(`recordAttempts, batch of ${row.batch}: ${row.ms} ms (median of 5) → ${row.rowsPerSecond} attempts/s`);
  await db.close();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
