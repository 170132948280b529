import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { REPO_ROOT, freePort, spawnChild, terminate, waitForHttp, type Child } from '../../faults/lib/processes';

export interface ClusterStackOptions {
  databaseUrl: string;
  secretsKey: string;
  /** REDIS_CLUSTER_NODES. */
  seeds: string;
  shards: number;
  env?: Record<string, string>;
}

export interface RunningProcess {
  child: Child;
  /** The API's port, or the worker's health port. */
  port: number;
  readyUrl: string;
}

/**
 * The API and workers as they run in production: the bundles
 * (apps/*\/dist/main.js), each a child process with REDIS_CLUSTER_NODES and
 * QUEUE_SHARDS, killed only by their own pid.
 */
export class ClusterStack {
  api: RunningProcess | null = null;
  readonly workers: RunningProcess[] = [];

  constructor(private readonly options: ClusterStackOptions) {
    execFileSync(process.execPath, [path.join(REPO_ROOT, 'scripts/build.mjs')], { cwd: REPO_ROOT, stdio: 'pipe' });
  }

  private env(): Record<string, string> {
    return {
      NODE_ENV: 'production',
      DATABASE_URL: this.options.databaseUrl,
      SECRETS_KEY: this.options.secretsKey,
      REDIS_CLUSTER_NODES: this.options.seeds,
      QUEUE_SHARDS: String(this.options.shards),
      LOG_LEVEL: 'warn',
      ...this.options.env,
    };
  }

  private bundle(app: 'api' | 'worker'): string {
    return path.join(REPO_ROOT, 'apps', app, 'dist', 'main.js');
  }

  async startApi(): Promise<RunningProcess> {
    const port = await freePort();
    const child = spawnChild('api', process.execPath, [this.bundle('api')], { ...this.env(), PORT: String(port) });
    this.api = { child, port, readyUrl: `http://127.0.0.1:${port}/readyz` };
    await waitForHttp(this.api.readyUrl, child);
    return this.api;
  }

  async startWorker(env: Record<string, string> = {}): Promise<RunningProcess> {
    const port = await freePort();
    const child = spawnChild(`worker-${this.workers.length + 1}`, process.execPath, [this.bundle('worker')], { ...this.env(), WORKER_HEALTH_PORT: String(port), ...env });
    const worker = { child, port, readyUrl: `http://127.0.0.1:${port}/readyz` };
    this.workers.push(worker);
    await waitForHttp(worker.readyUrl, child);
    return worker;
  }

  get apiUrl(): string {
    return `http://127.0.0.1:${this.api!.port}`;
  }

  all(): RunningProcess[] {
    return [...(this.api ? [this.api] : []), ...this.workers];
  }

  async stop(): Promise<void> {
    await Promise.all(this.workers.map((w) => terminate(w.child, 15_000)));
    if (this.api) await terminate(this.api.child, 15_000);
  }
}
