/**
 * The /v1 API as the dashboard sees it. The shapes are the API's own, derived
 * from the schemas /openapi.json publishes (apps/api/src/openapi/components.ts);
 * type-only, so nothing of the API is bundled.
 */
import type { DeliveryStatus } from '../../api/src/openapi/types';
import type { CreatedWebhook, DeliveryDetail, DeliveryItem, Documentation, FieldError, NewWebhook, Page, RecoveryCount, Webhook, WebhookPatch, WebhookStats } from '../../api/src/openapi/types';

export type {
  Attempt,
  CreatedWebhook,
  DeliveryDetail,
  DeliveryItem,
  DeliveryStatus,
  Documentation,
  FieldError,
  HourlyStats,
  NewWebhook,
  Page,
  RecoveryCount,
  Webhook,
  WebhookPatch,
  WebhookStats,
} from '../../api/src/openapi/types';

export interface NewDocumentation {
  slug: string;
  name: string;
  description?: string | null;
  humanUrl?: string | null;
}

export type DocumentationPatch = Partial<NewDocumentation & { tags: string[] }>;

export type ApiKeyScope = 'admin' | 'events:write' | 'read';

export interface ApiKey {
  id: string;
  name: string;
  prefix: string;
  scopes: ApiKeyScope[];
  createdAt: string;
  lastUsedAt: string | null;
}

/** Only the answer to a creation carries the key itself. */
export interface CreatedApiKey extends ApiKey {
  secret: string;
}

/** GET /v1/deliveries and a webhook's list take the same filters. */
export interface DeliveryFilters {
  status?: string;
  eventType?: string;
  httpStatus?: string;
  from?: string;
  to?: string;
  deliveryId?: string;
  eventId?: string;
}


/** An RFC 9457 problem as the API worded it; status 0 when the API could not be reached at all. */
export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    readonly type = 'about:blank',
    readonly errors: FieldError[] = [],
  ) {
    super(detail);
    this.name = 'ApiProblem';
  }

  /** The message for one field (`url`), if the API named it. */
  fieldError(path: string): string | undefined {
    return this.errors.find((error) => error.path === path)?.message;
  }
}

export const asProblem = (error: unknown): ApiProblem =>
  error instanceof ApiProblem ? error : new ApiProblem(0, 'Error', error instanceof Error ? error.message : String(error));

type Query = Record<string, string | number | undefined>;

async function problemFrom(response: Response): Promise<ApiProblem> {
  const text = await response.text();
  try {
    const body = JSON.parse(text) as Partial<{ type: string; title: string; detail: string; errors: FieldError[] }>;
    if (typeof body.detail === 'string') {
      return new ApiProblem(response.status, body.title ?? response.statusText, body.detail, body.type, Array.isArray(body.errors) ? body.errors : []);
    }
  } catch {
    // Not JSON: a proxy's error page, for instance. Said below with the status.
  }
  return new ApiProblem(response.status, response.statusText, `The server answered ${response.status} ${response.statusText}`.trim() + '.');
}

export interface ApiClient {
  listDocumentations(cursor?: string): Promise<Page<Documentation>>;
  getDocumentation(idOrSlug: string): Promise<Documentation>;
  listWebhooks(documentation: string): Promise<Webhook[]>;
  getWebhook(id: string): Promise<Webhook>;
  createWebhook(documentation: string, input: NewWebhook): Promise<CreatedWebhook>;
  updateWebhook(id: string, patch: WebhookPatch): Promise<Webhook>;
  deleteWebhook(id: string): Promise<void>;
  revealSecret(id: string): Promise<string>;
  rotateSecret(id: string): Promise<string>;
  activateSecret(id: string): Promise<Webhook>;
  testWebhook(id: string): Promise<{ deliveryId: string }>;
  listDeliveries(webhookId: string, options: { limit: number; cursor?: string | null; filters?: DeliveryFilters }): Promise<Page<DeliveryItem>>;
  getDelivery(id: string): Promise<DeliveryDetail>;
  redeliver(id: string): Promise<void>;
  webhookStats(id: string, hours: number): Promise<WebhookStats>;
  countRecoverable(id: string, since: string): Promise<RecoveryCount>;
  recover(id: string, since: string): Promise<{ count: number }>;
  listVersions(documentation: string, cursor?: string | null): Promise<Page<Version>>;
  getEvent(id: string): Promise<EventDeliveries>;
  createDocumentation(input: NewDocumentation): Promise<Documentation>;
  updateDocumentation(idOrSlug: string, patch: DocumentationPatch): Promise<Documentation>;
  deleteDocumentation(idOrSlug: string): Promise<void>;
  listApiKeys(): Promise<ApiKey[]>;
  createApiKey(input: { name: string; scopes: ApiKeyScope[] }): Promise<CreatedApiKey>;
  revokeApiKey(id: string): Promise<void>;
  listFailingWebhooks(): Promise<FailingWebhook[]>;
}

export interface FailingWebhook {
  id: string;
  url: string;
  failingSince: string;
  documentation: { id: string; slug: string; name: string };
}

/** A Bump DiffItem, as in a version's diff. */
export interface DiffItem {
  id: string;
  name: string;
  status: 'added' | 'modified' | 'removed';
  type: string;
  breaking: boolean;
  children?: DiffItem[];
}

/** A deployed definition (GET /v1/versions/{id}). */
export interface Version {
  id: string;
  status: 'pending' | 'done' | 'failed';
  version: string;
  specification: string;
  diff: { breaking?: boolean; details?: DiffItem[] } | null;
  summary: { text: string; markdown: string } | null;
  eventId: string | null;
  error: string | null;
  createdAt: string;
}

export interface EventDeliveries {
  id: string;
  deliveries: Array<{ id: string; status: DeliveryStatus; webhookId?: string }>;
}

/**
 * Every call sends the API key and either resolves with the parsed body or
 * throws an ApiProblem carrying the API's own words. `onUnauthorized` lets the
 * app sign out when a key is revoked mid-session.
 */
export function createApiClient(apiKey: string, onUnauthorized: (problem: ApiProblem) => void = () => undefined, base = ''): ApiClient {
  async function call<T>(method: string, path: string, options: { body?: unknown; query?: Query } = {}): Promise<T> {
    const params = new URLSearchParams();
    for (const [name, value] of Object.entries(options.query ?? {})) if (value !== undefined && value !== '') params.set(name, String(value));
    const url = `${base}${path}${params.size ? `?${params}` : ''}`;
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: { Authorization: `Bearer ${apiKey}`, Accept: 'application/json', ...(options.body !== undefined ? { 'Content-Type': 'application/json' } : {}) },
        body: options.body !== undefined ? JSON.stringify(options.body) : undefined,
        cache: 'no-store',
      });
    } catch (error) {
      throw new ApiProblem(0, 'Network error', `Could not reach the Hookline API (${error instanceof Error ? error.message : String(error)}). Check that the server is running.`);
    }
    if (!response.ok) {
      const problem = await problemFrom(response);
      if (response.status === 401) onUnauthorized(problem);
      throw problem;
    }
    if (response.status === 204) return undefined as T;
    try {
      return (await response.json()) as T;
    } catch {
      // An HTML page where JSON was expected: a proxy or a path that is not the API.
      throw new ApiProblem(response.status, 'Unexpected answer', `${method} ${path} did not answer with JSON. Is the dashboard served by the Hookline API?`);
    }
  }

  const seg = encodeURIComponent;
  return {
    listDocumentations: (cursor) => call('GET', '/v1/documentations', { query: { cursor } }),
    getDocumentation: (idOrSlug) => call('GET', `/v1/documentations/${seg(idOrSlug)}`),
    listWebhooks: async (documentation) => {
      // Every page: a documentation's webhooks are shown together.
      const all: Webhook[] = [];
      let cursor: string | null = null;
      do {
        const page: Page<Webhook> = await call('GET', `/v1/documentations/${seg(documentation)}/webhooks`, { query: { limit: 100, cursor: cursor ?? undefined } });
        all.push(...page.data);
        cursor = page.nextCursor;
      } while (cursor);
      return all;
    },
    getWebhook: (id) => call('GET', `/v1/webhooks/${seg(id)}`),
    createWebhook: (documentation, input) => call('POST', `/v1/documentations/${seg(documentation)}/webhooks`, { body: input }),
    updateWebhook: (id, patch) => call('PATCH', `/v1/webhooks/${seg(id)}`, { body: patch }),
    deleteWebhook: (id) => call('DELETE', `/v1/webhooks/${seg(id)}`),
    revealSecret: async (id) => (await call<{ secret: string }>('GET', `/v1/webhooks/${seg(id)}/secret`)).secret,
    rotateSecret: async (id) => (await call<{ secret: string }>('POST', `/v1/webhooks/${seg(id)}/rotate-secret`)).secret,
    activateSecret: (id) => call('POST', `/v1/webhooks/${seg(id)}/activate-secret`),
    testWebhook: (id) => call('POST', `/v1/webhooks/${seg(id)}/test`),
    listDeliveries: (webhookId, { limit, cursor, filters }) =>
      call('GET', `/v1/webhooks/${seg(webhookId)}/deliveries`, { query: { ...filters, limit, cursor: cursor ?? undefined } }),
    getDelivery: (id) => call('GET', `/v1/deliveries/${seg(id)}`),
    redeliver: async (id) => {
      await call('POST', `/v1/deliveries/${seg(id)}/redeliver`);
    },
    webhookStats: (id, hours) => call('GET', `/v1/webhooks/${seg(id)}/stats`, { query: { hours } }),
    countRecoverable: (id, since) => call('POST', `/v1/webhooks/${seg(id)}/recover`, { body: { since, dryRun: true } }),
    recover: (id, since) => call('POST', `/v1/webhooks/${seg(id)}/recover`, { body: { since } }),
    listVersions: (documentation, cursor) => call('GET', `/v1/documentations/${seg(documentation)}/versions`, { query: { limit: 20, cursor: cursor ?? undefined } }),
    getEvent: (id) => call('GET', `/v1/events/${seg(id)}`),
    createDocumentation: (input) => call('POST', '/v1/documentations', { body: input }),
    updateDocumentation: (idOrSlug, patch) => call('PATCH', `/v1/documentations/${seg(idOrSlug)}`, { body: patch }),
    deleteDocumentation: (idOrSlug) => call('DELETE', `/v1/documentations/${seg(idOrSlug)}`),
    listApiKeys: async () => (await call<{ data: ApiKey[] }>('GET', '/v1/api-keys')).data,
    createApiKey: (input) => call('POST', '/v1/api-keys', { body: input }),
    revokeApiKey: (id) => call('DELETE', `/v1/api-keys/${seg(id)}`),
    listFailingWebhooks: async () => (await call<{ data: FailingWebhook[] }>('GET', '/v1/failing-webhooks')).data,
  };
}
