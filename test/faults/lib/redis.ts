import IORedis from 'ioredis';
import { freePort, kill9, poll, sleep, spawnChild, type Child } from '../../support/processes';

/**
 * A redis-server of the harness's own, on a free port, without persistence:
 * FLUSHDB and kill -9 here never touch the shared Redis other tests use.
 */
export class PrivateRedis {
  private child: Child | null = null;
  readonly logs: string[] = [];

  private constructor(readonly port: number) {}

  static async start(): Promise<PrivateRedis> {
    const redis = new PrivateRedis(await freePort());
    await redis.startProcess();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  private async startProcess(): Promise<void> {
    const child = spawnChild(`redis-${this.port}`, 'redis-server', [
      '--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'yes',
    ]);
    this.child = child;
    const up = await poll(async () => {
      if (!child.alive()) throw new Error(`redis-server on ${this.port} exited:\n${child.lines.join('\n')}`);
      return this.ping();
    }, 10_000, 50);
    if (!up) throw new Error(`redis-server on ${this.port} did not answer PING`);
  }

  private async ping(): Promise<boolean> {
    const client = new IORedis(this.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 500 });
    client.on('error', () => undefined);
    try {
      await client.connect();
      return (await client.ping()) === 'PONG';
    } catch {
      return false;
    } finally {
      client.disconnect();
    }
  }

  /** A short-lived client for the harness's own commands. */
  async withClient<T>(use: (client: IORedis) => Promise<T>): Promise<T> {
    const client = new IORedis(this.url, { maxRetriesPerRequest: 1, connectTimeout: 2_000 });
    client.on('error', () => undefined);
    try {
      return await use(client);
    } finally {
      client.disconnect();
    }
  }

  flushAll(): Promise<unknown> {
    return this.withClient((c) => c.flushall());
  }

  /** kill -9 the server: every key is gone (no persistence). */
  async kill(): Promise<void> {
    if (!this.child) return;
    kill9(this.child);
    if (this.child) this.logs.push(...this.child.lines);
    await this.child.exited;
    this.child = null;
  }

  /** Starts a fresh, empty server on the same port. */
  async restart(downMs = 0): Promise<void> {
    await this.kill();
    if (downMs > 0) await sleep(downMs);
    await this.startProcess();
  }

  /** Every key with its value, as text, for secret scans. */
  async dumpAll(): Promise<Array<{ key: string; type: string; value: string }>> {
    return this.withClient(async (c) => {
      const out: Array<{ key: string; type: string; value: string }> = [];
      let cursor = '0';
      let rounds = 0;
      do {
        const [next, keys] = await c.scan(cursor, 'COUNT', 1000);
        cursor = next;
        for (const key of keys) {
          const type = await c.type(key);
          let value: unknown;
          if (type === 'string') value = await c.get(key);
          else if (type === 'hash') value = await c.hgetall(key);
          else if (type === 'list') value = await c.lrange(key, 0, -1);
          else if (type === 'set') value = await c.smembers(key);
          else if (type === 'zset') value = await c.zrange(key, 0, -1, 'WITHSCORES');
          else if (type === 'stream') value = await c.xrange(key, '-', '+');
          out.push({ key, type, value: JSON.stringify(value) });
        }
      } while (cursor !== '0' && ++rounds < 100_000);
      return out;
    });
  }

  async stop(): Promise<void> {
    await this.kill();
  }
}
