import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** What one attempt amounted to, as counted: the delivery's state after it. */
export type AttemptOutcome = 'succeeded' | 'retrying' | 'exhausted' | 'failed';

export interface QueueDepth {
  /** The queue's shard, '0' while there is one queue. */
  shard: string;
  waiting: number;
  delayed: number;
  active: number;
}

/**
 * The worker's metrics as calls, so the parts that know what happened (the
 * delivery pipeline, the endpoint gate, the reconciler, the attempt writer)
 * say it in one line each, and label values stay bounded: outcomes, error
 * kinds and reasons, never webhook ids or URLs.
 */
export interface WorkerMetrics {
  readonly registry: Registry;
  attempt(outcome: AttemptOutcome, errorKind: string | null, statusCode: number | null, durationMs: number): void;
  /** A job started this long after it was due. */
  jobWaited(waitMs: number): void;
  /** A limit held a job back without attempting it: it waits its turn in the process, or back in the queue. */
  deferred(reason: string): void;
  circuitOpened(): void;
  circuitClosed(): void;
  cancelled(reason: string): void;
  reconcilerRun(result: 'ran' | 'locked_elsewhere' | 'lock_lost' | 'failed', reenqueued?: number): void;
  attemptBatchWritten(size: number): void;
  attemptBatchFailed(transient: boolean): void;
}

export interface WorkerMetricsSources {
  /** Read at scrape time (cached): the queue's jobs by state. */
  queueDepth?: () => Promise<QueueDepth[]>;
  attemptsPending?: () => number;
  cachedWebhooks?: () => number;
  jobsWaitingTurn?: () => number;
  /** How long a queue depth reading is reused, so frequent scrapes cost Redis nothing more. */
  depthCacheMs?: number;
}

const statusClass = (status: number | null) => (status === null ? 'none' : `${Math.floor(status / 100)}xx`);

export function createWorkerMetrics(options: { processMetrics?: boolean } = {}): WorkerMetrics & { observe(sources: WorkerMetricsSources): void } {
  const registry = new Registry();
  if (options.processMetrics) collectDefaultMetrics({ register: registry, prefix: 'hookline_worker_' });
  const registers = [registry];
  let sources: WorkerMetricsSources = {};

  const attempts = new Counter({
    name: 'hookline_worker_attempts_total',
    help: 'Delivery attempts made, by outcome (the delivery state after it), error kind and HTTP status class',
    labelNames: ['outcome', 'error_kind', 'status_class'],
    registers,
  });
  const attemptDuration = new Histogram({
    name: 'hookline_worker_attempt_duration_seconds',
    help: 'Time from sending an attempt to its answer (or its failure), by outcome',
    labelNames: ['outcome'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30],
    registers,
  });
  const jobWait = new Histogram({
    name: 'hookline_worker_job_wait_seconds',
    help: 'Time from a delivery job being due to a worker starting it (first run of each job)',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600],
    registers,
  });
  const deferrals = new Counter({
    name: 'hookline_worker_deferrals_total',
    help: 'Times a limit held a job back without an attempt (it then waited its turn in the worker, or went back to the queue), by reason',
    labelNames: ['reason'],
    registers,
  });
  const openCircuits = new Gauge({ name: 'hookline_worker_open_circuits', help: 'Webhook circuits this worker opened less those it closed; summed over workers: webhooks whose circuit is open', registers });
  const cancellations = new Counter({
    name: 'hookline_worker_deliveries_cancelled_total',
    help: 'Deliveries ended without an attempt (webhook deleted or disabled), by reason',
    labelNames: ['reason'],
    registers,
  });
  const reconcilerRuns = new Counter({
    name: 'hookline_worker_reconciler_runs_total',
    help: 'Reconciler passes, by result (locked_elsewhere: another worker held the lock; lock_lost: the lock expired mid-pass)',
    labelNames: ['result'],
    registers,
  });
  const reenqueued = new Counter({ name: 'hookline_worker_reconciler_reenqueued_total', help: 'Due deliveries without a job that the reconciler handed to the queue', registers });
  const batchSize = new Histogram({
    name: 'hookline_worker_attempt_batch_size',
    help: 'Attempt records per batch written to PostgreSQL',
    buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000],
    registers,
  });
  const batchFailures = new Counter({
    name: 'hookline_worker_attempt_batch_failures_total',
    help: 'Attempt batches whose write failed (transient: PostgreSQL away, written again later)',
    labelNames: ['transient'],
    registers,
  });
  new Gauge({
    name: 'hookline_worker_attempts_pending',
    help: 'Attempt records waiting to be written',
    registers,
    collect() {
      this.set(sources.attemptsPending?.() ?? 0);
    },
  });
  new Gauge({
    name: 'hookline_worker_cached_webhooks',
    help: 'Webhooks held in the cache',
    registers,
    collect() {
      this.set(sources.cachedWebhooks?.() ?? 0);
    },
  });

  new Gauge({
    name: 'hookline_worker_jobs_waiting_turn',
    help: 'Jobs waiting in this worker for the turn a limit gave them, holding no delivery slot',
    registers,
    collect() {
      this.set(sources.jobsWaitingTurn?.() ?? 0);
    },
  });

  let depth: { at: number; value: Promise<QueueDepth[]> } | null = null;
  const readDepth = (): Promise<QueueDepth[]> => {
    const read = sources.queueDepth;
    if (!read) return Promise.resolve([]);
    const now = Date.now();
    if (!depth || now - depth.at >= (sources.depthCacheMs ?? 2_000)) {
      const value = read();
      depth = { at: now, value };
      // A failed read is not kept: the next scrape asks again.
      value.catch(() => {
        if (depth?.value === value) depth = null;
      });
    }
    return depth.value;
  };
  new Gauge({
    name: 'hookline_queue_jobs',
    help: 'Delivery jobs in Redis by shard and state (read at scrape time, cached 2 s)',
    labelNames: ['shard', 'state'],
    registers,
    async collect() {
      this.reset();
      for (const shard of await readDepth()) {
        for (const state of ['waiting', 'delayed', 'active'] as const) this.set({ shard: shard.shard, state }, shard[state]);
      }
    },
  });

  return {
    registry,
    observe(next) {
      sources = next;
    },
    attempt(outcome, errorKind, statusCode, durationMs) {
      attempts.inc({ outcome, error_kind: errorKind ?? 'none', status_class: statusClass(statusCode) });
      attemptDuration.observe({ outcome }, durationMs / 1000);
    },
    jobWaited: (waitMs) => jobWait.observe(Math.max(0, waitMs) / 1000),
    deferred: (reason) => deferrals.inc({ reason }),
    circuitOpened: () => openCircuits.inc(),
    circuitClosed: () => openCircuits.dec(),
    cancelled: (reason) => cancellations.inc({ reason: reason.replace(/\s+/g, '_') }),
    reconcilerRun(result, count = 0) {
      reconcilerRuns.inc({ result });
      if (count > 0) reenqueued.inc(count);
    },
    attemptBatchWritten: (size) => batchSize.observe(size),
    attemptBatchFailed: (transient) => batchFailures.inc({ transient: String(transient) }),
  };
}
