import { createServer, type Server } from 'node:http';
import { metricsAllowed } from '@hookline/telemetry';
import type { DeliveryWorker } from './delivery-worker';

/**
 * /healthz (the process is alive), /readyz (the worker is running and Redis
 * answers in every shard's slot) and
 * /metrics (Prometheus text) for an orchestrator; one per worker process.
 */
export function startHealthServer(worker: DeliveryWorker, port: number, isReady: () => boolean, metricsToken?: string): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.url === '/healthz') return void res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    if (req.url === '/readyz') {
      if (!isReady() || !worker.running) return void res.writeHead(503, { 'content-type': 'text/plain' }).end('not ready');
      // Not ready while Redis commands fail, whatever the connection's state says.
      void worker.redisHealth().then((redis) => {
        if (redis === 'ok') res.writeHead(200, { 'content-type': 'text/plain' }).end('ready');
        else res.writeHead(503, { 'content-type': 'text/plain' }).end(`not ready: Redis: ${redis}`);
      });
      return;
    }
    if (req.url === '/metrics' && !metricsAllowed(req.headers.authorization, metricsToken)) {
      return void res.writeHead(401, { 'content-type': 'text/plain', 'www-authenticate': 'Bearer realm="metrics"' }).end('METRICS_TOKEN required');
    }
    if (req.url === '/metrics') {
      const lines = [
        '# HELP hookline_worker_attempts_written_total Attempt records written to PostgreSQL.',
        '# TYPE hookline_worker_attempts_written_total counter',
        `hookline_worker_attempts_written_total ${worker.writer.written}`,
        '# HELP hookline_worker_attempt_batches_total Batches written.',
        '# TYPE hookline_worker_attempt_batches_total counter',
        `hookline_worker_attempt_batches_total ${worker.writer.batches}`,
        '# HELP hookline_worker_attempts_pending Attempt records waiting to be written.',
        '# TYPE hookline_worker_attempts_pending gauge',
        `hookline_worker_attempts_pending ${worker.writer.pending}`,
        '# HELP hookline_worker_cached_webhooks Webhooks held in the cache.',
        '# TYPE hookline_worker_cached_webhooks gauge',
        `hookline_worker_cached_webhooks ${worker.sources.webhooks.size}`,
      ];
      return void res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(`${lines.join('\n')}\n`);
    }
    res.writeHead(404).end();
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, () => resolve(server));
  });
}
