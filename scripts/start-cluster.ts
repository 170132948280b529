/**
 * `npm run start:cluster`: Hookline against a Redis Cluster in one command,
 * on one machine — starts a 6-node cluster on loopback from the installed
 * redis-server (3 primaries, 3 replicas, kernel-chosen ports), then `npm start`
 * with REDIS_CLUSTER_NODES and QUEUE_SHARDS (default 6). Ctrl-C (or SIGTERM
 * to this process) stops Hookline, then the cluster. For a real deployment, point
 * REDIS_CLUSTER_NODES at your cluster's nodes instead (docs/scaling.md).
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { RedisCluster } from '../test/cluster/support/redis-cluster';

async function main(): Promise<void> {
  const cluster = await RedisCluster.start({ nodeTimeoutMs: 5_000 });
  const shards = process.env.QUEUE_SHARDS ?? '6';
  process.stdout.write(`Redis Cluster up: REDIS_CLUSTER_NODES=${cluster.seeds} QUEUE_SHARDS=${shards}\n`);
  const hookline = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'start.ts')], {
    env: { ...process.env, REDIS_CLUSTER_NODES: cluster.seeds, QUEUE_SHARDS: shards },
    stdio: 'inherit',
  });
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    if (hookline.exitCode === null) hookline.kill('SIGTERM');
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  const code = await new Promise<number | null>((resolve) => hookline.once('exit', (c) => resolve(c)));
  await cluster.stop();
  process.exit(code ?? 0);
}

main().catch((error) => {
  process.stderr.write(`start:cluster failed: ${(error as Error).message}\n`);
  process.exit(1);
});
