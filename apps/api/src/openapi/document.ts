import { componentSchemas, type ComponentName } from './components';
import { operationalPaths, operationalSchemas, operationalWebhooks } from './operational';

/** The OpenAPI 3.1 description of every route; openapi.test.ts checks it against the router. */

const ref = (name: ComponentName) => ({ $ref: `#/components/schemas/${name}` });
const json = (name: ComponentName) => ({ 'application/json': { schema: ref(name) } });
const ok = (status: number, description: string, name?: ComponentName) => ({ [status]: { description, ...(name ? { content: json(name) } : {}) } });
const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: ref('Problem') } } });

const errors = (...statuses: number[]) => {
  const descriptions: Record<number, string> = {
    400: 'Invalid input; `errors` names each field',
    401: 'Missing or invalid API key',
    404: 'Not found (or another organization’s)',
    409: 'Conflict',
    413: 'Body larger than 1 MiB',
    415: 'Body is not JSON',
    503: 'Not ready',
  };
  return Object.fromEntries([401, ...statuses].map((status) => [status, problem(descriptions[status]!)]));
};

const pathParam = (name: string, description: string) => ({ name, in: 'path', required: true, schema: { type: 'string' }, description });
const idOrSlug = pathParam('idOrSlug', 'The documentation’s id or slug');
const webhookId = pathParam('id', 'Webhook id');
const pageParams = (defaultLimit: number) => [
  { name: 'limit', in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: 100, default: defaultLimit } },
  { name: 'cursor', in: 'query', required: false, schema: { type: 'string', format: 'uuid' }, description: '`nextCursor` of the previous page' },
];
const body = (name: ComponentName) => ({ required: true, content: json(name) });

export function buildOpenApiDocument(version: string) {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Hookline',
      version,
      description: 'Delivers "documentation changed" webhooks: report a structural change of an API documentation, and every webhook registered on it receives a signed POST, with retries and a record of every attempt.',
    },
    servers: [{ url: '/' }],
    security: [{ bearer: [] }],
    tags: [{ name: 'Documentations' }, { name: 'Webhooks' }, { name: 'Events' }, { name: 'Deliveries' }, { name: 'Operations' }, { name: 'Operational webhooks' }],
    paths: {
      '/v1/documentations': {
        post: { tags: ['Documentations'], operationId: 'createDocumentation', requestBody: body('DocumentationCreate'), responses: { ...ok(201, 'Created', 'Documentation'), ...errors(400, 409, 413, 415) } },
        get: { tags: ['Documentations'], operationId: 'listDocumentations', parameters: pageParams(100), responses: { ...ok(200, 'Documentations, oldest first', 'DocumentationList'), ...errors(400) } },
      },
      '/v1/documentations/{idOrSlug}': {
        get: { tags: ['Documentations'], operationId: 'getDocumentation', parameters: [idOrSlug], responses: { ...ok(200, 'The documentation', 'Documentation'), ...errors(404) } },
      },
      '/v1/documentations/{idOrSlug}/webhooks': {
        post: { tags: ['Webhooks'], operationId: 'createWebhook', parameters: [idOrSlug], requestBody: body('WebhookCreate'), responses: { ...ok(201, 'Created; the only answer with the secret in full besides the reveal', 'WebhookCreated'), ...errors(400, 404, 413, 415) } },
        get: { tags: ['Webhooks'], operationId: 'listWebhooks', parameters: [idOrSlug], responses: { ...ok(200, 'Webhooks, secrets masked', 'WebhookList'), ...errors(404) } },
      },
      '/v1/documentations/{idOrSlug}/events': {
        post: {
          tags: ['Events'],
          operationId: 'createEvent',
          summary: 'Report a structure change',
          parameters: [idOrSlug, { name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string', minLength: 1, maxLength: 255 }, description: 'Same key and body within 24 h: the first answer again (with `Idempotent-Replayed: true`); another body: 409.' }],
          requestBody: body('EventCreate'),
          responses: { ...ok(202, 'Accepted; `deliveries` is the number of deliveries created', 'EventAccepted'), ...errors(400, 404, 409, 413, 415) },
        },
      },
      '/v1/events/{id}': {
        get: { tags: ['Events'], operationId: 'getEvent', parameters: [pathParam('id', 'Event id')], responses: { ...ok(200, 'The event and its deliveries', 'Event'), ...errors(404) } },
      },
      '/v1/webhooks/{id}': {
        get: { tags: ['Webhooks'], operationId: 'getWebhook', parameters: [webhookId], responses: { ...ok(200, 'The webhook, secret masked', 'Webhook'), ...errors(404) } },
        patch: { tags: ['Webhooks'], operationId: 'updateWebhook', parameters: [webhookId], requestBody: body('WebhookUpdate'), responses: { ...ok(200, 'Updated; enabling clears disabledReason', 'Webhook'), ...errors(400, 404, 413, 415) } },
        delete: { tags: ['Webhooks'], operationId: 'deleteWebhook', parameters: [webhookId], responses: { ...ok(204, 'Deleted; pending deliveries are cancelled'), ...errors(404) } },
      },
      '/v1/webhooks/{id}/secret': {
        get: { tags: ['Webhooks'], operationId: 'revealWebhookSecret', parameters: [webhookId], responses: { ...ok(200, 'The secret', 'Secret'), ...errors(404) } },
      },
      '/v1/webhooks/{id}/rotate-secret': {
        post: { tags: ['Webhooks'], operationId: 'rotateWebhookSecret', parameters: [webhookId], responses: { ...ok(200, 'The new secret; the previous one still signs for 24 h', 'Secret'), ...errors(404) } },
      },
      '/v1/webhooks/{id}/test': {
        post: { tags: ['Webhooks'], operationId: 'testWebhook', summary: 'Send a sample change as a `ping` event', parameters: [webhookId], responses: { ...ok(202, 'Accepted', 'TestAccepted'), ...errors(404) } },
      },
      '/v1/webhooks/{id}/deliveries': {
        get: { tags: ['Deliveries'], operationId: 'listDeliveries', parameters: [webhookId, ...pageParams(10)], responses: { ...ok(200, 'Deliveries, most recent first', 'DeliveryList'), ...errors(400, 404) } },
      },
      '/v1/webhooks/{id}/recover': {
        post: {
          tags: ['Webhooks'],
          operationId: 'recoverWebhookDeliveries',
          summary: 'Resend what a webhook missed since a time: `dryRun: true` counts it first',
          parameters: [webhookId],
          requestBody: body('WebhookRecover'),
          responses: { ...ok(200, 'With dryRun: what would be sent', 'RecoveryCount'), ...ok(202, 'Recovering: deliveries reopened or created, and queued', 'RecoveryAccepted'), ...errors(400, 404, 409, 413, 415) },
        },
      },
      '/v1/webhooks/{id}/stats': {
        get: {
          tags: ['Webhooks'],
          operationId: 'webhookStats',
          summary: 'Attempts per hour, succeeded and failed, with latency percentiles (the dashboard’s health plot)',
          parameters: [webhookId, { name: 'hours', in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: 168, default: 24 } }],
          responses: { ...ok(200, 'One bucket per hour, oldest first, empty hours included', 'WebhookStats'), ...errors(400, 404) },
        },
      },
      '/v1/deliveries/{id}': {
        get: { tags: ['Deliveries'], operationId: 'getDelivery', parameters: [pathParam('id', 'Delivery id')], responses: { ...ok(200, 'The delivery with every attempt', 'DeliveryDetail'), ...errors(404) } },
      },
      '/v1/deliveries/{id}/redeliver': {
        post: {
          tags: ['Deliveries'],
          operationId: 'redeliver',
          summary: 'One more attempt now, with the same webhook-id',
          parameters: [pathParam('id', 'Delivery id')],
          responses: { ...ok(202, 'Accepted', 'RedeliveryAccepted'), ...errors(404, 409, 503) },
        },
      },
      '/healthz': { get: { tags: ['Operations'], operationId: 'liveness', security: [], responses: ok(200, 'The process is up') } },
      '/readyz': { get: { tags: ['Operations'], operationId: 'readiness', security: [], responses: { ...ok(200, 'PostgreSQL and Redis answer'), 503: problem('PostgreSQL or Redis does not answer') } } },
      '/metrics': { get: { tags: ['Operations'], operationId: 'metrics', security: [], responses: { 200: { description: 'Prometheus text format', content: { 'text/plain': { schema: { type: 'string' } } } } } } },
      ...operationalPaths(),
      '/openapi.json': { get: { tags: ['Operations'], operationId: 'openapi', security: [], responses: { 200: { description: 'This document', content: { 'application/json': { schema: { type: 'object' } } } } } } },
    },
    webhooks: operationalWebhooks(),
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'An API key: `hk_<prefix>_<secret>`' } },
      schemas: { ...componentSchemas(), ...operationalSchemas() },
    },
  };
}
