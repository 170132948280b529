import type { RequestHandler } from 'express';
import type { ApiMetrics } from '../metrics';

/**
 * Labels by route template (`/v1/webhooks/:id`), never by raw path, so the
 * number of series stays bounded whatever clients request.
 */
export function requestMetrics(metrics: ApiMetrics): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    res.once('finish', () => {
      const route = (req.route as { path?: string } | undefined)?.path;
      const labels = { method: req.method, route: typeof route === 'string' ? route : 'unmatched', status: String(res.statusCode) };
      metrics.httpRequests.inc(labels);
      metrics.httpDuration.observe(labels, Number(process.hrtime.bigint() - started) / 1e9);
    });
    next();
  };
}
