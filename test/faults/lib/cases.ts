import { sleep } from '../../support/processes';
import type { CaseContext, CaseDefinition, FaultsSize, Plan } from './case-runner';
import type { Behaviour } from '../../support/chaos-receiver';
import { DELIVERY_TIMEOUT_MS } from './stack';

const plan = (reduced: Plan, full: Plan) => (size: FaultsSize) => (size === 'full' ? full : reduced);
const standardPlan = plan({ events: 150, ratePerSecond: 50, concurrency: 8, workers: 3 }, { events: 1500, ratePerSecond: 100, concurrency: 16, workers: 3 });

/** Healthy receivers that take their time, some of them close to the delivery timeout, so work is always in flight. */
const busy: Behaviour = { latencyMs: [20, 300], slow: 0.05, slowMs: [600, 800] };
/**
 * The first attempt of 40 % of the deliveries fails: at any moment retries wait in Redis as
 * delayed jobs; some answers come close to the timeout.
 */
const retrying: Behaviour = { failFirst: 1, failFirstShare: 0.4, latencyMs: [10, 200], slow: 0.1, slowMs: [700, 900] };

/** Requests the receivers saw cut off by the client in [from, to]. */
const abortedBetween = (ctx: CaseContext, from: number, to: number) =>
  ctx.endpoints.flatMap((e) => e.aborted.filter((a) => a.at >= from && a.at <= to).map((a) => ({ ...a, endpoint: e })));

export const workerKill: CaseDefinition = {
  name: 'worker-kill',
  title: 'kill -9 of one of three workers mid-run',
  plan: standardPlan,
  endpoints: [
    { name: 'a', behaviour: busy },
    { name: 'b', behaviour: busy },
  ],
  async inject(ctx) {
    await ctx.acked(0.3);
    const victim = ctx.stack.workers[0]!;
    ctx.fault(`kill -9 ${victim.child.name} (pid ${victim.child.pid})`);
    ctx.stack.kill9Worker(victim);
  },
  verify(ctx) {
    // The requests the dead worker had open: each must come back (stalled job handed to another worker) and be delivered.
    const stranded = abortedBetween(ctx, ctx.faultAt!, ctx.faultAt! + 500);
    const failures: string[] = [];
    let latest = 0;
    for (const s of stranded) {
      const ackAt = s.endpoint.ids.get(s.id)?.firstAckAt;
      if (!ackAt) failures.push(`request ${s.id} cut by the kill was never delivered`);
      else latest = Math.max(latest, ackAt - ctx.faultAt!);
    }
    ctx.note(`${stranded.length} requests were open in the killed worker; the last came back delivered after ${(latest / 1000).toFixed(1)} s`);
    return failures;
  },
};

export const apiKill: CaseDefinition = {
  name: 'api-kill',
  title: 'kill -9 of the API mid-ingest, restarted on the same port',
  plan: standardPlan,
  endpoints: [
    { name: 'a', behaviour: busy },
    { name: 'b', behaviour: busy },
  ],
  async inject(ctx) {
    await ctx.accepted(0.4);
    ctx.fault('kill -9 the API');
    ctx.stack.killApi();
    await sleep(1_000);
    await ctx.stack.startApi();
    ctx.note('API started again');
  },
  verify(ctx, t) {
    ctx.note(`${t.replayed} events were accepted only on a retry with the same Idempotency-Key; ${ctx.producer.failures} requests failed on the way`);
    return ctx.producer.failures === 0 ? ['the kill did not fail any producer request: the fault missed the ingest path'] : [];
  },
};

export const redisFlush: CaseDefinition = {
  name: 'redis-flush',
  title: 'Redis loses its data (FLUSHALL) mid-run',
  plan: standardPlan,
  endpoints: [
    { name: 'a', behaviour: retrying },
    { name: 'b', behaviour: retrying },
  ],
  async inject(ctx) {
    await ctx.acked(0.3);
    ctx.fault('FLUSHALL on the queue Redis');
    await ctx.redis.flushAll();
  },
};

export const redisRestart: CaseDefinition = {
  name: 'redis-restart',
  title: 'Redis killed and started again (empty) on the same port',
  plan: standardPlan,
  endpoints: [
    { name: 'a', behaviour: retrying },
    { name: 'b', behaviour: retrying },
  ],
  async inject(ctx) {
    await ctx.acked(0.3);
    ctx.fault('kill -9 redis-server; 2 s down');
    await ctx.redis.restart(2_000);
    ctx.note('redis-server started again, empty');
  },
};

export const postgresRestart: CaseDefinition = {
  name: 'postgres-restart',
  title: 'PostgreSQL stopped for 3 s mid-run, then started again',
  plan: standardPlan,
  privatePostgres: true,
  endpoints: [
    { name: 'a', behaviour: retrying },
    { name: 'b', behaviour: retrying },
  ],
  async inject(ctx) {
    await ctx.acked(0.3);
    ctx.fault('PostgreSQL stopped (pg_ctl stop -m fast)');
    await ctx.postgres!.stopServer('fast');
    await sleep(3_000);
    await ctx.postgres!.startServer();
    ctx.note('PostgreSQL started again');
  },
  verify(ctx, t) {
    const held = ctx.stack.children.some((c) => c.lines.some((l) => l.includes('attempt records not written yet')));
    ctx.note(held ? 'workers held attempt records while PostgreSQL was down and wrote them afterwards' : 'no worker had to hold an attempt record');
    // No worker died: every request the receivers saw must have its attempt in PostgreSQL.
    return t.unrecordedRequests > 0 ? [`${t.unrecordedRequests} requests reached a receiver without an attempt record`] : [];
  },
};

/** Each endpoint draws from its own seeded sequence. */
const chaos: Behaviour = { fail5xx: 0.3, hang: 0.1, reset: 0.05, slow: 0.05, slowMs: [800, 950], latencyMs: [0, 50] };

export const chaosReceivers: CaseDefinition = {
  name: 'chaos-receivers',
  title: 'receivers: 30 % 5xx, 10 % hang past the timeout, 5 % reset, 5 % near the timeout; one endless body',
  // Three endpoints, and at 45 % failures the circuits open now and then (deferring up to minutes): a smaller full size.
  plan: plan({ events: 150, ratePerSecond: 50, concurrency: 8, workers: 3 }, { events: 800, ratePerSecond: 80, concurrency: 16, workers: 3 }),
  settleTimeoutMs: 180_000,
  endpoints: [
    { name: 'a', behaviour: chaos },
    { name: 'b', behaviour: chaos },
    { name: 'endless', behaviour: { endless: true } },
  ],
  async inject() {
    // The receivers are the fault.
  },
  verify(ctx, t) {
    const [a, b, endless] = ctx.endpoints;
    const cut = a!.aborted.length + b!.aborted.length;
    ctx.note(`${t.requests} requests for ${t.sent} deliveries; ${cut} cut by the client (hangs past ${DELIVERY_TIMEOUT_MS} ms)`);
    const failures: string[] = [];
    if (cut === 0) failures.push('no request hung past the timeout: the chaos did not happen');
    if (endless!.acks < ctx.producer.accepted.length) failures.push(`the endless-body endpoint acknowledged ${endless!.acks} of ${ctx.producer.accepted.length}`);
    return failures;
  },
};

export const sigtermAll: CaseDefinition = {
  name: 'sigterm-workers',
  title: 'SIGTERM to every worker mid-run, then new workers finish the rest',
  plan: standardPlan,
  endpoints: [
    { name: 'a', behaviour: { latencyMs: [100, 600] } },
    { name: 'b', behaviour: { latencyMs: [100, 600] } },
  ],
  async inject(ctx) {
    await ctx.acked(0.3);
    ctx.fault('SIGTERM to every worker');
    const exits = await ctx.stack.terminateWorkers();
    ctx.note(`workers exited: ${exits.map((e) => `${e.name} code ${e.code} after ${(e.ms / 1000).toFixed(1)} s`).join(', ')}`);
    (ctx as CaseContext & { exits?: typeof exits }).exits = exits;
    await ctx.stack.startWorkers(2);
    ctx.note('two new workers started');
  },
  verify(ctx, t) {
    const exits = (ctx as CaseContext & { exits?: Array<{ name: string; code: unknown }> }).exits ?? [];
    const failures: string[] = [];
    for (const e of exits) if (e.code !== 0) failures.push(`${e.name} exited with ${String(e.code)} after SIGTERM`);
    const cut = abortedBetween(ctx, ctx.faultAt!, Date.now());
    if (cut.length > 0) failures.push(`${cut.length} in-flight requests were cut by the shutdown`);
    if (t.duplicates > 0) failures.push(`${t.duplicates} deliveries were attempted twice`);
    if (t.unrecordedRequests > 0) failures.push(`${t.unrecordedRequests} attempts were made but not recorded`);
    return failures;
  },
};

/** The q-quantile of sorted values; NaN when there are none. */
export const percentile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;

/**
 * The fairness verdict on the healthy endpoint's waits (202 → first 2xx, sorted):
 * nothing measured, or fewer than were accepted, fails too; a NaN p99 would
 * otherwise pass every `>` comparison.
 */
export function healthyWaitFailures(waits: number[], accepted: number, limitMs: number): string[] {
  if (waits.length === 0) return ['no delivery to the healthy endpoint was measured'];
  const failures: string[] = [];
  if (waits.length < accepted) failures.push(`only ${waits.length} of ${accepted} deliveries to the healthy endpoint were measured`);
  const p99 = percentile(waits, 0.99);
  if (!(p99 <= limitMs)) failures.push(`the healthy endpoint waited ${p99} ms (p99) behind the hanging one`);
  return failures;
}

/** The per-endpoint cap of one worker process at WORKER_CONCURRENCY=64 (see DeliveryWorker). */
const PER_ENDPOINT_CAP = Math.max(4, Math.ceil(64 / 4));

export const fairness: CaseDefinition = {
  name: 'fairness',
  title: 'one endpoint hangs on every request; a healthy one shares the workers',
  plan: plan({ events: 150, ratePerSecond: 75, concurrency: 8, workers: 3 }, { events: 1000, ratePerSecond: 100, concurrency: 16, workers: 3 }),
  endpoints: [
    { name: 'hanging', behaviour: { hang: 1 } },
    { name: 'healthy', behaviour: { latencyMs: [5, 20] } },
  ],
  uncounted: ['hanging'],
  async inject() {
    // The hanging endpoint is the fault.
  },
  async settled(ctx) {
    const healthy = ctx.endpoints[1]!;
    return ctx.producer.accepted.length === ctx.plan.events && [...healthy.ids.values()].filter((r) => r.acks > 0).length >= ctx.plan.events;
  },
  verify(ctx) {
    const [hanging, healthy] = ctx.endpoints;
    const acceptedAt = new Map(ctx.producer.accepted.map((a) => [a.diffId, a.at]));
    const waits: number[] = [];
    for (const [diffId, ids] of healthy!.diffIds) {
      const ackAt = healthy!.ids.get([...ids][0]!)?.firstAckAt;
      const at = acceptedAt.get(diffId);
      if (ackAt && at) waits.push(ackAt - at);
    }
    waits.sort((x, y) => x - y);
    const p = (q: number) => percentile(waits, q);
    // Counted at the receiver, which holds a request open until it sees the connection close,
    // some time after the worker gave up on it (timeout) and took its next job: this count runs
    // above the workers' own cap (PER_ENDPOINT_CAP each). What fairness must prevent is the
    // hanging endpoint taking every slot; that is the bound checked.
    const cap = PER_ENDPOINT_CAP * ctx.plan.workers;
    const allSlots = 64 * ctx.plan.workers;
    ctx.note(`healthy endpoint: 202 → delivered p50 ${p(0.5)} ms, p99 ${p(0.99)} ms, max ${waits[waits.length - 1]} ms; hanging endpoint: at most ${hanging!.maxOpen} requests open at once (workers' cap ${cap}; all slots ${allSlots})`);
    const failures: string[] = [];
    if (hanging!.maxOpen >= allSlots) failures.push(`the hanging endpoint had ${hanging!.maxOpen} requests open at once: every worker slot`);
    failures.push(...healthyWaitFailures(waits, ctx.producer.accepted.length, 3 * DELIVERY_TIMEOUT_MS));
    return failures;
  },
};

export const ALL_CASES: CaseDefinition[] = [workerKill, apiKill, redisFlush, redisRestart, postgresRestart, chaosReceivers, sigtermAll, fairness];
