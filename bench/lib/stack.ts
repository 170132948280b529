import { BUNDLED_SCRIPTS, ProcessStack, type WorkerProcess } from '../../test/support/stack';
import { BENCH_DATABASE_URL, BENCH_REDIS_URL, BENCH_RETRY_SCHEDULE, BENCH_SECRETS_KEY, WORKER_CONCURRENCY } from './config';

export type Implementation = 'hookline' | 'naive';

// Hookline runs as it does in production: the bundles scripts/build.mjs makes
// (run.ts builds them first). The naive baseline runs under tsx; that costs it
// memory and start-up, not throughput once warm.
const SCRIPTS = {
  hookline: BUNDLED_SCRIPTS,
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

export type RunningWorker = WorkerProcess;

/** The benchmark's configuration of the process stack in test/support/stack.ts. */
export class Stack extends ProcessStack {
  constructor(private readonly bench: StackOptions) {
    const naming = bench.impl === 'hookline' ? { api: 'api', worker: 'worker' } : { api: 'naive-api', worker: 'naive-worker' };
    super({
      databaseUrl: BENCH_DATABASE_URL,
      redisUrl: BENCH_REDIS_URL,
      secretsKey: BENCH_SECRETS_KEY,
      apiKey: bench.apiKey,
      retrySchedule: BENCH_RETRY_SCHEDULE,
      workerConcurrency: WORKER_CONCURRENCY,
      queuePrefix: bench.prefix,
      scripts: SCRIPTS[bench.impl],
      compiledWorker: bench.compiledWorker,
      cpuProfileDir: bench.cpuProfileDir,
      // One tenant posting as fast as it can is the point of the benchmark, not abuse.
      env: { QUOTA_EVENTS_PER_ORGANIZATION_PER_MINUTE: '1000000000', ...bench.env },
      names: { api: () => naming.api, worker: (count, healthPort) => `${naming.worker}-${count - 1}-${healthPort}` },
    });
  }

  override startWorkers(count = this.bench.workers) {
    return super.startWorkers(count);
  }

  async start(): Promise<void> {
    await Promise.all([this.bench.api ? this.startApi() : Promise.resolve(), this.startWorkers()]);
  }

  /** Prometheus counters of the Hookline workers, summed (the naive baseline has none). */
  override async workerMetrics(): Promise<Record<string, number>> {
    return this.bench.impl === 'hookline' ? super.workerMetrics() : {};
  }
}
