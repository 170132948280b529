import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface ApiMetrics {
  registry: Registry;
  httpRequests: Counter<'method' | 'route' | 'status'>;
  httpDuration: Histogram<'method' | 'route' | 'status'>;
  eventsIngested: Counter<'type'>;
  deliveriesCreated: Counter<'type'>;
}

/**
 * A registry per app rather than prom-client's global one, so tests can build
 * several apps in one process. Process metrics (memory, event loop lag) only
 * for the real server: they start timers and observers.
 */
export function createMetrics(options: { processMetrics?: boolean } = {}): ApiMetrics {
  const registry = new Registry();
  if (options.processMetrics) collectDefaultMetrics({ register: registry, prefix: 'hookline_api_' });
  return {
    registry,
    httpRequests: new Counter({
      name: 'hookline_http_requests_total',
      help: 'HTTP requests answered, by route template and status',
      labelNames: ['method', 'route', 'status'],
      registers: [registry],
    }),
    httpDuration: new Histogram({
      name: 'hookline_http_request_duration_seconds',
      help: 'Time to answer an HTTP request, by route template and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    eventsIngested: new Counter({
      name: 'hookline_events_ingested_total',
      help: 'Events accepted (replays not counted), by type',
      labelNames: ['type'],
      registers: [registry],
    }),
    deliveriesCreated: new Counter({
      name: 'hookline_deliveries_created_total',
      help: 'Delivery rows created, by event type',
      labelNames: ['type'],
      registers: [registry],
    }),
  };
}
