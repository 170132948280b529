import { startTestApi, type TestApi } from './testing/harness';
import { createApp } from './app';
import { silentLogger } from './logger';

let api: TestApi;

beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api.close());

interface Layer {
  route?: { path: string; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
}

/** Every method + path the app really serves, read from Express's router. */
function servedRoutes(): string[] {
  const app = createApp({ config: { queuePrefix: api.prefix }, db: api.db, queue: api.queue, redis: api.redis, secretBox: api.secretBox, logger: silentLogger });
  const found: string[] = [];
  const walk = (stack: Layer[]) => {
    for (const layer of stack) {
      if (layer.route && typeof layer.route.path === 'string') {
        const path = layer.route.path.replace(/:(\w+)/g, '{$1}');
        for (const method of Object.keys(layer.route.methods)) if (method !== '_all') found.push(`${method.toUpperCase()} ${path}`);
      } else if (layer.handle?.stack) {
        walk(layer.handle.stack);
      }
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack);
  return found.sort();
}

describe('/openapi.json', () => {
  it('is an OpenAPI 3.1 document describing exactly the routes the app serves', async () => {
    const answer = await api.call('/openapi.json');
    expect(answer.status).toBe(200);
    expect(answer.body.openapi).toBe('3.1.0');
    const documented = Object.entries(answer.body.paths as Record<string, Record<string, unknown>>)
      .flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`))
      .sort();
    const served = servedRoutes();
    expect(served.length).toBeGreaterThanOrEqual(20);
    expect(documented).toEqual(served);
  });

  it('lists every route of the contract', async () => {
    const { body } = await api.call('/openapi.json');
    const contract = [
      'POST /v1/documentations',
      'GET /v1/documentations',
      'GET /v1/documentations/{idOrSlug}',
      'POST /v1/documentations/{idOrSlug}/webhooks',
      'GET /v1/documentations/{idOrSlug}/webhooks',
      'GET /v1/webhooks/{id}',
      'PATCH /v1/webhooks/{id}',
      'DELETE /v1/webhooks/{id}',
      'GET /v1/webhooks/{id}/secret',
      'POST /v1/webhooks/{id}/rotate-secret',
      'POST /v1/webhooks/{id}/test',
      'GET /v1/webhooks/{id}/deliveries',
      'GET /v1/deliveries/{id}',
      'POST /v1/deliveries/{id}/redeliver',
      'POST /v1/documentations/{idOrSlug}/events',
      'GET /v1/events/{id}',
      'PATCH /v1/documentations/{idOrSlug}',
      'DELETE /v1/documentations/{idOrSlug}',
      'POST /v1/api-keys',
      'GET /v1/api-keys',
      'DELETE /v1/api-keys/{id}',
      'GET /v1/deliveries',
      'GET /healthz',
      'GET /readyz',
      'GET /metrics',
      'GET /openapi.json',
    ];
    for (const route of contract) {
      const [method, path] = route.split(' ') as [string, string];
      expect({ route, operation: Boolean(body.paths[path]?.[method.toLowerCase()]) }).toEqual({ route, operation: true });
    }
  });

  it('resolves every $ref and describes the request bodies from the validation schemas', async () => {
    const { body } = await api.call('/openapi.json');
    const refs = JSON.stringify(body).match(/"\$ref":"[^"]+"/g) ?? [];
    expect(refs.length).toBeGreaterThan(10);
    for (const ref of new Set(refs)) {
      const name = /#\/components\/schemas\/([^"]+)/.exec(ref)?.[1];
      expect({ ref, resolves: name !== undefined && body.components.schemas[name] !== undefined }).toEqual({ ref, resolves: true });
    }
    const webhookCreate = body.components.schemas.WebhookCreate;
    expect(webhookCreate.required).toEqual(['url']);
    expect(webhookCreate.additionalProperties).toBe(false);
    expect(body.components.schemas.DocumentationCreate.properties.slug.pattern).toBe('^[a-z0-9][a-z0-9-]{0,63}$');
    expect(body.components.schemas.DiffItem.properties.children.items.$ref).toBe('#/components/schemas/DiffItem');
  });
});
