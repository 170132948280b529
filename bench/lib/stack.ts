import { BENCH_DATABASE_URL, BENCH_REDIS_URL, BENCH_RETRY_SCHEDULE, BENCH_SECRETS_KEY, WORKER_CONCURRENCY } from './config';
import { cpuSeconds, freePort, peakRssMb, spawnNode, stopChild, waitForHttp, type Child } from './processes';

export type Implementation = 'hookline' | 'naive';

// Hookline runs as it does in production: the bundles scripts/build.mjs makes
// (run.ts builds them first). The naive baseline runs under tsx; that costs it
// memory and start-up, not throughput once warm.
const SCRIPTS: Record<Implementation, { api: string; worker: string; tsx: boolean }> = {
  hookline: { api: 'apps/api/dist/main.js', worker: 'apps/worker/dist/main.js', tsx: false },
  naive: { api: 'bench/naive/api.ts', worker: 'bench/naive/worker.ts', tsx: true },
};

export interface StackOptions {
  impl: Implementation;
  prefix: string;
  apiKey: string;
  workers: number;
  /** Start the API (false: only workers, for jobs enqueued by the harness). */
  api: boolean;
  cpuProfileDir?: string;
  /** A compiled worker bundle (plain JavaScript, no tsx) instead of apps/worker/src/main.ts. */
  compiledWorker?: string;
  /** More environment for the API and the workers (e.g. OTEL_* for the traced scenario). */
  env?: Record<string, string>;
}

export interface RunningWorker {
  child: Child;
  healthPort: number;
}

/** The API and N workers as separate processes, the way they run in production. */
export class Stack {
  api: Child | null = null;
  apiUrl = '';
  workers: RunningWorker[] = [];

  constructor(private readonly options: StackOptions) {}

  private env(): Record<string, string> {
    return {
      NODE_ENV: 'production',
      DATABASE_URL: BENCH_DATABASE_URL,
      REDIS_URL: BENCH_REDIS_URL,
      SECRETS_KEY: BENCH_SECRETS_KEY,
      BOOTSTRAP_API_KEY: this.options.apiKey,
      DELIVERY_RETRY_SCHEDULE: BENCH_RETRY_SCHEDULE,
      DELIVERY_ALLOWED_CIDRS: '127.0.0.0/8',
      WORKER_CONCURRENCY: String(WORKER_CONCURRENCY),
      LOG_LEVEL: 'warn',
      QUEUE_PREFIX: this.options.prefix,
      ...this.options.env,
    };
  }

  async startApi(): Promise<void> {
    const port = await freePort();
    const name = this.options.impl === 'hookline' ? 'api' : 'naive-api';
    this.api = spawnNode(name, SCRIPTS[this.options.impl].api, { env: { ...this.env(), PORT: String(port) }, cpuProfileDir: this.options.cpuProfileDir, tsx: SCRIPTS[this.options.impl].tsx });
    this.apiUrl = `http://127.0.0.1:${port}`;
    await waitForHttp(`${this.apiUrl}/readyz`, this.api);
  }

  async startWorkers(count = this.options.workers): Promise<void> {
    const offset = this.workers.length;
    await Promise.all(
      Array.from({ length: count }, async (_, i) => {
        const index = offset + i;
        const healthPort = await freePort();
        const name = `${this.options.impl === 'hookline' ? 'worker' : 'naive-worker'}-${index}-${healthPort}`;
        const child = spawnNode(name, this.options.compiledWorker ?? SCRIPTS[this.options.impl].worker, {
          env: { ...this.env(), WORKER_HEALTH_PORT: String(healthPort) },
          cpuProfileDir: this.options.cpuProfileDir,
          tsx: this.options.compiledWorker === undefined && SCRIPTS[this.options.impl].tsx,
        });
        const worker = { child, healthPort };
        this.workers.push(worker);
        await waitForHttp(`http://127.0.0.1:${healthPort}/readyz`, child);
      }),
    );
  }

  async start(): Promise<void> {
    await Promise.all([this.options.api ? this.startApi() : Promise.resolve(), this.startWorkers()]);
  }

  /** VmHWM of each process, read while they still run. */
  peakRss(): { apiMb: number | null; workersMb: Array<number | null> } {
    return { apiMb: this.api ? peakRssMb(this.api.pid) : null, workersMb: this.workers.map((w) => peakRssMb(w.child.pid)) };
  }

  /** CPU seconds used so far by the API and by the workers together: what a delivery costs, whatever else the machine runs. */
  cpuSeconds(): { api: number | null; workers: number | null } {
    const workers = this.workers.map((w) => cpuSeconds(w.child.pid));
    return { api: this.api ? cpuSeconds(this.api.pid) : null, workers: workers.some((v) => v === null) ? null : workers.reduce<number>((a, b) => a + (b ?? 0), 0) };
  }

  /** Prometheus counters of the Hookline workers, summed. */
  async workerMetrics(): Promise<Record<string, number>> {
    const sums: Record<string, number> = {};
    if (this.options.impl !== 'hookline') return sums;
    for (const worker of this.workers) {
      try {
        const response = await fetch(`http://127.0.0.1:${worker.healthPort}/metrics`, { signal: AbortSignal.timeout(2_000) });
        for (const line of (await response.text()).split('\n')) {
          const match = /^([a-z_]+) ([0-9.e+-]+)$/.exec(line);
          if (match) sums[match[1]!] = (sums[match[1]!] ?? 0) + Number(match[2]);
        }
      } catch {
        // A worker without metrics leaves them out.
      }
    }
    return sums;
  }

  /** Workers first (they finish in-flight attempts and flush their records), then the API. */
  async stop(): Promise<{ exitCodes: Record<string, number | null> }> {
    const exitCodes: Record<string, number | null> = {};
    await Promise.all(this.workers.map(async (w) => (exitCodes[w.child.name] = await stopChild(w.child, 20_000))));
    if (this.api) exitCodes[this.api.name] = await stopChild(this.api, 15_000);
    return { exitCodes };
  }
}
