import { execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import IORedis, { type Redis } from 'ioredis';
import { generateApiKey, ingestEvents, type Db, type QueuedDelivery } from '@hookline/db';
import { DeliveryQueue } from '@hookline/queue';
import { BENCH_DATABASE_URL, BENCH_SECRETS_KEY, REPO_ROOT } from '../lib/config';
import { sampleDiff, seedTenant, truncateAll } from '../lib/database';
import { CpuCap, freePort, processCpuMs, start, stop, waitForLine } from './processes';

export const PREFIX = '{hookline-bench-scale}';

const RECEIVER = `
const http = require('http');
const delay = Number(process.env.DELAY_MS || 0);
http.createServer((req, res) => {
  req.resume();
  req.on('end', () => { const answer = () => res.writeHead(200).end('ok'); delay ? setTimeout(answer, delay) : answer(); });
}).listen(0, '127.0.0.1', function () { console.log('listening ' + this.address().port); });
`;

export interface Stack {
  redis: Redis;
  redisPid: number;
  redisUrl: string;
  db: Db;
  logs: string[];
  children: ChildProcess[];
}

/** A Redis of its own, so INFO cpu counts only this benchmark's work. */
export async function startRedis(logs: string[]): Promise<{ child: ChildProcess; url: string; redis: Redis }> {
  const port = await freePort();
  const child = start('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--maxmemory-policy', 'noeviction'], process.env, logs);
  await waitForLine(logs, /Ready to accept connections/, 10_000, 'redis-server');
  const url = `redis://127.0.0.1:${port}`;
  const redis = new IORedis(url, { maxRetriesPerRequest: null });
  return { child, url, redis };
}

export async function startReceiver(delayMs: number, logs: string[]): Promise<{ child: ChildProcess; url: string }> {
  const own: string[] = [];
  const child = start(process.execPath, ['-e', RECEIVER], { ...process.env, DELAY_MS: String(delayMs) }, own);
  await waitForLine(own, /listening \d+/, 10_000, 'receiver');
  const port = /listening (\d+)/.exec(own.join(''))![1];
  logs.push(...own);
  return { child, url: `http://127.0.0.1:${port}` };
}

export async function redisCpuMs(redis: Redis): Promise<number> {
  const info = await redis.info('cpu');
  const field = (name: string) => Number(new RegExp(`${name}:([\\d.]+)`).exec(info)?.[1] ?? 0);
  return (field('used_cpu_sys') + field('used_cpu_user')) * 1000;
}

/** The PostgreSQL backends serving the bench database (the server's background processes are left out). */
export async function postgresCpu(db: Db): Promise<Map<number, number>> {
  const { rows } = await db.pool.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = current_database()');
  return new Map(rows.map((row) => [row.pid, processCpuMs(row.pid)]));
}

export function postgresCpuSince(before: Map<number, number>, after: Map<number, number>): number {
  let total = 0;
  for (const [pid, ms] of after) total += ms - (before.get(pid) ?? 0);
  return total;
}

/** The worker bundle of this tree, or of the commit this branch started from (to measure "before"). */
export async function workerBundle(which: 'current' | 'base'): Promise<string> {
  if (which === 'current') {
    execFileSync(process.execPath, [path.join(REPO_ROOT, 'scripts/build.mjs'), 'worker', 'api'], { cwd: REPO_ROOT, stdio: 'inherit' });
    return path.join(REPO_ROOT, 'apps/worker/dist/main.js');
  }
  const commit = process.env.BENCH_BASE_COMMIT ?? execFileSync('git', ['merge-base', 'HEAD', 'main'], { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
  // Inside the repository, so the bundle's npm packages resolve from its node_modules.
  const dir = path.join(REPO_ROOT, 'bench/results/.base-worker');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  execFileSync('sh', ['-c', `git archive ${commit} apps/worker package.json | tar -x -C ${dir} --exclude='*.test.ts'`], { cwd: REPO_ROOT });
  const outfile = path.join(dir, 'apps/worker/dist/main.js');
  await build({
    entryPoints: [path.join(dir, 'apps/worker/src/main.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outfile,
    logLevel: 'warning',
    plugins: [{ name: 'npm-external', setup: (b) => b.onResolve({ filter: /^[^./]/ }, (a) => (a.path.startsWith('@hookline/') ? undefined : { path: a.path, external: true })) }],
  });
  if (!existsSync(outfile)) throw new Error('base worker bundle not built');
  // Only the bundle stays: the old sources would be type-checked and run as tests with the current ones.
  rmSync(path.join(dir, 'apps/worker/src'), { recursive: true, force: true });
  return outfile;
}

export function workerEnv(redisUrl: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    NODE_ENV: 'production',
    DATABASE_URL: BENCH_DATABASE_URL,
    REDIS_URL: redisUrl,
    SECRETS_KEY: BENCH_SECRETS_KEY,
    QUEUE_PREFIX: PREFIX,
    DELIVERY_ALLOWED_CIDRS: '127.0.0.0/8',
    DELIVERY_RETRY_SCHEDULE: '0.5,1,2',
    WORKER_CONCURRENCY: '200',
    RECONCILE_INTERVAL_SECONDS: '3600',
    LOG_LEVEL: 'info',
    ...extra,
  };
}

/** `events` events on `documentations` × `webhooksPerDocumentation` webhooks, committed and enqueued: the backlog. */
export async function seedBacklog(db: Db, redis: Redis, receiverUrl: string, shape: { documentations: number; webhooksPerDocumentation: number; deliveries: number }) {
  await truncateAll(db);
  await redis.flushall();
  const tenant = await seedTenant(db, { apiKey: generateApiKey(), documentations: shape.documentations, webhooksPerDocumentation: shape.webhooksPerDocumentation, url: (n) => `${receiverUrl}/hook/${n}` });
  const queue = new DeliveryQueue(redis, { prefix: PREFIX });
  const perEvent = shape.webhooksPerDocumentation;
  const events = Math.ceil(shape.deliveries / perEvent);
  const diff = sampleDiff();
  let made = 0;
  for (let i = 0; i < events; i += 200) {
    const inputs = Array.from({ length: Math.min(200, events - i) }, (_, j) => ({
      organizationId: tenant.organizationId,
      documentation: tenant.documentations[(i + j) % tenant.documentations.length]!,
      type: 'documentation.structure_change' as const,
      diff,
    }));
    const created = await ingestEvents(db, inputs);
    const jobs: QueuedDelivery[] = created.flatMap((c) => c.deliveries);
    await queue.enqueue(jobs);
    made += jobs.length;
  }
  await queue.close();
  return { tenant, deliveries: made };
}

export async function succeededCount(db: Db): Promise<number> {
  const { rows } = await db.pool.query<{ n: string }>("SELECT count(*) AS n FROM deliveries WHERE status = 'succeeded'");
  return Number(rows[0]!.n);
}

export interface DrainResult {
  deliveries: number;
  seconds: number;
  /** Deliveries per second between 10 % and 90 % drained (start-up and the tail left out). */
  rate: number;
  cpuMs: { worker: number; redis: number; postgres: number; receiver: number };
}

/** Starts `workers` workers (each in its own CPU cap when `cores` is set), waits for the backlog to drain. */
export async function drain(
  stack: { db: Db; redis: Redis; redisUrl: string; receiverPid: number; logs: string[] },
  bundle: string,
  workers: number,
  total: number,
  options: { cores?: number; timeoutMs: number; env?: Record<string, string> },
): Promise<DrainResult | string> {
  const caps: CpuCap[] = [];
  if (options.cores !== undefined) {
    for (let i = 0; i < workers; i++) {
      const cap = CpuCap.create(`hookline-bench-worker-${i}`, options.cores);
      if (typeof cap === 'string') {
        for (const c of caps) c.remove();
        return cap;
      }
      caps.push(cap);
    }
  }
  const redisBefore = await redisCpuMs(stack.redis);
  const pgBefore = await postgresCpu(stack.db);
  const receiverBefore = processCpuMs(stack.receiverPid);
  const started = Date.now();
  const children: ChildProcess[] = [];
  for (let i = 0; i < workers; i++) {
    const child = start(process.execPath, [bundle], workerEnv(stack.redisUrl, options.env), stack.logs);
    caps[i]?.add(child.pid!);
    children.push(child);
  }
  const samples: Array<{ at: number; done: number }> = [];
  const workerCpu = new Map<number, number>();
  try {
    for (;;) {
      const done = await succeededCount(stack.db);
      samples.push({ at: Date.now(), done });
      for (const child of children) workerCpu.set(child.pid!, Math.max(workerCpu.get(child.pid!) ?? 0, processCpuMs(child.pid!)));
      if (done >= total) break;
      if (Date.now() - started > options.timeoutMs) return `drained ${done} of ${total} in ${options.timeoutMs / 1000} s`;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const at = (fraction: number) => samples.find((s) => s.done >= total * fraction)!;
    const low = at(0.1);
    const high = at(0.9);
    const rate = (high.done - low.done) / Math.max(0.001, (high.at - low.at) / 1000);
    const result: DrainResult = {
      deliveries: total,
      seconds: (samples.at(-1)!.at - started) / 1000,
      rate,
      cpuMs: {
        worker: [...workerCpu.values()].reduce((a, b) => a + b, 0),
        redis: (await redisCpuMs(stack.redis)) - redisBefore,
        postgres: postgresCpuSince(pgBefore, await postgresCpu(stack.db)),
        receiver: processCpuMs(stack.receiverPid) - receiverBefore,
      },
    };
    return result;
  } finally {
    await Promise.all(children.map((child) => stop(child)));
    for (const cap of caps) cap.remove();
  }
}

/** Events posted through a real API process: its CPU per 1,000 deliveries created. */
export async function ingestThroughApi(stack: { db: Db; redis: Redis; redisUrl: string; logs: string[] }, receiverUrl: string, events: number) {
  await truncateAll(stack.db);
  const apiKey = generateApiKey();
  const tenant = await seedTenant(stack.db, { apiKey, documentations: 1, webhooksPerDocumentation: 10, url: (n) => `${receiverUrl}/hook/${n}` });
  const port = await freePort();
  const own: string[] = [];
  const api = start(process.execPath, [path.join(REPO_ROOT, 'apps/api/dist/main.js')], { ...workerEnv(stack.redisUrl), PORT: String(port), QUOTA_EVENTS_PER_ORGANIZATION_PER_MINUTE: String(events * 10) }, own);
  try {
    await waitForLine(own, /listening/i, 20_000, 'api');
    const redisBefore = await redisCpuMs(stack.redis);
    const pgBefore = await postgresCpu(stack.db);
    const apiBefore = processCpuMs(api.pid!);
    const body = JSON.stringify({ diff: sampleDiff() });
    let next = 0;
    const post = async () => {
      while (next < events) {
        next += 1;
        const res = await fetch(`http://127.0.0.1:${port}/v1/documentations/${tenant.documentations[0]!.id}/events`, { method: 'POST', headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' }, body });
        if (res.status !== 202) throw new Error(`event answered ${res.status}: ${await res.text()}`);
        await res.arrayBuffer().catch(() => undefined);
      }
    };
    const started = Date.now();
    await Promise.all(Array.from({ length: 16 }, post));
    const seconds = (Date.now() - started) / 1000;
    const deliveries = events * 10;
    return {
      deliveries,
      rate: deliveries / seconds,
      cpuMs: { api: processCpuMs(api.pid!) - apiBefore, redis: (await redisCpuMs(stack.redis)) - redisBefore, postgres: postgresCpuSince(pgBefore, await postgresCpu(stack.db)) },
    };
  } finally {
    stack.logs.push(...own);
    await stop(api);
  }
}
