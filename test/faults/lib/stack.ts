import { generateApiKey } from '@hookline/db';
import { freePort, kill9, spawnNode, terminate, waitForHttp, type Child } from './processes';

/** A fixed key: fault-test data is throwaway. */
export const FAULTS_SECRETS_KEY = Buffer.alloc(32, 11).toString('base64');

export const RETRY_SCHEDULE = '0.2,0.4,0.8,1.6';
export const MAX_ATTEMPTS = RETRY_SCHEDULE.split(',').length + 1;
export const DELIVERY_TIMEOUT_MS = 1_000;

export interface StackOptions {
  databaseUrl: string;
  redisUrl: string;
  /** Extra or overriding variables for every process. */
  env?: Record<string, string>;
  logLevel?: string;
}

export interface WorkerProcess {
  child: Child;
  healthPort: number;
  startedAt: number;
}

/**
 * The real processes: the API (`apps/api/src/main.ts`) and workers
 * (`apps/worker/src/main.ts`), each a separate child with its own env, against
 * the case's own database and Redis.
 */
export class FaultStack {
  readonly apiKey = generateApiKey();
  apiPort = 0;
  api: Child | null = null;
  workers: WorkerProcess[] = [];
  /** Every child ever started, for logs and scans. */
  readonly children: Child[] = [];
  private workerCount = 0;
  private apiCount = 0;

  constructor(private readonly options: StackOptions) {}

  get apiUrl(): string {
    return `http://127.0.0.1:${this.apiPort}`;
  }

  env(): Record<string, string> {
    return {
      NODE_ENV: 'production',
      DATABASE_URL: this.options.databaseUrl,
      REDIS_URL: this.options.redisUrl,
      SECRETS_KEY: FAULTS_SECRETS_KEY,
      BOOTSTRAP_API_KEY: this.apiKey,
      DELIVERY_RETRY_SCHEDULE: RETRY_SCHEDULE,
      DELIVERY_TIMEOUT_MS: String(DELIVERY_TIMEOUT_MS),
      DELIVERY_ALLOWED_CIDRS: '127.0.0.0/8',
      RECONCILE_INTERVAL_SECONDS: '1',
      RECONCILE_GRACE_SECONDS: '1',
      WORKER_CONCURRENCY: '64',
      // The API reads QUEUE_PREFIX once it supports it; until then both sides use the default on this private Redis.
      QUEUE_PREFIX: '{hookline}',
      LOG_LEVEL: this.options.logLevel ?? process.env.FAULTS_LOG_LEVEL ?? 'warn',
      // The producer is one tenant at up to 100 events/s by design.
      QUOTA_EVENTS_PER_ORGANIZATION_PER_MINUTE: '1000000',
      ...this.options.env,
    };
  }

  /** Starts the API, on the same port as before when restarted. */
  async startApi(): Promise<void> {
    if (this.apiPort === 0) this.apiPort = await freePort();
    const child = spawnNode(`api-${++this.apiCount}`, 'apps/api/src/main.ts', { ...this.env(), PORT: String(this.apiPort) });
    this.children.push(child);
    this.api = child;
    await waitForHttp(`${this.apiUrl}/readyz`, child);
  }

  async startWorkers(count: number): Promise<WorkerProcess[]> {
    const started = await Promise.all(
      Array.from({ length: count }, async () => {
        const healthPort = await freePort();
        const child = spawnNode(`worker-${++this.workerCount}`, 'apps/worker/src/main.ts', { ...this.env(), WORKER_HEALTH_PORT: String(healthPort) });
        this.children.push(child);
        const worker = { child, healthPort, startedAt: Date.now() };
        this.workers.push(worker);
        await waitForHttp(`http://127.0.0.1:${healthPort}/readyz`, child);
        return worker;
      }),
    );
    return started;
  }

  killApi(): void {
    if (this.api) kill9(this.api);
  }

  kill9Worker(worker: WorkerProcess): void {
    kill9(worker.child);
    this.workers = this.workers.filter((w) => w !== worker);
  }

  /** SIGTERM to every worker at once; resolves with each one's exit code and how long it took. */
  async terminateWorkers(): Promise<Array<{ name: string; code: number | string | null; ms: number }>> {
    const all = this.workers;
    this.workers = [];
    const started = Date.now();
    return Promise.all(all.map(async (w) => ({ name: w.child.name, code: await terminate(w.child, 30_000), ms: Date.now() - started })));
  }

  async stop(): Promise<void> {
    await this.terminateWorkers();
    if (this.api) await terminate(this.api, 15_000);
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
    const answer = await this.request('/v1/documentations', { method: 'POST', body: { slug, name: `Fault case ${slug}` } });
    if (answer.status !== 201) throw new Error(`create documentation: ${answer.status} ${JSON.stringify(answer.body)}`);
  }

  async createWebhook(slug: string, url: string): Promise<{ id: string; secret: string }> {
    const answer = await this.request(`/v1/documentations/${slug}/webhooks`, { method: 'POST', body: { url } });
    if (answer.status !== 201) throw new Error(`create webhook: ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer.body as { id: string; secret: string };
  }
}
