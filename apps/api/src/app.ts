import express, { type Express } from 'express';
import { noTracing } from '@hookline/telemetry';
import packageJson from '../package.json';
import { CacheInvalidation } from './cache-invalidation';
import type { AppContext, AppDeps } from './context';
import { createMetrics } from './metrics';
import { authenticate } from './middleware/auth';
import { JSON_TYPES, requireJsonBody } from './middleware/content-type';
import { problemHandler, unknownRoute } from './middleware/errors';
import { limitJson } from './middleware/json-limits';
import { methodNotAllowed } from './middleware/method-not-allowed';
import { requestMetrics } from './middleware/request-metrics';
import { securityHeaders } from './middleware/security-headers';
import { requireScope } from './middleware/scopes';
import { apiKeyRoutes } from './routes/api-keys';
import { deliverySearchRoutes } from './routes/delivery-search';
import { documentationLifecycleRoutes } from './routes/documentation-lifecycle';
import { cacheDocumentations } from './routes/lookups';
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
import { versionRoutes } from './versions/routes';

export const BODY_LIMIT = '1mb';

/** The whole HTTP API, without listening: main() listens, tests listen on port 0. */
export function createApp(deps: AppDeps): Express {
  const ctx: AppContext = {
    ...deps,
    metrics: deps.metrics ?? createMetrics(),
    lifecycle: deps.lifecycle ?? { draining: false },
    invalidation: new CacheInvalidation(deps.subscriber ?? null, deps.config.queuePrefix, deps.logger),
    tracing: deps.tracing ?? noTracing,
  };
  cacheDocumentations(ctx.db, ctx.invalidation);
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);

  // The API's own routes only: health checks and scrapes would be most of the spans and say nothing.
  if (ctx.tracing.enabled) app.use('/v1', traceRequests(ctx.tracing));
  app.use(requestMetrics(ctx.metrics));
  app.use(securityHeaders());
  app.use(healthRoutes(ctx));
  app.use(openApiRoutes(packageJson.version));

  app.use('/v1', authenticate(ctx.db, { ttlMs: ctx.config.authCacheTtlMs, invalidation: ctx.invalidation, logger: ctx.logger }));
  app.use('/v1', requireScope);
  // Before the JSON parser: definitions are YAML or JSON far larger than its limit.
  app.use(versionRoutes(ctx));
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
  app.use(apiKeyRoutes(ctx));
  app.use(documentationLifecycleRoutes(ctx));
  app.use(deliverySearchRoutes(ctx));
  app.use(operationalWebhookRoutes(ctx));

  app.use(dashboardRoutes(ctx.config.dashboardDir));
  app.use(methodNotAllowed());
  app.use(unknownRoute);
  app.use(problemHandler(ctx.logger));
  return app;
}
