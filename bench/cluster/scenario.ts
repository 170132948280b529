import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DeliveryQueue, createRedis, keySlot } from '@hookline/queue';
import { REPO_ROOT, spawnChild, terminate, type Child } from '../../test/faults/lib/processes';
import { RedisCluster } from '../../test/cluster/support/redis-cluster';

/**
 * The cluster scenario: on a local 6-node Redis Cluster (3 primaries), a
 * backlog of delivery jobs spread over K = 1, 3 and 6 shards is drained by
 * two consumer processes; Redis CPU is read per node (INFO cpu) around the
 * drain. It shows whether the load spreads over the primaries (the issue's
 * target: none above 1.5 × the mean for K ≥ 3) and what a delivery costs.
 *
 *   node --import tsx bench/cluster/scenario.ts [--jobs 30000] [--out bench/results/cluster.json]
 */

interface KResult {
  shards: number;
  jobs: number;
  drainMs: number;
  ratePerS: number;
  /** CPU-ms spent by each primary during the drain, by port. */
  cpuMsByPrimary: Record<string, number>;
  cpuMsPer1000: number;
  maxOverMean: number;
  shardsByPrimary: Record<string, number>;
}

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
};

async function cpuSeconds(cluster: RedisCluster, port: number): Promise<number> {
  const info = String(await cluster.command(port, 'INFO', 'cpu'));
  const field = (name: string) => Number(new RegExp(`${name}:([\\d.]+)`).exec(info)?.[1]);
  return field('used_cpu_sys') + field('used_cpu_user');
}

async function runK(cluster: RedisCluster, shards: number, jobs: number): Promise<KResult> {
  const prefix = `{bench-cluster-k${shards}}`;
  const redis = createRedis({ clusterNodes: cluster.seedNodes }, 'worker');
  const queue = new DeliveryQueue(redis, { prefix, shards });
  const primaries = (await cluster.shards()).map((s) => s.primary);
  const ownerOf = async (p: string) => cluster.ownerOf(keySlot(p));
  const owners = await Promise.all(queue.prefixes.map(ownerOf));
  const shardsByPrimary = Object.fromEntries(primaries.map((port) => [String(port), owners.filter((o) => o === port).length]));
  for (let start = 0; start < jobs; start += 2_000) {
    const count = Math.min(2_000, jobs - start);
    await queue.enqueue(Array.from({ length: count }, () => ({ deliveryId: randomUUID(), webhookId: randomUUID(), eventId: randomUUID() })));
  }
  const children: Child[] = [];
  const env = { REDIS_CLUSTER_NODES: cluster.seeds, QUEUE_PREFIX: prefix, QUEUE_SHARDS: String(shards), WORKER_CONCURRENCY: '200' };
  const before = await Promise.all(primaries.map((port) => cpuSeconds(cluster, port)));
  const started = Date.now();
  for (let i = 0; i < 2; i++) {
    const child = spawnChild(`drain-${shards}-${i}`, process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'bench/cluster/drain-worker.ts')], env);
    children.push(child);
  }
  try {
    for (;;) {
      const left = (await queue.depths()).reduce((n, d) => n + d.waiting + d.active + d.delayed, 0);
      if (left === 0) break;
      if (Date.now() - started > 180_000) throw new Error(`K=${shards}: ${left} jobs left after 180 s`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    await Promise.all(children.map((c) => terminate(c, 10_000)));
  }
  const drainMs = Date.now() - started;
  const after = await Promise.all(primaries.map((port) => cpuSeconds(cluster, port)));
  const cpuMs = primaries.map((_, i) => (after[i]! - before[i]!) * 1000);
  const mean = cpuMs.reduce((a, b) => a + b, 0) / cpuMs.length;
  await queue.obliterate();
  await queue.close();
  redis.disconnect();
  return {
    shards,
    jobs,
    drainMs,
    ratePerS: Math.round(jobs / (drainMs / 1000)),
    cpuMsByPrimary: Object.fromEntries(primaries.map((port, i) => [String(port), Math.round(cpuMs[i]!)])),
    cpuMsPer1000: +((cpuMs.reduce((a, b) => a + b, 0) / jobs) * 1000).toFixed(1),
    maxOverMean: +(Math.max(...cpuMs) / mean).toFixed(2),
    shardsByPrimary,
  };
}

async function main(): Promise<void> {
  const jobs = Number(arg('jobs', '30000'));
  const out = path.resolve(arg('out', path.join(REPO_ROOT, 'bench/results/cluster.json')));
  // A node timeout long enough that a loaded machine does not fail a primary over mid-drain.
  const cluster = await RedisCluster.start({ nodeTimeoutMs: 5_000 });
  const results: KResult[] = [];
  try {
    for (const shards of [1, 3, 6]) {
      const result = await runK(cluster, shards, jobs);
      results.push(result);
      process.stdout.write(
        `K=${shards}: ${jobs} jobs drained in ${result.drainMs} ms (${result.ratePerS}/s); Redis CPU-ms per primary ${JSON.stringify(result.cpuMsByPrimary)}; ` +
          `${result.cpuMsPer1000} CPU-ms per 1,000 deliveries; busiest primary ${result.maxOverMean} × the mean; shards per primary ${JSON.stringify(result.shardsByPrimary)}\n`,
      );
    }
  } finally {
    await cluster.stop();
  }
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify({ at: new Date().toISOString(), jobsPerK: jobs, drainProcesses: 2, results }, null, 2)}\n`);
  const spreadOk = results.filter((r) => r.shards >= 3).every((r) => r.maxOverMean <= 1.5);
  process.stdout.write(`spread target (no primary above 1.5 × the mean for K ≥ 3): ${spreadOk ? 'met' : 'NOT met'}; written to ${path.relative(REPO_ROOT, out)}\n`);
}

main().catch((error) => {
  process.stderr.write(`cluster bench failed: ${(error as Error).stack}\n`);
  process.exit(1);
});
