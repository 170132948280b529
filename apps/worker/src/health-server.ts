import { createServer, type Server } from 'node:http';
import type { DeliveryWorker } from './delivery-worker';

/**
 * /healthz (the process is alive), /readyz (the worker is running) and
 * /metrics (Prometheus text, see metrics.ts) for an orchestrator; one per
 * worker process. Port 0 lets the kernel choose (tests).
 */
export function startHealthServer(worker: DeliveryWorker, port: number, isReady: () => boolean): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.url === '/healthz') return void res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    if (req.url === '/readyz') {
      const ready = isReady() && worker.running;
      return void res.writeHead(ready ? 200 : 503, { 'content-type': 'text/plain' }).end(ready ? 'ready' : 'not ready');
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
