import { generateApiKey } from '@hookline/db';
import { cpuSeconds, freePort, kill9, peakRssMb, spawnNode, stopChild, terminate, waitForHttp, type Child } from './processes';

/** Which entry points run: the sources under tsx (default), the bundles scripts/build.mjs makes, or another implementation's. */
export interface Scripts {
  api: string;
  worker: string;
  tsx: boolean;
}

export const SOURCE_SCRIPTS: Scripts = { api: 'apps/api/src/main.ts', worker: 'apps/worker/src/main.ts', tsx: true };
export const BUNDLED_SCRIPTS: Scripts = { api: 'apps/api/dist/main.js', worker: 'apps/worker/dist/main.js', tsx: false };

export interface ProcessStackOptions {
  databaseUrl: string;
  redisUrl: string;
  secretsKey: string;
  retrySchedule: string;
  workerConcurrency: number;
  queuePrefix: string;
  /** Default: a fresh one, which the API stores at start-up as BOOTSTRAP_API_KEY. */
  apiKey?: string;
  logLevel?: string;
  /** Extra or overriding variables for every process. */
  env?: Record<string, string>;
  scripts?: Scripts;
  /** A compiled worker bundle instead of scripts.worker (plain JavaScript). */
  compiledWorker?: string;
  cpuProfileDir?: string;
  /** Process names: `api-1`, `worker-3` by default. */
  names?: { api(count: number): string; worker(count: number, healthPort: number): string };
}

export interface WorkerProcess {
  child: Child;
  healthPort: number;
  startedAt: number;
}

/**
 * Hookline as separate processes, the way it runs in production: one API and
 * any number of workers, each a child with its own environment, against the
 * database and Redis given. The fault cases and the benchmark both run on it.
 */
export class ProcessStack {
  readonly apiKey: string;
  apiPort = 0;
  api: Child | null = null;
  workers: WorkerProcess[] = [];
  /** Every child ever started, for logs and scans. */
  readonly children: Child[] = [];
  private workerCount = 0;
  private apiCount = 0;

  constructor(protected readonly options: ProcessStackOptions) {
    this.apiKey = options.apiKey ?? generateApiKey();
  }

  get apiUrl(): string {
    return `http://127.0.0.1:${this.apiPort}`;
  }

  private get scripts(): Scripts {
    return this.options.scripts ?? SOURCE_SCRIPTS;
  }

  env(): Record<string, string> {
    return {
      NODE_ENV: 'production',
      DATABASE_URL: this.options.databaseUrl,
      REDIS_URL: this.options.redisUrl,
      SECRETS_KEY: this.options.secretsKey,
      BOOTSTRAP_API_KEY: this.apiKey,
      DELIVERY_RETRY_SCHEDULE: this.options.retrySchedule,
      DELIVERY_ALLOWED_CIDRS: '127.0.0.0/8',
      WORKER_CONCURRENCY: String(this.options.workerConcurrency),
      QUEUE_PREFIX: this.options.queuePrefix,
      LOG_LEVEL: this.options.logLevel ?? 'warn',
      ...this.options.env,
    };
  }

  /** Starts the API, on the same port as before when restarted. */
  async startApi(): Promise<void> {
    if (this.apiPort === 0) this.apiPort = await freePort();
    const count = ++this.apiCount;
    const name = this.options.names?.api(count) ?? `api-${count}`;
    const child = spawnNode(name, this.scripts.api, { env: { ...this.env(), PORT: String(this.apiPort) }, tsx: this.scripts.tsx, cpuProfileDir: this.options.cpuProfileDir });
    this.children.push(child);
    this.api = child;
    await waitForHttp(`${this.apiUrl}/readyz`, child);
  }

  async startWorkers(count: number): Promise<WorkerProcess[]> {
    return Promise.all(
      Array.from({ length: count }, async () => {
        const healthPort = await freePort();
        const index = ++this.workerCount;
        const name = this.options.names?.worker(index, healthPort) ?? `worker-${index}`;
        const child = spawnNode(name, this.options.compiledWorker ?? this.scripts.worker, {
          env: { ...this.env(), WORKER_HEALTH_PORT: String(healthPort) },
          tsx: this.options.compiledWorker === undefined && this.scripts.tsx,
          cpuProfileDir: this.options.cpuProfileDir,
        });
        this.children.push(child);
        const worker = { child, healthPort, startedAt: Date.now() };
        this.workers.push(worker);
        await waitForHttp(`http://127.0.0.1:${healthPort}/readyz`, child);
        return worker;
      }),
    );
  }

  killApi(): void {
    if (this.api) kill9(this.api);
  }

  kill9Worker(worker: WorkerProcess): void {
    kill9(worker.child);
    this.workers = this.workers.filter((w) => w !== worker);
  }

  /** SIGTERM to every worker at once; resolves with each one's exit code and how long it took. */
  async terminateWorkers(graceMs = 30_000): Promise<Array<{ name: string; code: number | string | null; ms: number }>> {
    const all = this.workers;
    this.workers = [];
    const started = Date.now();
    return Promise.all(all.map(async (w) => ({ name: w.child.name, code: await terminate(w.child, graceMs), ms: Date.now() - started })));
  }

  /** Workers first (they finish in-flight attempts and flush their records), then the API; the exit code of each. */
  async stop(): Promise<{ exitCodes: Record<string, number | null> }> {
    const exitCodes: Record<string, number | null> = {};
    const all = this.workers;
    this.workers = [];
    await Promise.all(all.map(async (w) => (exitCodes[w.child.name] = await stopChild(w.child, 20_000))));
    if (this.api) exitCodes[this.api.name] = await stopChild(this.api, 15_000);
    return { exitCodes };
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

  /** Prometheus counters of the workers, summed; a worker without metrics is left out. */
  async workerMetrics(): Promise<Record<string, number>> {
    const sums: Record<string, number> = {};
    for (const worker of this.workers) {
      try {
        const response = await fetch(`http://127.0.0.1:${worker.healthPort}/metrics`, { signal: AbortSignal.timeout(2_000) });
        for (const line of (await response.text()).split('\n')) {
          const match = /^([a-z_]+) ([0-9.e+-]+)$/.exec(line);
          if (match) sums[match[1]!] = (sums[match[1]!] ?? 0) + Number(match[2]);
        }
      } catch {
        // No metrics from this one.
      }
    }
    return sums;
  }

  /** Lines that the processes logged at error level, or printed outside JSON logs (crashes). */
  problems(): string[] {
    const out: string[] = [];
    for (const child of this.children) {
      for (const line of child.lines) {
        let level: unknown;
        try {
          level = (JSON.parse(line) as { level?: unknown }).level;
        } catch {
          level = 'raw';
        }
        if (level === 'error' || level === 'raw') out.push(`${child.name}: ${line.slice(0, 400)}`);
      }
    }
    return out;
  }

  async request(path: string, init: { method?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<{ status: number; body: any }> {
    const response = await fetch(this.apiUrl + path, {
      method: init.method ?? 'GET',
      headers: { authorization: `Bearer ${this.apiKey}`, ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}), ...init.headers },
      body: init.body !== undefined ? JSON.stringify(init.body) : undefined,
      signal: AbortSignal.timeout(10_000),
    });
    const text = await response.text();
    return { status: response.status, body: text && (response.headers.get('content-type') ?? '').includes('json') ? JSON.parse(text) : text };
  }

  async createDocumentation(slug: string): Promise<void> {
    const answer = await this.request('/v1/documentations', { method: 'POST', body: { slug, name: `Stack ${slug}` } });
    if (answer.status !== 201) throw new Error(`create documentation: ${answer.status} ${JSON.stringify(answer.body)}`);
  }

  async createWebhook(slug: string, url: string): Promise<{ id: string; secret: string }> {
    const answer = await this.request(`/v1/documentations/${slug}/webhooks`, { method: 'POST', body: { url } });
    if (answer.status !== 201) throw new Error(`create webhook: ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer.body as { id: string; secret: string };
  }
}
