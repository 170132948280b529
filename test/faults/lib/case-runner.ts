import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Pool } from 'pg';
import { tally, unsettledCount, type Tally } from './ledger';
import { createCaseDatabase, dropDatabase, PrivatePostgres, SHARED_POSTGRES_URL } from './postgres';
import { killAllChildren, poll, sleep, terminate } from '../../support/processes';
import { Producer } from './producer';
import { Endpoint, type Behaviour } from '../../support/chaos-receiver';
import { PrivateRedis } from './redis';
import { DELIVERY_TIMEOUT_MS, FaultStack, MAX_ATTEMPTS } from './stack';

export type FaultsSize = 'reduced' | 'full';

/** FAULTS_SIZE=full for `npm run test:faults`; the reduced size is what `npm test` runs. */
export const faultsSize = (): FaultsSize => (process.env.FAULTS_SIZE === 'full' ? 'full' : 'reduced');

export const RESULTS_DIR = path.resolve(__dirname, '../results');

export interface Plan {
  events: number;
  ratePerSecond: number;
  concurrency: number;
  workers: number;
}

export interface CaseContext {
  stack: FaultStack;
  redis: PrivateRedis;
  postgres: PrivatePostgres | null;
  pool: Pool;
  endpoints: Endpoint[];
  producer: Producer;
  plan: Plan;
  /** When the fault was injected (Date.now()), once it was. */
  faultAt: number | null;
  /** Webhook ids by endpoint name. */
  webhookIds: Map<string, string>;
  /** Deliveries the plan makes: events × webhooks. */
  planned: number;
  /** Marks the moment the fault is injected (the reference of the recovery time). */
  fault(description: string): void;
  note(text: string): void;
  /** Resolves once the receivers acknowledged this share of the planned deliveries. */
  acked(share: number, timeoutMs?: number): Promise<void>;
  /** Resolves once this share of the events got their 202. */
  accepted(share: number, timeoutMs?: number): Promise<void>;
}

export interface CaseDefinition {
  name: string;
  title: string;
  plan(size: FaultsSize): Plan;
  endpoints: Array<{ name: string; behaviour: Behaviour }>;
  /** The case's own PostgreSQL cluster (for restarting it). */
  privatePostgres?: boolean;
  logLevel?: string;
  /** Runs alongside the producers: waits for the right moment, then breaks something. */
  inject(ctx: CaseContext): Promise<void>;
  /** Extra checks after everything settled; returns failure messages. */
  verify?(ctx: CaseContext, tally: Tally): Promise<string[]> | string[];
  settleTimeoutMs?: number;
  /** Done waiting when this is true (default: no delivery pending or retrying in PostgreSQL). */
  settled?(ctx: CaseContext): Promise<boolean>;
  /** Endpoints left out of the sent/delivered/lost figures (reported by verify instead). */
  uncounted?: string[];
}

export interface CaseResult extends Tally {
  case: string;
  title: string;
  size: FaultsSize;
  faultAt: number | null;
  durationMs: number;
  notes: string[];
  failures: string[];
  /** Lines the processes logged at error level (first few). */
  processErrors: string[];
  startedAt: string;
}

export function formatRow(r: CaseResult): string {
  const recovery = r.settledAfterFaultMs === null ? '-' : `${(r.settledAfterFaultMs / 1000).toFixed(1)} s`;
  return `${r.case.padEnd(22)} sent ${String(r.sent).padStart(5)}  delivered ${String(r.delivered).padStart(5)}  duplicates ${String(r.duplicates).padStart(4)}  exhausted ${String(r.exhausted).padStart(4)}  lost ${String(r.lost).padStart(3)}  overlaps ${r.overlaps}  recovery ${recovery}  (${(r.durationMs / 1000).toFixed(1)} s)${r.failures.length ? '  FAILED' : ''}`;
}

export const settleTimeoutFailure = (timeoutMs: number) => `deliveries still pending or retrying after the ${timeoutMs / 1000} s settle wait`;

/** The checks every case shares, from what was measured; the case's own verify() adds to them. */
export function baseFailures(m: { settled: boolean; settleTimeoutMs: number; tally: Tally; producer: { gaveUp: unknown[]; unexpected: unknown[] } }): string[] {
  const { tally: t, producer } = m;
  const failures: string[] = [];
  // Whatever the tally says, a case that never settled did not show recovery.
  if (!m.settled) failures.push(settleTimeoutFailure(m.settleTimeoutMs));
  if (t.sent === 0) failures.push('nothing was accepted');
  if (t.lost > 0) failures.push(`${t.lost} lost: ${t.lostIds.slice(0, 5).join('; ')}`);
  if (t.overlaps > 0) failures.push(`${t.overlaps} requests arrived while the same webhook-id was still in flight`);
  if (t.wrongIds > 0) failures.push(`${t.wrongIds} changes arrived under more than one webhook-id`);
  if (t.badSignatures > 0) failures.push(`${t.badSignatures} requests failed signature verification`);
  if (t.succeededWithoutAck > 0) failures.push(`${t.succeededWithoutAck} deliveries recorded succeeded without a 2xx at the receiver`);
  if (t.shortSchedules > 0) failures.push(`${t.shortSchedules} deliveries exhausted before their ${MAX_ATTEMPTS} attempts`);
  if (producer.gaveUp.length > 0) failures.push(`producers gave up on ${producer.gaveUp.length} events`);
  if (producer.unexpected.length > 0) failures.push(`unexpected answers: ${JSON.stringify(producer.unexpected.slice(0, 3))}`);
  return failures;
}

/** Deliveries settle by themselves; the wait is bounded. */
async function waitSettled(probe: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  return (await poll(() => probe().catch(() => false), timeoutMs, 250)) !== null;
}

export async function runCase(def: CaseDefinition, size: FaultsSize = faultsSize()): Promise<CaseResult> {
  const started = Date.now();
  const suffix = randomBytes(3).toString('hex');
  const plan = def.plan(size);
  const notes: string[] = [];
  let postgres: PrivatePostgres | null = null;
  let redis: PrivateRedis | null = null;
  let stack: FaultStack | null = null;
  let pool: Pool | null = null;
  const endpoints: Endpoint[] = [];
  const dbName = `hookline_faults_${def.name.replace(/-/g, '_')}_${suffix}`;
  const serverUrl = () => (postgres ? postgres.serverUrl : SHARED_POSTGRES_URL);
  try {
    if (def.privatePostgres) postgres = await PrivatePostgres.start();
    const [databaseUrl, privateRedis] = await Promise.all([createCaseDatabase(serverUrl(), dbName), PrivateRedis.start()]);
    redis = privateRedis;
    pool = new Pool({ connectionString: databaseUrl, max: 2 });
    pool.on('error', () => undefined);
    stack = new FaultStack({ databaseUrl, redisUrl: redis.url, logLevel: def.logLevel });
    const s = stack;
    await Promise.all([s.startApi(), s.startWorkers(plan.workers)]);

    const slug = `faults-${def.name}`;
    const webhookIds = new Map<string, string>();
    await s.createDocumentation(slug);
    for (const [i, spec] of def.endpoints.entries()) {
      const endpoint = new Endpoint(spec.name, spec.behaviour, 1000 + i);
      endpoint.clientTimeoutMs = DELIVERY_TIMEOUT_MS;
      await endpoint.start();
      const webhook = await s.createWebhook(slug, endpoint.url);
      endpoint.secret = webhook.secret;
      webhookIds.set(spec.name, webhook.id);
      endpoints.push(endpoint);
    }
    const producer = new Producer(() => s.apiUrl, s.apiKey, slug, `${def.name}-${suffix}`);
    const planned = plan.events * endpoints.length;
    const totalAcks = () => endpoints.reduce((n, e) => n + e.ids.size - [...e.ids.values()].filter((r) => r.acks === 0).length, 0);
    const ctx: CaseContext = {
      stack: s,
      redis,
      postgres,
      pool,
      endpoints,
      producer,
      plan,
      faultAt: null,
      webhookIds,
      planned,
      fault: (description) => {
        ctx.faultAt = Date.now();
        notes.push(`${((ctx.faultAt - started) / 1000).toFixed(1)} s: ${description}`);
      },
      note: (text) => notes.push(`${((Date.now() - started) / 1000).toFixed(1)} s: ${text}`),
      acked: async (share, timeoutMs = 60_000) => {
        const reached = await poll(async () => totalAcks() >= Math.floor(planned * share), timeoutMs, 20);
        if (!reached) throw new Error(`receivers acknowledged ${totalAcks()} of ${planned} deliveries; waited for ${Math.round(share * 100)} %`);
      },
      accepted: async (share, timeoutMs = 60_000) => {
        const reached = await poll(async () => producer.accepted.length >= Math.floor(plan.events * share), timeoutMs, 20);
        if (!reached) throw new Error(`only ${producer.accepted.length} of ${plan.events} events accepted`);
      },
    };

    await Promise.all([producer.run({ count: plan.events, concurrency: plan.concurrency, ratePerSecond: plan.ratePerSecond }), def.inject(ctx)]);
    const db = pool;
    const settled = await waitSettled(
      async () => producer.accepted.length > 0 && (def.settled ? await def.settled(ctx) : (await unsettledCount(db)) === 0),
      def.settleTimeoutMs ?? 90_000,
    );
    // Late duplicates (a job handed back after a fault) arrive within a retry step or two.
    await sleep(1_500);

    const uncounted = new Set((def.uncounted ?? []).map((name) => webhookIds.get(name)!));
    const counted = endpoints.filter((e) => !(def.uncounted ?? []).includes(e.name));
    const t = await tally(pool, producer.accepted, counted, ctx.faultAt, uncounted, started);
    const failures = baseFailures({ settled, settleTimeoutMs: def.settleTimeoutMs ?? 90_000, tally: t, producer });
    if (def.verify) failures.push(...(await def.verify(ctx, t)));
    if (t.lost > 0) {
      // Post-mortem: where the jobs of the first lost deliveries are in Redis.
      const ids = t.lostIds.slice(0, 5).map((entry) => entry.split(' ')[0]!);
      const jobs = await redis.withClient(async (c) =>
        Promise.all(
          ids.map(async (id) => {
            const hash = await c.hgetall(`{hookline}:deliveries:${id}`);
            const where = await Promise.all(
              ['wait', 'active', 'paused'].map(async (list) => ((await c.lpos(`{hookline}:deliveries:${list}`, id)) !== null ? list : null)),
            );
            const delayed = (await c.zscore(`{hookline}:deliveries:delayed`, id)) !== null ? 'delayed' : null;
            const { data, opts, ...fields } = hash;
            return `${id}: ${[...where, delayed].filter(Boolean).join(',') || 'in no list'} ${JSON.stringify({ ...fields, opts })}`;
          }),
        ),
      ).catch((error: Error) => [`redis: ${error.message}`]);
      notes.push(...jobs.map((j) => `lost job ${j}`));
    }
    // Every process still running stops on SIGTERM, as an orchestrator would stop it.
    const stopStarted = Date.now();
    const exits = await s.terminateWorkers();
    const apiExit = s.api ? await terminate(s.api, 15_000) : null;
    notes.push(`final SIGTERM: workers ${exits.map((e) => `${e.name} ${String(e.code)}`).join(', ')}, api ${String(apiExit)}; ${((Date.now() - stopStarted) / 1000).toFixed(1)} s`);
    for (const e of exits) if (e.code !== 0) failures.push(`${e.name} did not stop cleanly on SIGTERM: ${String(e.code)}`);
    const processErrors = s.problems();

    const result: CaseResult = {
      case: def.name,
      title: def.title,
      size,
      ...t,
      lostIds: t.lostIds.slice(0, 20),
      faultAt: ctx.faultAt === null ? null : ctx.faultAt - started,
      durationMs: Date.now() - started,
      notes,
      failures,
      processErrors: processErrors.slice(0, 30),
      startedAt: new Date(started).toISOString(),
    };
    writeResult(result);
    if (failures.length > 0) writeLogs(`${size}-${def.name}`, s);
    process.stdout.write(`${formatRow(result)}\n`);
    return result;
  } finally {
    await stack?.stop().catch(() => undefined);
    await killAllChildren();
    await Promise.all(endpoints.map((e) => e.stop()));
    await pool?.end().catch(() => undefined);
    await redis?.stop().catch(() => undefined);
    await dropDatabase(serverUrl(), dbName).catch(() => undefined);
    await postgres?.destroy().catch(() => undefined);
  }
}

/** Every line each process printed, for a case that failed: results/logs/<size>-<case>/<process>.log. */
function writeLogs(name: string, stack: FaultStack): void {
  const dir = path.join(RESULTS_DIR, 'logs', name);
  mkdirSync(dir, { recursive: true });
  for (const child of stack.children) writeFileSync(path.join(dir, `${child.name}.log`), `${child.lines.join('\n')}\n`);
}

export function writeResult(result: CaseResult): void {
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(path.join(RESULTS_DIR, `${result.size}-${result.case}.json`), `${JSON.stringify(result, null, 2)}\n`);
}
