import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../lib/config';
import { openBenchDatabase } from '../lib/database';
import { scaleOutSvg } from './curve';
import { killAll, start, stop } from './processes';
import { drain, ingestThroughApi, redisCpuMs, seedBacklog, startReceiver, startRedis, workerBundle, workerEnv, type DrainResult } from './scenario';

/**
 * CPU one worker gets in the capped scenario: small enough that 8 of them fit
 * on 2 cores beside Redis and PostgreSQL. BENCH_CORES_PER_WORKER overrides it,
 * to see how much of E(8) is the machine's headroom.
 */
const CORES_PER_WORKER = Number(process.env.BENCH_CORES_PER_WORKER ?? 0.15);
/** Slower than the old gate's 1 s threshold, so the worker this branch started from treats it as slow too. */
const SLOW_MS = 1_500;
const perThousand = (ms: number, deliveries: number) => Math.round((ms / deliveries) * 1000 * 10) / 10;

/**
 * Scale-out, measured: K workers each under its own CPU cap drain a backlog
 * (E(K) = rate(K) / (K × rate(1))); what each component spends per 1,000
 * deliveries; and Redis's cost with a slow endpoint, for this worker and for
 * the one this branch started from (deferred jobs polled every 250 ms).
 */
export async function runScaleOut(quick: boolean): Promise<string> {
  const lines: string[] = [];
  const logs: string[] = [];
  const own = await startRedis(logs);
  const db = await openBenchDatabase();
  const fast = await startReceiver(0, logs);
  const slow = await startReceiver(SLOW_MS, logs);
  const report: Record<string, unknown> = { quick, coresPerWorker: CORES_PER_WORKER };
  try {
    const current = await workerBundle('current');
    const stack = { db, redis: own.redis, redisUrl: own.url, logs };

    // 1. Capped scale-out.
    const ks = quick ? [1, 2, 4] : [1, 2, 4, 8];
    const perWorker = quick ? 1_500 : 4_000;
    const runs: Record<number, DrainResult> = {};
    lines.push(`scale-out: K workers, each capped at ${CORES_PER_WORKER} core, draining ${perWorker} deliveries per worker (100 webhooks)`);
    for (const k of ks) {
      const { deliveries } = await seedBacklog(db, own.redis, fast.url, { documentations: 10, webhooksPerDocumentation: 10, deliveries: perWorker * k });
      const result = await drain({ ...stack, receiverPid: fast.child.pid! }, current, k, deliveries, { cores: CORES_PER_WORKER, timeoutMs: 120_000 });
      if (typeof result === 'string') {
        lines.push(`scale-out skipped: ${result}`);
        break;
      }
      runs[k] = result;
      const e = k === 1 ? 1 : result.rate / (k * runs[1]!.rate);
      // Whether the workers got the CPU their caps allow, and what a delivery cost them: the machine's share of E(K).
      const received = result.cpuMs.worker / (result.seconds * 1000);
      lines.push(
        `  K=${k}: ${Math.round(result.rate)} deliveries/s, E(${k}) = ${e.toFixed(2)}; workers used ${received.toFixed(2)} of ${(k * CORES_PER_WORKER).toFixed(2)} cores, ${perThousand(result.cpuMs.worker, result.deliveries)} CPU-ms per 1,000`,
      );
    }
    report.scaleOut = runs;
    const points = Object.entries(runs).map(([k, r]) => ({ k: Number(k), rate: r.rate }));
    if (points.length > 1) writeFileSync(path.join(REPO_ROOT, 'bench/results', quick ? 'scale-out-quick.svg' : 'scale-out.svg'), scaleOutSvg(points, `Draining a backlog, ${CORES_PER_WORKER} core per worker`));

    // 2. Per-component CPU per 1,000 deliveries: the API's ingest, then one uncapped worker's drain.
    const ingest = await ingestThroughApi(stack, fast.url, quick ? 300 : 1_500);
    const drained = await seedBacklog(db, own.redis, fast.url, { documentations: 10, webhooksPerDocumentation: 10, deliveries: quick ? 3_000 : 10_000 });
    const one = await drain({ ...stack, receiverPid: fast.child.pid! }, current, 1, drained.deliveries, { timeoutMs: 120_000 });
    if (typeof one !== 'string') {
      const costs = {
        api: perThousand(ingest.cpuMs.api, ingest.deliveries),
        worker: perThousand(one.cpuMs.worker, one.deliveries),
        redis: perThousand(ingest.cpuMs.redis, ingest.deliveries) + perThousand(one.cpuMs.redis, one.deliveries),
        postgres: perThousand(ingest.cpuMs.postgres, ingest.deliveries) + perThousand(one.cpuMs.postgres, one.deliveries),
        receiver: perThousand(one.cpuMs.receiver, one.deliveries),
      };
      report.costs = costs;
      lines.push('CPU ms per 1,000 deliveries (ingest through the API + drain by one worker):');
      lines.push(`  api ${costs.api}, worker ${costs.worker}, redis ${costs.redis.toFixed(1)}, postgres ${costs.postgres.toFixed(1)}, receiver ${costs.receiver}`);
      const saturate = (msPer1000: number) => Math.round((1_000 / msPer1000) * 1_000);
      lines.push(`  one core saturates at: redis ~${saturate(costs.redis)} deliveries/s, postgres ~${saturate(costs.postgres)} deliveries/s`);
      lines.push('  PostgreSQL connections: 4 per worker, 20 per API process; max_connections 100 fits ~20 workers + 1 API (PgBouncer in transaction mode beyond)');
    }

    // 3. Redis per 1,000 deliveries with a slow endpoint (one webhook answering in SLOW_MS), before and after.
    const slowDeliveries = quick ? 600 : 1_500;
    const slowCost = async (bundle: string, receiverUrl: string, pid: number) => {
      const { deliveries } = await seedBacklog(db, own.redis, receiverUrl, { documentations: 1, webhooksPerDocumentation: 1, deliveries: slowDeliveries });
      const result = await drain({ ...stack, receiverPid: pid }, bundle, 1, deliveries, { timeoutMs: 180_000 });
      return typeof result === 'string' ? result : perThousand(result.cpuMs.redis, result.deliveries);
    };
    const normal = await slowCost(current, fast.url, fast.child.pid!);
    const after = await slowCost(current, slow.url, slow.child.pid!);
    let before: number | string = 'not measured';
    try {
      before = await slowCost(await workerBundle('base'), slow.url, slow.child.pid!);
    } catch (error) {
      before = `not measured: ${(error as Error).message}`;
    }
    // Part of a slow drain's cost is time, not deliveries: Redis with one worker connected and nothing to do.
    await own.redis.flushall();
    const idle = start(process.execPath, [current], workerEnv(own.url), logs);
    let idleMsPerSecond = 0;
    try {
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      const idleBefore = await redisCpuMs(own.redis);
      await new Promise((resolve) => setTimeout(resolve, 10_000));
      idleMsPerSecond = Math.round(((await redisCpuMs(own.redis)) - idleBefore) / 10);
    } finally {
      await stop(idle);
    }
    report.slowEndpointRedisMsPer1000 = { normal, before, after, idleMsPerSecond };
    lines.push(`Redis CPU ms per 1,000 deliveries, one webhook, ${slowDeliveries} deliveries: fast endpoint ${normal}; slow endpoint (${SLOW_MS} ms) before ${before}, after ${after}`);
    lines.push(`  Redis with one idle worker connected: ${idleMsPerSecond} CPU-ms per second (a slow drain lasts ~${Math.round((slowDeliveries * SLOW_MS) / 64 / 1000)} s)`);
  } finally {
    await stop(fast.child);
    await stop(slow.child);
    await own.redis.quit().catch(() => undefined);
    await stop(own.child);
    await db.close();
  }
  const out = path.join(REPO_ROOT, 'bench/results');
  mkdirSync(out, { recursive: true });
  writeFileSync(path.join(out, quick ? 'scale-out-quick.json' : 'scale-out.json'), `${JSON.stringify(report, null, 2)}\n`);
  return `${lines.join('\n')}\n`;
}

if (require.main === module) {
  runScaleOut(process.argv.includes('--quick')).then(
    (text) => {
      process.stdout.write(text);
      process.exit(0);
    },
    (error: unknown) => {
      process.stderr.write(`scale-out bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      killAll();
      process.exit(1);
    },
  );
}
