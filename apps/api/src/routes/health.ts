import { Router } from 'express';
import { metricsAllowed } from '@hookline/telemetry';
import type { AppContext } from '../context';
import { HttpProblem } from '../problem';
import { sendProblem } from '../middleware/errors';
import { registerQueueDepth } from '../queue-metrics';

const CHECK_TIMEOUT_MS = 2_000;

async function check(probe: () => Promise<unknown>): Promise<'ok' | string> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      probe(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
      }),
    ]);
    return 'ok';
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    clearTimeout(timer);
  }
}

/** Unauthenticated: orchestrators and Prometheus call these. */
export function healthRoutes({ db, queue, metrics, lifecycle, config }: AppContext): Router {
  const router = Router();
  registerQueueDepth(metrics.registry, queue);

  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  router.get('/readyz', async (_req, res) => {
    if (lifecycle.draining) {
      return sendProblem(res, new HttpProblem(503, 'not-ready', 'Service Unavailable', 'The server is shutting down.'));
    }
    const [postgres, redisState] = await Promise.all([check(() => db.pool.query('SELECT 1')), check(() => queue.ping())]);
    if (postgres === 'ok' && redisState === 'ok') return void res.json({ status: 'ready', checks: { postgres, redis: redisState } });
    const failing = [postgres === 'ok' ? null : `PostgreSQL: ${postgres}`, redisState === 'ok' ? null : `Redis: ${redisState}`].filter(Boolean);
    res.setHeader('Retry-After', '5');
    sendProblem(res, new HttpProblem(503, 'not-ready', 'Service Unavailable', `Not ready: ${failing.join('; ')}.`));
  });

  router.get('/metrics', async (req, res) => {
    if (!metricsAllowed(req.headers.authorization, config.metricsToken)) {
      res.setHeader('WWW-Authenticate', 'Bearer realm="metrics"');
      return sendProblem(res, new HttpProblem(401, 'unauthorized', 'Unauthorized', '/metrics needs Authorization: Bearer <METRICS_TOKEN>.'));
    }
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });

  return router;
}
