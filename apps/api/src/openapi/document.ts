import { componentSchemas, type ComponentName } from './components';
import { versionPaths, webhookRequests } from './versions';
import { operationalPaths, operationalSchemas, operationalWebhooks } from './operational';
import { SCOPES, scopesFor } from '../middleware/scopes';

/** The OpenAPI 3.1 description of every route; openapi.test.ts checks it against the router. */

const ref = (name: ComponentName) => ({ $ref: `#/components/schemas/${name}` });
const json = (name: ComponentName) => ({ 'application/json': { schema: ref(name) } });
const ok = (status: number, description: string, name?: ComponentName) => ({ [status]: { description, ...(name ? { content: json(name) } : {}) } });
const problem = (description: string, schema: ComponentName = 'Problem') => ({ description, content: { 'application/problem+json': { schema: ref(schema) } } });

const MISSING_SCOPE = 'The API key lacks the scope this route needs; `detail` names it';

const errors = (...statuses: number[]) => {
  const descriptions: Record<number, string> = {
    400: 'Invalid input; `errors` names each field',
    401: 'Missing or invalid API key',
    403: MISSING_SCOPE,
    404: 'Not found (or another organization’s)',
    409: 'Conflict',
    413: 'Body larger than 1 MiB',
    415: 'Body is not JSON',
    429: 'A quota is used up: `quota` names it, `Retry-After` says when to try again',
    503: 'The delivery queue is not reachable; `Retry-After` says when to try again',
  };
  return Object.fromEntries([401, ...statuses].map((status) => [status, problem(descriptions[status]!, status === 429 ? 'QuotaProblem' : 'Problem')]));
};

/**
 * 403 on every operation that a key without `admin` can be refused (what
 * requireScope answers, from SCOPE_RULES): all but those every scope allows.
 */
function withScopeProblems<Paths extends Record<string, Record<string, { security?: unknown[]; responses: Record<string, unknown> }>>>(paths: Paths): Paths {
  for (const [path, item] of Object.entries(paths)) {
    if (!path.startsWith('/v1/')) continue;
    for (const [method, operation] of Object.entries(item)) {
      if (operation.security?.length === 0 || '403' in operation.responses) continue;
      const allowed = scopesFor(method.toUpperCase(), path.replace(/\{\w+\}/g, 'x'));
      if (SCOPES.every((scope) => scope === 'admin' || allowed.includes(scope))) continue;
      // Integer keys keep their numeric order: 403 lands after 401.
      operation.responses = { ...operation.responses, 403: problem(MISSING_SCOPE) };
    }
  }
  return paths;
}

const pathParam = (name: string, description: string) => ({ name, in: 'path', required: true, schema: { type: 'string' }, description });
const idOrSlug = pathParam('idOrSlug', 'The documentation’s id or slug');
const webhookId = pathParam('id', 'Webhook id');
const pageParams = (defaultLimit: number) => [
  { name: 'limit', in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: 100, default: defaultLimit } },
  { name: 'cursor', in: 'query', required: false, schema: { type: 'string', format: 'uuid' }, description: '`nextCursor` of the previous page' },
];
const body = (name: ComponentName) => ({ required: true, content: json(name) });
const query = (name: string, description: string, schema: Record<string, unknown> = { type: 'string' }) => ({ name, in: 'query', required: false, schema, description });
const deliveryFilters = [
  query('status', 'One or more of pending, succeeded, retrying, exhausted, cancelled: comma-separated or repeated', { type: 'array', items: { type: 'string', enum: ['pending', 'succeeded', 'retrying', 'exhausted', 'cancelled'] } }),
  query('eventType', '`documentation.structure_change` or `ping`'),
  query('from', 'Created at or after', { type: 'string', format: 'date-time' }),
  query('to', 'Created before', { type: 'string', format: 'date-time' }),
  query('httpStatus', 'The last attempt’s HTTP status: a class (`2xx`, `4xx`, `5xx`) or a code (`404`)', { type: 'string', pattern: '^([1-5]xx|[1-5][0-9]{2})$' }),
  query('eventId', 'Deliveries of this event', { type: 'string', format: 'uuid' }),
  query('deliveryId', 'This delivery: the `webhook-id` header receivers saw', { type: 'string', format: 'uuid' }),
];

export function buildOpenApiDocument(version: string) {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Hookline',
      version,
      license: { name: 'MIT', identifier: 'MIT' },
      description: 'Delivers "documentation changed" webhooks: report a structural change of an API documentation, and every webhook registered on it receives a signed POST, with retries and a record of every attempt.',
    },
    servers: [{ url: '/' }],
    security: [{ bearer: [] }],
    tags: [
      { name: 'Documentations', description: 'The API documentations whose changes are announced' },
      { name: 'Webhooks', description: 'Endpoints that receive a documentation’s changes, signed' },
      { name: 'Events', description: 'Reported changes, each fanned out into one delivery per webhook' },
      { name: 'Deliveries', description: 'One event to one webhook, with every attempt' },
      { name: 'API keys', description: 'Keys with scopes; a secret is shown once' },
      { name: 'Operations', description: 'Probes, metrics and this document; no API key' },
      { name: 'Operational webhooks', description: 'Endpoints told when a webhook is failing, disabled or recovered, or a delivery is exhausted' },
    ],
    paths: withScopeProblems({
      '/v1/documentations': {
        post: { tags: ['Documentations'], operationId: 'createDocumentation', summary: 'Create a documentation', requestBody: body('DocumentationCreate'), responses: { ...ok(201, 'Created', 'Documentation'), ...errors(400, 409, 413, 415) } },
        get: { tags: ['Documentations'], operationId: 'listDocumentations', summary: 'List documentations', parameters: pageParams(100), responses: { ...ok(200, 'Documentations, oldest first', 'DocumentationList'), ...errors(400) } },
      },
      '/v1/documentations/{idOrSlug}': {
        get: { tags: ['Documentations'], operationId: 'getDocumentation', summary: 'Get a documentation', parameters: [idOrSlug], responses: { ...ok(200, 'The documentation', 'Documentation'), ...errors(404) } },
        patch: {
          tags: ['Documentations'],
          operationId: 'updateDocumentation',
          summary: 'Edit name, description, humanUrl, tags or slug (the id stays)',
          parameters: [idOrSlug],
          requestBody: body('DocumentationUpdate'),
          responses: { ...ok(200, 'Updated', 'Documentation'), ...errors(400, 403, 404, 409, 413, 415) },
        },
        delete: {
          tags: ['Documentations'],
          operationId: 'deleteDocumentation',
          summary: 'Delete a documentation and its webhooks; pending deliveries are cancelled',
          parameters: [idOrSlug],
          responses: { ...ok(204, 'Deleted; it answers 404 from now on and its slug is free'), ...errors(403, 404) },
        },
      },
      '/v1/api-keys': {
        post: {
          tags: ['API keys'],
          operationId: 'createApiKey',
          summary: 'Create an API key with scopes; the answer is the only one that shows it',
          requestBody: body('ApiKeyCreate'),
          responses: { ...ok(201, 'Created (`Cache-Control: no-store`)', 'ApiKeyCreated'), ...errors(400, 403, 413, 415) },
        },
        get: { tags: ['API keys'], operationId: 'listApiKeys', summary: 'The organization’s API keys, without secrets', responses: { ...ok(200, 'Keys not revoked, oldest first', 'ApiKeyList'), ...errors(403) } },
      },
      '/v1/api-keys/{id}': {
        delete: {
          tags: ['API keys'],
          operationId: 'revokeApiKey',
          summary: 'Revoke an API key: refused by every API process within a second',
          parameters: [pathParam('id', 'API key id')],
          responses: { ...ok(204, 'Revoked'), ...errors(403, 404) },
        },
      },
      '/v1/deliveries': {
        get: {
          tags: ['Deliveries'],
          operationId: 'searchDeliveries',
          summary: 'Search every delivery of the organization, most recent first',
          parameters: [...deliveryFilters, ...pageParams(10)],
          responses: { ...ok(200, 'Matching deliveries, most recent first', 'DeliverySearchList'), ...errors(400, 403) },
        },
      },
      '/v1/documentations/{idOrSlug}/webhooks': {
        post: { tags: ['Webhooks'], operationId: 'createWebhook', summary: 'Register a webhook on a documentation', parameters: [idOrSlug], requestBody: body('WebhookCreate'), responses: { ...ok(201, 'Created; the only answer with the secret in full besides the reveal', 'WebhookCreated'), ...errors(400, 404, 413, 415, 429) } },
        get: { tags: ['Webhooks'], operationId: 'listWebhooks', summary: 'List a documentation’s webhooks', parameters: [idOrSlug, ...pageParams(100)], responses: { ...ok(200, 'Webhooks, oldest first, secrets masked', 'WebhookList'), ...errors(400, 404) } },
      },
      '/v1/documentations/{idOrSlug}/events': {
        post: {
          tags: ['Events'],
          operationId: 'createEvent',
          summary: 'Report a structure change',
          parameters: [idOrSlug, { name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string', minLength: 1, maxLength: 255 }, description: 'Same key and body within 24 h: the first answer again (with `Idempotent-Replayed: true`); another body: 409.' }],
          requestBody: body('EventCreate'),
          responses: { ...ok(202, 'Accepted; `deliveries` is the number of deliveries created', 'EventAccepted'), ...errors(400, 404, 409, 413, 415, 429) },
        },
      },
      '/v1/events/{id}': {
        get: { tags: ['Events'], operationId: 'getEvent', summary: 'Get an event and its deliveries', parameters: [pathParam('id', 'Event id')], responses: { ...ok(200, 'The event and its deliveries', 'Event'), ...errors(404) } },
      },
      '/v1/webhooks/{id}': {
        get: { tags: ['Webhooks'], operationId: 'getWebhook', summary: 'Get a webhook', parameters: [webhookId], responses: { ...ok(200, 'The webhook, secret masked', 'Webhook'), ...errors(404) } },
        patch: { tags: ['Webhooks'], operationId: 'updateWebhook', summary: 'Update a webhook', parameters: [webhookId], requestBody: body('WebhookUpdate'), responses: { ...ok(200, 'Updated; enabling clears disabledReason', 'Webhook'), ...errors(400, 404, 413, 415) } },
        delete: { tags: ['Webhooks'], operationId: 'deleteWebhook', summary: 'Delete a webhook', parameters: [webhookId], responses: { ...ok(204, 'Deleted; pending deliveries are cancelled, and its deliveries are no longer readable: GET /v1/deliveries/{id} and its events’ `deliveries` leave them out'), ...errors(404) } },
      },
      '/v1/webhooks/{id}/secret': {
        get: { tags: ['Webhooks'], operationId: 'revealWebhookSecret', summary: 'Reveal a webhook’s signing secret', parameters: [webhookId], responses: { ...ok(200, 'The secret', 'Secret'), ...errors(404) } },
      },
      '/v1/webhooks/{id}/rotate-secret': {
        post: {
          tags: ['Webhooks'],
          operationId: 'rotateWebhookSecret',
          summary: 'Create the next secret (staged rotation)',
          description:
            'For 24 h `webhook-signature` carries a signature with each secret. `X-Bump-Signature-256` stays on the previous secret (the one receivers have) until activate-secret or the end of the 24 h. While a rotated secret waits for activation, another rotation is 409.',
          parameters: [webhookId],
          responses: { ...ok(200, 'The next secret', 'Secret'), ...errors(404, 409) },
        },
      },
      '/v1/webhooks/{id}/activate-secret': {
        post: {
          tags: ['Webhooks'],
          operationId: 'activateWebhookSecret',
          summary: '`X-Bump-Signature-256` switches to the next secret now',
          parameters: [webhookId],
          responses: { ...ok(200, 'The webhook', 'Webhook'), ...errors(404, 409) },
        },
      },
      '/v1/webhooks/{id}/test': {
        post: { tags: ['Webhooks'], operationId: 'testWebhook', summary: 'Send a sample change as a `ping` event', parameters: [webhookId], responses: { ...ok(202, 'Accepted', 'TestAccepted'), ...errors(404) } },
      },
      '/v1/webhooks/{id}/deliveries': {
        get: { tags: ['Deliveries'], operationId: 'listDeliveries', summary: 'List a webhook’s deliveries', parameters: [webhookId, ...deliveryFilters, ...pageParams(10)], responses: { ...ok(200, 'Deliveries, most recent first', 'DeliveryList'), ...errors(400, 404) } },
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
        get: { tags: ['Deliveries'], operationId: 'getDelivery', summary: 'Get a delivery with its attempts', parameters: [pathParam('id', 'Delivery id')], responses: { ...ok(200, 'The delivery with every attempt', 'DeliveryDetail'), ...errors(404) } },
      },
      '/v1/deliveries/{id}/redeliver': {
        post: {
          tags: ['Deliveries'],
          operationId: 'redeliver',
          summary: 'One more attempt now, with the same webhook-id',
          description: 'Also to a disabled webhook, like a test ping: that is how an endpoint is checked before enabling it again.',
          parameters: [pathParam('id', 'Delivery id')],
          responses: { ...ok(202, 'Accepted', 'RedeliveryAccepted'), ...errors(404, 429, 503) },
        },
      },
      ...versionPaths,
      '/healthz': { get: { tags: ['Operations'], operationId: 'liveness', summary: 'Liveness probe', security: [], responses: ok(200, 'The process is up', 'Liveness') } },
      '/readyz': { get: { tags: ['Operations'], operationId: 'readiness', summary: 'Readiness probe', security: [], responses: { ...ok(200, 'PostgreSQL and Redis answer', 'Readiness'), 503: problem('PostgreSQL or Redis does not answer') } } },
      '/metrics': {
        get: {
          tags: ['Operations'],
          operationId: 'metrics',
          summary: 'Prometheus metrics',
          description: 'No API key; when METRICS_TOKEN is set, `Authorization: Bearer <METRICS_TOKEN>`.',
          security: [],
          responses: { 200: { description: 'Prometheus text format', content: { 'text/plain': { schema: { type: 'string' } } } }, 401: problem('METRICS_TOKEN is set and the request does not carry it') },
        },
      },
      ...operationalPaths(),
      '/openapi.json': { get: { tags: ['Operations'], operationId: 'openapi', summary: 'This OpenAPI document', security: [], responses: { 200: { description: 'This document', content: { 'application/json': { schema: { type: 'object' } } } } } } },
    }),
    webhooks: { ...webhookRequests, ...operationalWebhooks() },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'An API key: `hk_<prefix>_<secret>`. Its scopes: `admin` (everything), `events:write` (report events, deploy versions), `read` (the GET routes, except secrets and API keys); a missing scope is 403.' } },
      schemas: { ...componentSchemas(), ...operationalSchemas() },
    },
  };
}
