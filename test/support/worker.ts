import type { Db, SecretBox } from '@hookline/db';
import { createRedis } from '@hookline/queue';
import { createLogger } from '@hookline/telemetry';
import { DeliveryWorker, type DeliveryWorkerOptions } from '../../apps/worker/src/delivery-worker';
import { TEST_REDIS_URL } from './env';

/**
 * A real delivery worker for tests: the test Redis, loopback receivers
 * allowed, a short retry schedule, the reconciler out of the way unless a
 * test runs it. Started; the caller closes it.
 */
export async function startTestWorker(
  base: { db: Db; secretBox: SecretBox; prefix: string },
  overrides: Partial<DeliveryWorkerOptions> = {},
): Promise<DeliveryWorker> {
  const worker = new DeliveryWorker({
    ...base,
    createRedis: () => createRedis(TEST_REDIS_URL, 'worker'),
    logger: createLogger('worker-test', 'silent'),
    retrySchedule: [0.2, 0.4],
    timeoutMs: 2_000,
    allowedCidrs: [{ address: '127.0.0.0', prefix: 8, family: 4 }],
    concurrency: 20,
    reconcileIntervalMs: 60_000,
    reconcileGraceMs: 0,
    // The test database is shared by every test file: a reconciler would hand other files' overdue
    // deliveries to this worker. It runs only where a test sets its interval (or calls runOnce).
    reconcile: overrides.reconcileIntervalMs !== undefined,
    ...overrides,
  });
  await worker.start();
  return worker;
}
