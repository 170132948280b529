import { loadavg } from 'node:os';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { generateApiKey, type Db } from '@hookline/db';
import { DELIVERIES_QUEUE, DeliveryQueue, QUEUE_PREFIX, webhookChangesChannel } from '@hookline/queue';
import { wallClock } from '../../test/support/bench-receiver';
import { ALL_PREFIXES, BENCH_REDIS_URL, CEILING_PREFIX, HOOKLINE_PREFIX, NAIVE_PREFIX, PRODUCERS, WORKER_CONCURRENCY } from './config';
import { deliveryEvents, insertDueDeliveries, resetQueues, sampleDiff, seedTenant, storedOutcome, truncateAll, type SeededTenant } from './database';
import { produceEvents, type ProduceResult } from './producers';
import { peakRssMb, sleep, spawnNode, stopChild, type Child } from '../../test/support/processes';
import type { Progress } from './progress';
import type { ReceiverHandle } from './receiver-client';
import type { CeilingResult, DueResult, PipelineResult } from './results';
import { Stack, type Implementation } from './stack';
import { percentiles, round } from './stats';

export interface BenchContext {
  db: Db;
  redis: Redis;
  receiver: ReceiverHandle;
  progress: Progress;
  /** Wall-clock ms after which every wait gives up. */
  deadline: number;
  /** Longest wait for the last deliveries of one scenario. */
  drainTimeoutMs: number;
}

/** Posted and delivered before each measurement (JIT, pools, the worker's webhook cache), not counted. */
export const WARM_UP_EVENTS = 64;

const remaining = (ctx: BenchContext, capMs: number) => Math.max(0, Math.min(capMs, ctx.deadline - Date.now()));

async function freshState(ctx: BenchContext): Promise<void> {
  await resetQueues(ctx.redis, ALL_PREFIXES);
  await truncateAll(ctx.db);
  await ctx.receiver.reset();
}

async function seed(ctx: BenchContext, apiKey: string, documentations: number, fanout: number, origins: 'spread' | 'single'): Promise<SeededTenant> {
  const ports = ctx.receiver.ports;
  const tenant = await seedTenant(ctx.db, {
    apiKey,
    documentations,
    webhooksPerDocumentation: fanout,
    url: (n) => `http://127.0.0.1:${origins === 'single' ? ports[0] : ports[n % ports.length]}/hook/${n}`,
  });
  await ctx.receiver.setSecrets(tenant.secrets);
  return tenant;
}

/** Waits until the receiver has `expected` distinct deliveries; returns false on timeout. */
async function waitForDeliveries(ctx: BenchContext, expected: number, timeoutMs: number, label: string, startedAt: number): Promise<boolean> {
  const until = Date.now() + remaining(ctx, timeoutMs);
  for (;;) {
    const stats = await ctx.receiver.stats();
    const elapsed = (wallClock() - startedAt) / 1000;
    ctx.progress.status(`${label}: delivered ${stats.unique}/${expected} · ${Math.round(stats.unique / Math.max(elapsed, 0.001))}/s`);
    if (stats.unique >= expected) return true;
    if (Date.now() >= until) return false;
    await sleep(100);
  }
}

/**
 * A warm-up (JIT, connection pools, the worker's webhook cache) that also
 * proves the plumbing: if nothing arrives, say where the jobs went.
 */
async function warmUp(ctx: BenchContext, stack: Stack, tenant: SeededTenant, apiKey: string, events: number, prefix: string): Promise<void> {
  const result = await produceEvents({
    baseUrl: stack.apiUrl,
    apiKey,
    slugs: tenant.documentations.map((d) => d.slug),
    events,
    producers: Math.min(PRODUCERS, events),
    diff: sampleDiff(),
    postUntil: wallClock() + 20_000,
  });
  if (result.accepted === 0) throw new Error(`the API accepted no events: ${result.errorSamples.join('; ')}`);
  const ok = await waitForDeliveries(ctx, result.deliveriesCreated, 20_000, 'warm-up', result.startedAt);
  if (!ok) {
    // Where did the jobs go? A delivery's job id is its id: any of ours under the default prefix is taken back out.
    const { rows } = await ctx.db.pool.query<{ id: string }>('SELECT id FROM deliveries');
    const stray = new Queue(DELIVERIES_QUEUE, { connection: ctx.redis, prefix: QUEUE_PREFIX });
    let underDefault = 0;
    for (const row of rows) {
      if (await ctx.redis.exists(`${QUEUE_PREFIX}:${DELIVERIES_QUEUE}:${row.id}`)) {
        underDefault += 1;
        await stray.remove(row.id);
      }
    }
    await stray.close();
    const hint = underDefault > 0 ? ` ${underDefault} of their jobs were under ${QUEUE_PREFIX}, not ${prefix} (removed again).` : '';
    throw new Error(`warm-up deliveries did not arrive (${(await ctx.receiver.stats()).unique}/${result.deliveriesCreated}).${hint}`);
  }
  await ctx.receiver.reset();
}

/** What the processes said, when a scenario did not complete. */
async function reportStall(ctx: BenchContext, stack: Stack): Promise<void> {
  const { rows } = await ctx.db.pool.query<{ pid: number; state: string; wait: string | null; age: string; query: string }>(
    `SELECT pid, state, wait_event_type || ':' || wait_event AS wait, (now() - query_start)::text AS age, left(query, 120) AS query
       FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND state <> 'idle'`,
  );
  ctx.progress.log(`PostgreSQL sessions not idle: ${rows.length}\n${rows.map((r) => `  ${r.pid} ${r.state} ${r.wait ?? ''} ${r.age} ${r.query.replace(/\s+/g, ' ')}`).join('\n')}`);
  for (const child of [stack.api, ...stack.workers.map((w) => w.child)]) {
    if (child) ctx.progress.log(`last output of ${child.name}:\n${child.tail().split('\n').slice(-8).join('\n') || '(nothing)'}`);
  }
}

/**
 * Before any job is posted: does the API use our QUEUE_PREFIX? A webhook
 * change is announced on `<prefix>:webhook-changed`, so change one and see
 * which channel hears it. Nothing is enqueued by this probe.
 */
async function checkApiPrefix(ctx: BenchContext, stack: Stack, apiKey: string, tenant: SeededTenant, prefix: string): Promise<void> {
  const listener = ctx.redis.duplicate();
  const heard: string[] = [];
  try {
    listener.on('message', (channel: string) => heard.push(channel));
    await listener.subscribe(webhookChangesChannel(prefix), webhookChangesChannel(QUEUE_PREFIX));
    const response = await fetch(`${stack.apiUrl}/v1/webhooks/${tenant.webhookIds[0]}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ description: 'bench prefix probe' }),
    });
    await response.arrayBuffer();
    if (response.status !== 200) throw new Error(`PATCH /v1/webhooks answered ${response.status}`);
    for (let i = 0; i < 50 && heard.length === 0; i += 1) await sleep(20);
  } finally {
    listener.disconnect();
  }
  if (!heard.includes(webhookChangesChannel(prefix))) {
    throw new Error(
      `the API does not use QUEUE_PREFIX=${prefix} (its announcement went to ${heard.join(', ') || 'no channel'}), so its jobs would land in another queue; ` +
        'stopping before posting anything.',
    );
  }
}

export interface PipelineOptions {
  name: string;
  impl: Implementation;
  workers: number;
  fanout: number;
  /** Most events to post; posting also stops after postSeconds. */
  events: number;
  postSeconds: number;
  origins?: 'spread' | 'single';
  cpuProfileDir?: string;
  /** Paced (open loop) at this many events/s instead of back to back. */
  ratePerSecond?: number;
  env?: Record<string, string>;
}

const cpuPerDelivery = (before: number | null, after: number | null, deliveries: number) =>
  before !== null && after !== null && deliveries > 0 ? round(((after - before) * 1000) / deliveries, 3) : null;

/** Producers → API → queue → workers → receiver, every process separate; measured from the first POST to the last delivery. */
export async function runPipeline(ctx: BenchContext, options: PipelineOptions): Promise<PipelineResult> {
  const { progress } = ctx;
  const prefix = options.impl === 'hookline' ? HOOKLINE_PREFIX : NAIVE_PREFIX;
  const origins = options.origins ?? 'spread';
  await freshState(ctx);
  const load1AtStart = round(loadavg()[0]!, 2);
  const apiKey = generateApiKey();
  // Fan-out 1: 16 documentations of one webhook; fan-out 10: 8 documentations of ten.
  const documentations = options.fanout === 1 ? 16 : 8;
  const tenant = await seed(ctx, apiKey, documentations, options.fanout, origins);
  const stack = new Stack({ impl: options.impl, prefix, apiKey, workers: options.workers, api: true, cpuProfileDir: options.cpuProfileDir, env: options.env });
  progress.log(`${options.name}: starting ${options.impl} API + ${options.workers} worker process(es)`);
  let produced: ProduceResult;
  let drained: boolean;
  let rss: ReturnType<Stack['peakRss']>;
  let metrics: Record<string, number>;
  let cpuBefore: ReturnType<Stack['cpuSeconds']>;
  let cpuAfter: ReturnType<Stack['cpuSeconds']>;
  try {
    await stack.start();
    if (options.impl === 'hookline') await checkApiPrefix(ctx, stack, apiKey, tenant, prefix);
    await warmUp(ctx, stack, tenant, apiKey, WARM_UP_EVENTS, prefix);
    const pace = options.ratePerSecond ? `paced at ${options.ratePerSecond} events/s` : 'back to back';
    progress.log(`${options.name}: posting for ${options.postSeconds} s (at most ${options.events} events, ${pace}) with ${PRODUCERS} producers (fan-out ${options.fanout}, ${origins === 'spread' ? `${ctx.receiver.ports.length} receiver origins` : '1 receiver origin'})`);
    let posted = 0;
    cpuBefore = stack.cpuSeconds();
    produced = await produceEvents({
      baseUrl: stack.apiUrl,
      apiKey,
      slugs: tenant.documentations.map((d) => d.slug),
      events: options.events,
      producers: PRODUCERS,
      diff: sampleDiff(),
      postUntil: Math.min(ctx.deadline, wallClock() + options.postSeconds * 1000),
      ratePerSecond: options.ratePerSecond,
      onProgress: (accepted) => {
        posted = accepted;
        progress.status(`${options.name}: posted ${posted}`);
      },
    });
    if (produced.errors > 0) progress.log(`${options.name}: ${produced.errors} posts failed, e.g. ${produced.errorSamples[0]}`);
    drained = await waitForDeliveries(ctx, produced.deliveriesCreated, ctx.drainTimeoutMs, options.name, produced.startedAt);
    progress.endLine();
    cpuAfter = stack.cpuSeconds();
    if (!drained) await reportStall(ctx, stack);
    rss = stack.peakRss();
    metrics = await stack.workerMetrics();
  } finally {
    await stack.stop();
  }
  const stats = await ctx.receiver.stats();
  const dump = await ctx.receiver.dump();
  const eventOf = await deliveryEvents(ctx.db);
  const endToEnd: number[] = [];
  const afterAnswer: number[] = [];
  for (let i = 0; i < dump.ids.length; i += 1) {
    const event = eventOf.get(dump.ids[i]!);
    const answeredAt = event ? produced.acceptedAt.get(event.eventId) : undefined;
    // Only the measured events (the warm-up's have no answer time here).
    if (!event || answeredAt === undefined) continue;
    endToEnd.push(dump.at[i]! - event.acceptedAtMs);
    afterAnswer.push(dump.at[i]! - answeredAt);
  }
  const stored = await storedOutcome(ctx.db);
  const durationS = stats.lastAt !== null ? (stats.lastAt - produced.startedAt) / 1000 : null;
  const postingS = (produced.finishedAt - produced.startedAt) / 1000;
  const workerRss = rss.workersMb.filter((v): v is number => v !== null);
  const result: PipelineResult = {
    name: options.name,
    kind: 'pipeline',
    impl: options.impl,
    workers: options.workers,
    fanout: options.fanout,
    origins: origins === 'spread' ? ctx.receiver.ports.length : 1,
    load1AtStart,
    ratePerSecond: options.ratePerSecond ?? null,
    events: { requested: options.events, accepted: produced.accepted, failed: produced.errors, perSecond: round(produced.accepted / postingS, 1) },
    deliveries: {
      expected: produced.deliveriesCreated,
      delivered: stats.unique,
      lost: Math.max(0, produced.deliveriesCreated - stats.unique),
      duplicates: stats.duplicates,
      badSignatures: stats.badBump + stats.badStandard,
      badBump: stats.badBump,
      badStandard: stats.badStandard,
      unknownHook: stats.unknownHook,
      complete: drained,
    },
    durationS: durationS === null ? null : round(durationS, 3),
    deliveredPerSecond: durationS ? round(stats.unique / durationS, 1) : null,
    ingestMs: percentiles(produced.latenciesMs),
    endToEndMs: percentiles(endToEnd),
    answerToDeliveryMs: percentiles(afterAnswer),
    rssMb: { api: rss.apiMb, workers: rss.workersMb, workerMax: workerRss.length ? Math.max(...workerRss) : null },
    stored,
    workerMetrics: metrics,
    cpuMsPerDelivery: {
      api: cpuPerDelivery(cpuBefore.api, cpuAfter.api, stats.unique),
      workers: cpuPerDelivery(cpuBefore.workers, cpuAfter.workers, stats.unique),
    },
  };
  progress.log(
    `${options.name}: ${result.deliveries.delivered}/${result.deliveries.expected} delivered in ${result.durationS} s → ${result.deliveredPerSecond}/s; ` +
      `ingest p99 ${result.ingestMs?.p99} ms; end-to-end p99 ${result.endToEndMs?.p99} ms`,
  );
  return result;
}

/** BullMQ itself: N jobs added with addBulk, then drained by no-op workers at the same concurrency. */
export async function runCeiling(ctx: BenchContext, name: string, workers: number, jobs: number): Promise<CeilingResult> {
  const { progress } = ctx;
  await resetQueues(ctx.redis, [CEILING_PREFIX]);
  const load1AtStart = round(loadavg()[0]!, 2);
  progress.log(`${name}: adding ${jobs} no-op jobs, then draining them with ${workers} worker process(es) at concurrency ${WORKER_CONCURRENCY}`);
  const producer = new DeliveryQueue(ctx.redis, { prefix: CEILING_PREFIX });
  const { randomUUID } = await import('node:crypto');
  for (let start = 0; start < jobs; start += 1_000) {
    const count = Math.min(1_000, jobs - start);
    // The same job shape and options as a real delivery job.
    await producer.enqueue(Array.from({ length: count }, () => ({ deliveryId: randomUUID(), webhookId: randomUUID(), eventId: randomUUID() })));
  }
  await producer.close();
  const children: Child[] = [];
  const progressOf = new Map<Child, { completed: number; firstAt: number; lastAt: number }>();
  try {
    for (let i = 0; i < workers; i += 1) {
      const child = spawnNode(`ceiling-${i}`, 'bench/ceiling-worker.ts', {
        env: { REDIS_URL: BENCH_REDIS_URL, QUEUE_PREFIX: CEILING_PREFIX, WORKER_CONCURRENCY: String(WORKER_CONCURRENCY) },
        ipc: true,
      });
      children.push(child);
      progressOf.set(child, { completed: 0, firstAt: 0, lastAt: 0 });
      child.process.on('message', (m: { type: string; completed?: number; firstAt?: number; lastAt?: number }) => {
        if (m.type === 'progress') progressOf.set(child, { completed: m.completed ?? 0, firstAt: m.firstAt ?? 0, lastAt: m.lastAt ?? 0 });
      });
    }
    await Promise.all(
      children.map(
        (child) =>
          new Promise<void>((resolve, reject) => {
            const timer = setTimeout(() => reject(new Error(`${child.name} not ready:\n${child.tail()}`)), 20_000);
            child.process.on('message', (m: { type: string }) => m.type === 'ready' && (clearTimeout(timer), resolve()));
          }),
      ),
    );
    for (const child of children) child.process.send({ type: 'run' });
    const until = Date.now() + remaining(ctx, ctx.drainTimeoutMs);
    const started = Date.now();
    for (;;) {
      const done = [...progressOf.values()].reduce((sum, p) => sum + p.completed, 0);
      progress.status(`${name}: ${done}/${jobs} · ${Math.round(done / Math.max((Date.now() - started) / 1000, 0.001))}/s`);
      if (done >= jobs || Date.now() >= until) break;
      await sleep(100);
    }
    progress.endLine();
    const rss = children.map((c) => peakRssMb(c.pid));
    await Promise.all(children.map((c) => (c.process.send({ type: 'stop' }), Promise.race([c.exited, sleep(10_000)]))));
    const all = [...progressOf.values()];
    const completed = all.reduce((sum, p) => sum + p.completed, 0);
    const firstAt = Math.min(...all.map((p) => p.firstAt).filter((t) => t > 0));
    const lastAt = Math.max(...all.map((p) => p.lastAt));
    const durationS = (lastAt - firstAt) / 1000;
    const result: CeilingResult = {
      name,
      kind: 'ceiling',
      workers,
      concurrency: WORKER_CONCURRENCY,
      load1AtStart,
      jobs,
      completed,
      durationS: round(durationS, 3),
      jobsPerSecond: durationS > 0 ? round(completed / durationS, 1) : null,
      rssMb: { workers: rss },
    };
    progress.log(`${name}: ${completed} jobs in ${result.durationS} s → ${result.jobsPerSecond}/s`);
    return result;
  } finally {
    await Promise.all(children.map((c) => stopChild(c, 5_000)));
    await resetQueues(ctx.redis, [CEILING_PREFIX]);
  }
}

/** Jobs already due when one worker starts: its peak memory, and how fast it drains them without the API competing. */
export async function runDue(
  ctx: BenchContext,
  name: string,
  impl: Implementation,
  jobs: number,
  extra: { cpuProfileDir?: string; compiledWorker?: string; origins?: 'spread' | 'single' } = {},
): Promise<DueResult> {
  const { progress } = ctx;
  const prefix = impl === 'hookline' ? HOOKLINE_PREFIX : NAIVE_PREFIX;
  await freshState(ctx);
  const load1AtStart = round(loadavg()[0]!, 2);
  const apiKey = generateApiKey();
  const origins = extra.origins ?? 'spread';
  const tenant = await seed(ctx, apiKey, 16, 1, origins);
  progress.log(`${name}: writing ${jobs} due deliveries and enqueueing them, then starting one ${impl} worker`);
  const due = await insertDueDeliveries(ctx.db, tenant, jobs);
  if (impl === 'hookline') {
    const queue = new DeliveryQueue(ctx.redis, { prefix });
    for (let start = 0; start < due.length; start += 1_000) await queue.enqueue(due.slice(start, start + 1_000));
    await queue.close();
  } else {
    const queue = new Queue(DELIVERIES_QUEUE, { connection: ctx.redis, prefix });
    for (let start = 0; start < due.length; start += 1_000) {
      await queue.addBulk(
        due.slice(start, start + 1_000).map((d) => ({ name: 'deliver', data: d, opts: { jobId: d.deliveryId, attempts: 4, removeOnComplete: true, removeOnFail: true } })),
      );
    }
    await queue.close();
  }
  const stack = new Stack({ impl, prefix, apiKey, workers: 1, api: false, cpuProfileDir: extra.cpuProfileDir, compiledWorker: extra.compiledWorker });
  const startedAt = wallClock();
  let drained: boolean;
  let rss: ReturnType<Stack['peakRss']>;
  let metrics: Record<string, number>;
  try {
    await stack.start();
    drained = await waitForDeliveries(ctx, jobs, ctx.drainTimeoutMs, name, startedAt);
    progress.endLine();
    if (!drained) await reportStall(ctx, stack);
    rss = stack.peakRss();
    metrics = await stack.workerMetrics();
  } finally {
    await stack.stop();
  }
  const stats = await ctx.receiver.stats();
  const stored = await storedOutcome(ctx.db);
  const durationS = stats.firstAt !== null && stats.lastAt !== null ? (stats.lastAt - stats.firstAt) / 1000 : null;
  const result: DueResult = {
    name,
    kind: 'due',
    impl,
    load1AtStart,
    origins: origins === 'spread' ? ctx.receiver.ports.length : 1,
    runtime: extra.compiledWorker ? 'compiled JavaScript (esbuild bundle, no tsx)' : 'node --import tsx',
    jobs,
    deliveries: {
      expected: jobs,
      delivered: stats.unique,
      lost: Math.max(0, jobs - stats.unique),
      duplicates: stats.duplicates,
      badSignatures: stats.badBump + stats.badStandard,
      badBump: stats.badBump,
      badStandard: stats.badStandard,
      unknownHook: stats.unknownHook,
      complete: drained,
    },
    durationS: durationS === null ? null : round(durationS, 3),
    deliveredPerSecond: durationS ? round(stats.unique / durationS, 1) : null,
    rssMb: { workers: rss.workersMb, workerMax: rss.workersMb[0] ?? null },
    stored,
    workerMetrics: metrics,
  };
  progress.log(`${name}: ${stats.unique}/${jobs} delivered at ${result.deliveredPerSecond}/s; worker peak RSS ${result.rssMb.workerMax} MB`);
  return result;
}
