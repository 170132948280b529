import express, { type Express } from 'express';
import { noTracing } from '@hookline/telemetry';
import packageJson from '../package.json';
import type { AppContext, AppDeps } from './context';
import { createMetrics } from './metrics';
import { authenticate } from './middleware/auth';
import { JSON_TYPES, requireJsonBody } from './middleware/content-type';
import { problemHandler, unknownRoute } from './middleware/errors';
import { limitJson } from './middleware/json-limits';
import { requestMetrics } from './middleware/request-metrics';
import { traceRequests } from './middleware/tracing';
import { dashboardRoutes } from './routes/dashboard';
import { deliveryRoutes } from './routes/deliveries';
import { documentationRoutes } from './routes/documentations';
import { eventRoutes } from './routes/events';
import { healthRoutes } from './routes/health';
import { openApiRoutes } from './routes/openapi';
import { operationalWebhookRoutes } from './routes/operational-webhooks';
import { webhookSecretRoutes } from './routes/webhook-secrets';
import { webhookStatsRoutes } from './routes/webhook-stats';
import { webhookRecoveryRoutes } from './routes/webhook-recovery';
import { webhookRoutes } from './routes/webhooks';

export const BODY_LIMIT = '1mb';

/** The whole HTTP API, without listening: main() listens, tests listen on port 0. */
export function createApp(deps: AppDeps): Express {
  const ctx: AppContext = {
    ...deps,
    metrics: deps.metrics ?? createMetrics(),
    lifecycle: deps.lifecycle ?? { draining: false },
    tracing: deps.tracing ?? noTracing,
  };
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);

  // The API's own routes only: health checks and scrapes would be most of the spans and say nothing.
  if (ctx.tracing.enabled) app.use('/v1', traceRequests(ctx.tracing));
  app.use(requestMetrics(ctx.metrics));
  app.use(healthRoutes(ctx));
  app.use(openApiRoutes(packageJson.version));

  app.use('/v1', authenticate(ctx.db, ctx.config.authCacheTtlMs));
  app.use('/v1', requireJsonBody);
  app.use('/v1', express.json({ limit: BODY_LIMIT, type: JSON_TYPES }));
  app.use('/v1', limitJson());
  app.use(documentationRoutes(ctx));
  app.use(webhookRoutes(ctx));
  app.use(webhookSecretRoutes(ctx));
  app.use(webhookRecoveryRoutes(ctx));
  app.use(eventRoutes(ctx));
  app.use(deliveryRoutes(ctx));
  app.use(webhookStatsRoutes(ctx));
  app.use(operationalWebhookRoutes(ctx));

  app.use(dashboardRoutes(ctx.config.dashboardDir));
  app.use(unknownRoute);
  app.use(problemHandler(ctx.logger));
  return app;
}
