import { ProcessStack, type WorkerProcess } from '../../support/stack';

export type { WorkerProcess };

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

/**
 * The real processes from source (`apps/api/src/main.ts`, `apps/worker/src/main.ts`,
 * see test/support/stack.ts) against the case's own database and Redis, with
 * short retries and timeouts so a case settles in seconds.
 */
export class FaultStack extends ProcessStack {
  constructor(options: StackOptions) {
    super({
      databaseUrl: options.databaseUrl,
      redisUrl: options.redisUrl,
      secretsKey: FAULTS_SECRETS_KEY,
      retrySchedule: RETRY_SCHEDULE,
      workerConcurrency: 64,
      // The default prefix, which the post-mortem in case-runner.ts looks up keys under; the Redis is the case's own.
      queuePrefix: '{hookline}',
      logLevel: options.logLevel ?? process.env.FAULTS_LOG_LEVEL ?? 'warn',
      env: {
        DELIVERY_TIMEOUT_MS: String(DELIVERY_TIMEOUT_MS),
        RECONCILE_INTERVAL_SECONDS: '1',
        RECONCILE_GRACE_SECONDS: '1',
        // The producer is one tenant at up to 100 events/s by design.
        QUOTA_EVENTS_PER_ORGANIZATION_PER_MINUTE: '1000000',
        ...options.env,
      },
    });
  }

  /** Workers with terminateWorkers()'s longer grace: a case may leave them mid-retry. */
  override async stop(): Promise<{ exitCodes: Record<string, number | null> }> {
    await this.terminateWorkers();
    return super.stop();
  }
}
