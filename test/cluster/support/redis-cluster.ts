import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import IORedis from 'ioredis';
import { freePort, kill9, poll, spawnChild, terminate, type Child } from '../../faults/lib/processes';

const run = promisify(execFile);

export interface ClusterNode {
  port: number;
  busPort: number;
  child: Child;
}

export interface ClusterShard {
  primary: number;
  replicas: number[];
  slots: Array<[number, number]>;
}

/**
 * A real Redis Cluster on loopback, from the installed redis-server: 6 nodes
 * on kernel-chosen ports (client and bus port each), joined by
 * `redis-cli --cluster create … --cluster-replicas 1`: 3 primaries owning
 * equal slot ranges, one replica each. A short cluster-node-timeout makes a
 * failover take seconds, not the default 15 s. Every node is a child of this
 * process, killed by its own pid in stop().
 */
export class RedisCluster {
  private constructor(
    readonly nodes: ClusterNode[],
    private readonly dir: string,
  ) {}

  static async start(options: { nodes?: number; nodeTimeoutMs?: number } = {}): Promise<RedisCluster> {
    const dir = mkdtempSync(path.join(tmpdir(), 'hookline-cluster-'));
    const count = options.nodes ?? 6;
    const nodes: ClusterNode[] = [];
    const ports = new Set<number>();
    const pick = async () => {
      for (;;) {
        const port = await freePort();
        if (!ports.has(port)) return ports.add(port), port;
      }
    };
    const cluster = new RedisCluster(nodes, dir);
    try {
      for (let i = 0; i < count; i++) {
        const port = await pick();
        const busPort = await pick();
        // prettier-ignore
        const child = spawnChild(`redis-${port}`, 'redis-server', [
          '--port', String(port), '--cluster-port', String(busPort), '--bind', '127.0.0.1',
          '--cluster-enabled', 'yes', '--cluster-config-file', path.join(dir, `nodes-${port}.conf`),
          '--cluster-node-timeout', String(options.nodeTimeoutMs ?? 1_000), '--dir', dir,
          '--save', '', '--appendonly', 'no', '--daemonize', 'no', '--loglevel', 'warning',
        ]);
        nodes.push({ port, busPort, child });
      }
      await Promise.all(nodes.map((node) => cluster.waitForPing(node.port)));
      const addresses = nodes.map((node) => `127.0.0.1:${node.port}`);
      await run('redis-cli', ['--cluster', 'create', ...addresses, '--cluster-replicas', '1', '--cluster-yes'], { timeout: 30_000 });
      await cluster.waitUntilHealthy();
      // A failover needs a replica in sync with each primary.
      const paired = await poll(async () => (await cluster.shards()).every((shard) => shard.replicas.length > 0), 20_000, 100);
      if (!paired) throw new Error('the replicas did not come online');
      return cluster;
    } catch (error) {
      await cluster.stop();
      throw error;
    }
  }

  /** REDIS_CLUSTER_NODES for the processes under test. */
  get seeds(): string {
    return this.nodes.map((node) => `127.0.0.1:${node.port}`).join(',');
  }

  get seedNodes(): Array<{ host: string; port: number }> {
    return this.nodes.map((node) => ({ host: '127.0.0.1', port: node.port }));
  }

  alive(): ClusterNode[] {
    return this.nodes.filter((node) => node.child.alive());
  }

  /** A one-off command to one node. */
  async command(port: number, ...args: string[]): Promise<unknown> {
    const client = new IORedis(port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null, connectTimeout: 1_000 });
    client.on('error', () => undefined);
    try {
      await client.connect();
      return await client.call(args[0]!, ...args.slice(1));
    } finally {
      client.disconnect();
    }
  }

  /** CLUSTER SHARDS as a live node sees it: each primary with its slot ranges and replicas (failed nodes left out). */
  async shards(): Promise<ClusterShard[]> {
    const answer = (await this.command(this.alive()[0]!.port, 'CLUSTER', 'SHARDS')) as unknown[][];
    return answer.map((shard) => {
      const fields = pairs(shard);
      const slots = fields.slots as number[];
      const ranges: Array<[number, number]> = [];
      for (let i = 0; i < slots.length; i += 2) ranges.push([Number(slots[i]), Number(slots[i + 1])]);
      const nodes = (fields.nodes as unknown[][]).map(pairs).filter((node) => node.health === 'online');
      return {
        primary: Number(nodes.find((node) => node.role === 'master')?.port ?? -1),
        replicas: nodes.filter((node) => node.role !== 'master').map((node) => Number(node.port)),
        slots: ranges,
      };
    }).filter((shard) => shard.slots.length > 0);
  }

  async ownerOf(slot: number): Promise<number> {
    const shard = (await this.shards()).find((s) => s.slots.some(([from, to]) => slot >= from && slot <= to));
    return shard?.primary ?? -1;
  }

  /** SIGKILL one node: no shutdown, no final save, as a machine loss. */
  kill(port: number): void {
    const node = this.nodes.find((n) => n.port === port);
    if (node) kill9(node.child);
  }

  /** Until every live node reports cluster_state:ok and every slot is served by a live primary. */
  async waitUntilHealthy(timeoutMs = 20_000): Promise<void> {
    const ok = await poll(async () => {
      const states = await Promise.all(this.alive().map((node) => this.command(node.port, 'CLUSTER', 'INFO').then(String, () => '')));
      if (!states.every((info) => info.includes('cluster_state:ok'))) return false;
      const shards = await this.shards().catch(() => []);
      const alive = new Set(this.alive().map((node) => node.port));
      const covered = shards.filter((s) => alive.has(s.primary)).reduce((n, s) => n + s.slots.reduce((m, [a, b]) => m + b - a + 1, 0), 0);
      return covered === 16384;
    }, timeoutMs, 100);
    if (!ok) throw new Error(`the Redis Cluster was not healthy within ${timeoutMs} ms`);
  }

  private async waitForPing(port: number): Promise<void> {
    const up = await poll(() => this.command(port, 'PING').then((r) => r === 'PONG', () => false), 10_000, 50);
    if (!up) throw new Error(`redis-server on port ${port} did not start`);
  }

  async stop(): Promise<void> {
    await Promise.all(this.nodes.map((node) => terminate(node.child, 5_000)));
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function pairs(list: unknown[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (let i = 0; i < list.length; i += 2) out[String(list[i])] = list[i + 1];
  return out;
}
