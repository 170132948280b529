/**
 * Retention under load: prune 1,000,000 expired attempts (with their
 * deliveries and events) while producers post events at a steady paced rate,
 * and compare the ingest answer times during pruning with those just before.
 *
 *   npm run bench:retention [-- --quick] [--rate N]   (quick: 100,000 attempts, 1 s slices; N events/s, default 200, quick 100)
 *
 * The API runs from its production bundle, as in the main benchmark; pruning
 * runs the worker's code (pruneWithLock) with its defaults (DEFAULT_BATCH_SIZE
 * rows per statement, deleting DEFAULT_BUSY_SHARE of the time). Ingest runs throughout; pruning is switched on
 * and off in alternating slices of a few seconds, and each answer counts for
 * the slice it was sent in, so load from anything else on the machine falls
 * on both sides alike.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import IORedis from 'ioredis';
import { Pool } from 'undici';
import { DEFAULT_BATCH_SIZE, DEFAULT_BUSY_SHARE, generateApiKey, pruneWithLock, type PruneResult } from '@hookline/db';
import { BENCH_REDIS_URL, REPO_ROOT } from './lib/config';
import { openBenchDatabase, resetQueues, sampleDiff, seedTenant, truncateAll } from './lib/database';
import { killAllChildren, sleep } from './lib/processes';
import { Stack } from './lib/stack';
import { percentiles, ratio, round } from './lib/stats';

const PREFIX = '{hookline-bench-retention}';
const DAY = 86_400_000;

const quick = process.argv.includes('--quick');
const rateArg = process.argv.indexOf('--rate');
const base = quick
  ? { attempts: 100_000, attemptsPerDelivery: 10, deliveriesPerEvent: 10, rate: 100, sliceS: 1, maxPruneS: 60 }
  : { attempts: 1_000_000, attemptsPerDelivery: 10, deliveriesPerEvent: 10, rate: 200, sliceS: 3, maxPruneS: 900 };
const plan = { ...base, rate: rateArg > 0 ? Number(process.argv[rateArg + 1]) : base.rate };
if (!(plan.rate > 0)) throw new Error('--rate takes a number of events per second');

interface Sample {
  sentAt: number;
  ms: number;
  ok: boolean;
  /** Whether pruning was running when it was sent. */
  pruning: boolean;
}

/** Open loop at `rate` events/s until `stop()` says so: each POST leaves at its due time, answered or not. */
async function pacedIngest(baseUrl: string, apiKey: string, slug: string, rate: number, stop: () => boolean, pruning: () => boolean = () => false): Promise<Sample[]> {
  const pool = new Pool(baseUrl, { connections: 32, pipelining: 1, keepAliveTimeout: 30_000 });
  const body = JSON.stringify({ diff: sampleDiff() });
  const headers = { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' };
  const samples: Sample[] = [];
  const inFlight = new Set<Promise<void>>();
  const started = performance.now();
  for (let n = 0; !stop(); n++) {
    const due = started + (n * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    const sent = performance.now();
    const during = pruning();
    const request = pool
      .request({ path: `/v1/documentations/${slug}/events`, method: 'POST', headers, body })
      .then(async (response) => {
        await response.body.text();
        samples.push({ sentAt: sent, ms: performance.now() - due, ok: response.statusCode === 202, pruning: during });
      })
      .catch(() => {
        samples.push({ sentAt: sent, ms: performance.now() - due, ok: false, pruning: during });
      });
    inFlight.add(request);
    void request.finally(() => inFlight.delete(request));
  }
  await Promise.all(inFlight);
  await pool.close();
  return samples;
}

async function main(): Promise<void> {
  execFileSync(process.execPath, [path.join(REPO_ROOT, 'scripts/build.mjs'), 'api'], { cwd: REPO_ROOT, stdio: 'inherit' });
  const db = await openBenchDatabase();
  const redis = new IORedis(BENCH_REDIS_URL, { maxRetriesPerRequest: null });
  await resetQueues(redis, [PREFIX]);
  await truncateAll(db);
  const apiKey = generateApiKey();
  // Deliveries go nowhere (no worker runs): only ingest and pruning compete for PostgreSQL.
  const tenant = await seedTenant(db, { apiKey, documentations: 1, webhooksPerDocumentation: 1, url: () => 'http://127.0.0.1:9/hook' });
  const webhookId = tenant.webhookIds[0]!;
  const documentation = tenant.documentations[0]!;

  const deliveries = plan.attempts / plan.attemptsPerDelivery;
  const events = deliveries / plan.deliveriesPerEvent;
  const seedStarted = Date.now();
  // Expired history, 40-70 days old, shaped like real rows (headers, a short response body).
  const old = `now() - interval '40 days' - (g * interval '1 second')`;
  await db.pool.query(
    `INSERT INTO events (id, organization_id, documentation_id, type, body, delivery_count, created_at)
     SELECT gen_random_uuid(), $1, $2, 'documentation.structure_change', repeat('x', 600), $3, ${old} FROM generate_series(1, $4) g`,
    [tenant.organizationId, documentation.id, plan.deliveriesPerEvent, events],
  );
  await db.pool.query(
    `INSERT INTO deliveries (id, event_id, webhook_id, organization_id, status, attempts, last_status_code, last_attempt_at, created_at, updated_at)
     SELECT gen_random_uuid(), e.id, $1, $2, 'succeeded', $3, 200, e.created_at, e.created_at, e.created_at
       FROM events e, generate_series(1, $4) k`,
    [webhookId, tenant.organizationId, plan.attemptsPerDelivery, plan.deliveriesPerEvent],
  );
  await db.pool.query(
    `INSERT INTO attempts (id, delivery_id, trigger, attempted_at, request_headers, response_status, response_headers, response_body, duration_ms)
     SELECT gen_random_uuid(), d.id, 'scheduled', d.created_at - (k * interval '1 minute'),
            jsonb_build_object('webhook-id', d.id, 'webhook-timestamp', '1700000000', 'content-type', 'application/json'),
            200, '{"content-type": "text/plain"}'::jsonb, repeat('o', 120), 15
       FROM deliveries d, generate_series(1, $1) k`,
    [plan.attemptsPerDelivery],
  );
  await db.pool.query('VACUUM ANALYZE attempts, deliveries, events');
  const seedMs = Date.now() - seedStarted;
  process.stdout.write(`seeded ${plan.attempts} expired attempts, ${deliveries} deliveries, ${events} events in ${round(seedMs / 1000, 1)} s\n`);

  const loadBefore = loadavg().map((value) => round(value, 1));
  const stack = new Stack({ impl: 'hookline', prefix: PREFIX, apiKey, workers: 0, api: true });
  const prune: PruneResult = { attempts: 0, deliveries: 0, events: 0, batches: 0, durationMs: 0, complete: false };
  let samples: Sample[] = [];
  let slices = 0;
  try {
    await stack.startApi();
    // Warm-up: JIT, pools, the key and documentation caches.
    await pacedIngest(stack.apiUrl, apiKey, documentation.slug, plan.rate, ((end) => () => performance.now() > end)(performance.now() + 2_000));

    let pruning = false;
    let done = false;
    const ingest = pacedIngest(stack.apiUrl, apiKey, documentation.slug, plan.rate, () => done, () => pruning);
    const cutoff = new Date(Date.now() - 30 * DAY);
    const deadline = Date.now() + plan.maxPruneS * 1000;
    while (!prune.complete && Date.now() < deadline) {
      await sleep(plan.sliceS * 1000);
      pruning = true;
      const sliceEnd = Date.now() + plan.sliceS * 1000;
      const slice = await pruneWithLock(db, { cutoff, shouldStop: () => Date.now() > sliceEnd });
      pruning = false;
      slices++;
      if (!slice) throw new Error('the retention lock is held by something else');
      for (const key of ['attempts', 'deliveries', 'events', 'batches', 'durationMs'] as const) prune[key] += slice[key];
      prune.complete = slice.complete;
    }
    // One more slice without pruning, so both sides have as many.
    await sleep(plan.sliceS * 1000);
    done = true;
    samples = await ingest;
  } finally {
    await stack.stop();
    killAllChildren();
  }
  const remaining = (await db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM attempts WHERE attempted_at < now() - interval '30 days'`)).rows[0]!.n;

  const summary = (samples: Sample[]) => ({
    ...percentiles(samples.filter((s) => s.ok).map((s) => s.ms)),
    errors: samples.filter((s) => !s.ok).length,
  });
  const before = summary(samples.filter((sample) => !sample.pruning));
  const whilePruning = summary(samples.filter((sample) => sample.pruning));
  const result = {
    scenario: 'retention',
    quick,
    at: new Date().toISOString(),
    conditions: {
      expiredAttempts: plan.attempts,
      expiredDeliveries: deliveries,
      expiredEvents: events,
      ingestRatePerSecond: plan.rate,
      batchSize: DEFAULT_BATCH_SIZE,
      busyShare: DEFAULT_BUSY_SHARE,
      sliceSeconds: plan.sliceS,
      pruningSlices: slices,
      machine: '2 cores shared; PostgreSQL 15 and Redis 7 on the same host; API from its bundle; no worker',
    },
    seedSeconds: round(seedMs / 1000, 1),
    loadAverage: { before: loadBefore, after: loadavg().map((value) => round(value, 1)) },
    prune: {
      ...prune,
      seconds: round(prune.durationMs / 1000, 1),
      attemptsPerSecond: round(prune.attempts / (prune.durationMs / 1000)),
      rowsPerSecond: round((prune.attempts + prune.deliveries + prune.events) / (prune.durationMs / 1000)),
    },
    expiredAttemptsLeft: remaining,
    ingestMs: { before, whilePruning },
    p99Ratio: ratio(whilePruning.p99, before.p99),
    p50Ratio: ratio(whilePruning.p50, before.p50),
    target: 'ingest p99 while pruning ≤ 1.5 × without',
  };
  const outDir = path.join(REPO_ROOT, 'bench/results');
  mkdirSync(outDir, { recursive: true });
  writeFileSync(path.join(outDir, quick ? 'retention-quick.json' : 'retention.json'), `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  await resetQueues(redis, [PREFIX]);
  await truncateAll(db);
  await redis.quit();
  await db.close();
}

main().catch((error: unknown) => {
  killAllChildren();
  process.stderr.write(`bench:retention failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
