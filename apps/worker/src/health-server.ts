import { createServer, type Server } from 'node:http';
import { metricsAllowed } from '@hookline/telemetry';
import type { DeliveryWorker } from './delivery-worker';

/**
 * /healthz (the process is alive), /readyz (the worker is running and Redis
 * answers in every shard's slot) and /metrics (Prometheus text, see
 * metrics.ts) for an orchestrator; one per worker process. Port 0 lets the
 * kernel choose (tests).
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
      const { registry } = worker.metrics;
      registry.metrics().then(
        (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
        (error: Error) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`metrics unavailable: ${error.message}\n`),
      );
      return;
    }
    res.writeHead(404).end();
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, () => resolve(server));
  });
}
