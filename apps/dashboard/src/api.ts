/** The /v1 API as the dashboard sees it (shared/CONTRACT.md is authoritative). */

export interface Documentation {
  id: string;
  slug: string;
  name: string;
  description: string | null;
  humanUrl: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface Webhook {
  id: string;
  documentationId: string;
  url: string;
  description: string | null;
  enabled: boolean;
  disabledReason: string | null;
  disabledAt: string | null;
  /** Since when every attempt has failed; null after a success. */
  failingSince: string | null;
  breakingOnly: boolean;
  secretMasked: string;
  createdAt: string;
  updatedAt: string;
  previousSecretExpiresAt: string | null;
}

/** Only the answer to a creation carries the secret without an explicit reveal. */
export interface CreatedWebhook extends Webhook {
  secret: string;
}

export interface NewWebhook {
  url: string;
  description?: string | null;
  breakingOnly?: boolean;
}

export type WebhookPatch = Partial<Pick<Webhook, 'url' | 'description' | 'enabled' | 'breakingOnly'>>;

export type DeliveryStatus = 'pending' | 'succeeded' | 'retrying' | 'exhausted' | 'cancelled';

export interface DeliveryItem {
  id: string;
  eventId: string;
  event: string;
  status: DeliveryStatus;
  attempts: number;
  lastAttempt: { at: string; statusCode: number | null; durationMs: number | null; error: string | null } | null;
  nextAttemptAt: string | null;
  createdAt: string;
}

export interface Attempt {
  id: string;
  trigger: 'scheduled' | 'manual';
  at: string;
  requestHeaders: Record<string, string> | null;
  responseStatus: number | null;
  responseHeaders: Record<string, string | string[]> | null;
  responseBody: string | null;
  durationMs: number;
  error: { kind: string; message: string | null } | null;
}

export interface DeliveryDetail extends Omit<DeliveryItem, 'attempts'> {
  webhookId: string;
  attemptCount?: number;
  request: { url: string; body: string };
  attempts: Attempt[];
}

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

export interface HourlyStats {
  hour: string;
  succeeded: number;
  failed: number;
  p50Ms: number | null;
  p95Ms: number | null;
}

export interface WebhookStats {
  webhookId: string;
  hours: number;
  since: string;
  buckets: HourlyStats[];
}

export interface FieldError {
  path: string;
  message: string;
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
  testWebhook(id: string): Promise<{ deliveryId: string }>;
  listDeliveries(webhookId: string, options: { limit: number; cursor?: string | null }): Promise<Page<DeliveryItem>>;
  getDelivery(id: string): Promise<DeliveryDetail>;
  redeliver(id: string): Promise<void>;
  webhookStats(id: string, hours: number): Promise<WebhookStats>;
  countRecoverable(id: string, since: string): Promise<RecoveryCount>;
  recover(id: string, since: string): Promise<{ count: number }>;
  listFailingWebhooks(): Promise<FailingWebhook[]>;
}

export interface FailingWebhook {
  id: string;
  url: string;
  failingSince: string;
  documentation: { id: string; slug: string; name: string };
}

export interface RecoveryCount {
  since: string;
  count: number;
  failed: number;
  missed: number;
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
    listWebhooks: async (documentation) => (await call<{ data: Webhook[] }>('GET', `/v1/documentations/${seg(documentation)}/webhooks`)).data,
    getWebhook: (id) => call('GET', `/v1/webhooks/${seg(id)}`),
    createWebhook: (documentation, input) => call('POST', `/v1/documentations/${seg(documentation)}/webhooks`, { body: input }),
    updateWebhook: (id, patch) => call('PATCH', `/v1/webhooks/${seg(id)}`, { body: patch }),
    deleteWebhook: (id) => call('DELETE', `/v1/webhooks/${seg(id)}`),
    revealSecret: async (id) => (await call<{ secret: string }>('GET', `/v1/webhooks/${seg(id)}/secret`)).secret,
    rotateSecret: async (id) => (await call<{ secret: string }>('POST', `/v1/webhooks/${seg(id)}/rotate-secret`)).secret,
    testWebhook: (id) => call('POST', `/v1/webhooks/${seg(id)}/test`),
    listDeliveries: (webhookId, { limit, cursor }) => call('GET', `/v1/webhooks/${seg(webhookId)}/deliveries`, { query: { limit, cursor: cursor ?? undefined } }),
    getDelivery: (id) => call('GET', `/v1/deliveries/${seg(id)}`),
    redeliver: async (id) => {
      await call('POST', `/v1/deliveries/${seg(id)}/redeliver`);
    },
    webhookStats: (id, hours) => call('GET', `/v1/webhooks/${seg(id)}/stats`, { query: { hours } }),
    countRecoverable: (id, since) => call('POST', `/v1/webhooks/${seg(id)}/recover`, { body: { since, dryRun: true } }),
    recover: (id, since) => call('POST', `/v1/webhooks/${seg(id)}/recover`, { body: { since } }),
    listFailingWebhooks: async () => (await call<{ data: FailingWebhook[] }>('GET', '/v1/failing-webhooks')).data,
  };
}
