import { z } from 'zod';
import { ApiKeyCreate, DocumentationUpdate } from '../lifecycle-schemas';
import { SCOPES } from '../middleware/scopes';
import { DEFAULT_QUOTAS, type QuotaName } from '../quotas';
import { Diff, DiffItem, DocumentationCreate, EventCreate, WebhookCreate, WebhookRecover, WebhookUpdate } from '../schemas';

/** Response shapes, for the document only: representations.ts builds them. */

const timestamp = z.string().meta({ format: 'date-time' });
const uuid = z.string().meta({ format: 'uuid' });

const Documentation = z.object({
  id: uuid,
  slug: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  humanUrl: z.string().nullable(),
  tags: z.array(z.string()),
  createdAt: timestamp,
  updatedAt: timestamp,
});

const ApiKey = z.object({
  id: uuid,
  name: z.string(),
  prefix: z.string().meta({ description: 'The public part of the key: `hk_<prefix>_…`' }),
  scopes: z.array(z.enum(SCOPES)),
  createdAt: timestamp,
  lastUsedAt: timestamp.nullable().meta({ description: 'Updated at most once a minute' }),
});

const Webhook = z.object({
  id: uuid,
  documentationId: uuid,
  url: z.string(),
  description: z.string().nullable(),
  enabled: z.boolean(),
  disabledReason: z.string().nullable(),
  disabledAt: timestamp.nullable(),
  failingSince: timestamp.nullable().meta({ description: 'Since when every attempt has failed; null after a success' }),
  breakingOnly: z.boolean(),
  maxConcurrency: WebhookCreate.shape.maxConcurrency.unwrap(),
  rateLimitPerSecond: WebhookCreate.shape.rateLimitPerSecond.unwrap(),
  secretMasked: z.string().meta({ examples: ['whsec_k3Jd…'] }),
  createdAt: timestamp,
  updatedAt: timestamp,
  previousSecretExpiresAt: timestamp.nullable().meta({ description: 'End of the rotation overlap: until then `webhook-signature` also carries a signature with the previous secret.' }),
  bumpSwitchesAt: timestamp.nullable().meta({ description: 'Until then (or until activate-secret) `X-Bump-Signature-256` is still signed with the previous secret; null once it uses the current one.' }),
});

const Secret = z.object({ secret: z.string().meta({ description: '`whsec_` + base64 of 32 random bytes' }) });

const status = z.enum(['pending', 'succeeded', 'retrying', 'exhausted', 'cancelled']);

const DeliveryItem = z.object({
  id: uuid.meta({ description: 'Also the `webhook-id` header of every attempt.' }),
  eventId: uuid,
  event: z.string().meta({ description: '`documentation.structure_change` or `ping`' }),
  status,
  attempts: z.int(),
  lastAttempt: z
    .object({ at: timestamp, statusCode: z.int().nullable(), durationMs: z.int().nullable(), error: z.string().nullable() })
    .nullable(),
  nextAttemptAt: timestamp.nullable(),
  createdAt: timestamp,
  summary: z.string().nullable().optional().meta({ description: 'The event’s one-line change summary, in lists' }),
});

const Attempt = z.object({
  id: uuid,
  trigger: z.enum(['scheduled', 'manual']),
  at: timestamp,
  requestHeaders: z.record(z.string(), z.string()),
  responseStatus: z.int().nullable(),
  responseHeaders: z.record(z.string(), z.union([z.string(), z.array(z.string())])).nullable(),
  responseBody: z.string().nullable().meta({ description: 'The first 16 KiB, as text PostgreSQL can hold (see responseBodyEncoding)' }),
  responseBodyEncoding: z.enum(['utf8', 'utf8-replaced', 'base64']).meta({
    description: '`utf8`: as received; `utf8-replaced`: NUL or invalid UTF-8 replaced by U+FFFD; `base64`: a binary body, its first 4 KiB in base64 (see the content-type response header)',
  }),
  reduced: z.boolean().meta({ description: 'The full record was refused by the database: only status, timing and error kind were kept' }),
  url: z.string().nullable().meta({ description: 'Where this attempt was sent; null for attempts recorded before URLs were kept' }),
  durationMs: z.int(),
  error: z.object({ kind: z.string(), message: z.string().nullable() }).nullable(),
});

const DeliveryDetail = DeliveryItem.omit({ attempts: true }).extend({
  webhookId: uuid,
  attemptCount: z.int(),
  request: z.object({ url: z.string(), body: z.string().meta({ description: 'The exact bytes sent and signed' }) }),
  attempts: z.array(Attempt).meta({ description: 'Oldest first' }),
});

const Event = z.object({
  id: uuid,
  documentationId: uuid,
  type: z.string(),
  createdAt: timestamp,
  payload: z.object({ api: z.record(z.string(), z.unknown()), diff: Diff }),
  deliveries: z.array(DeliveryItem.extend({ webhookId: uuid })),
});

const Problem = z.object({
  type: z.string(),
  title: z.string(),
  status: z.int(),
  detail: z.string(),
  errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});

const QuotaProblem = Problem.extend({
  quota: z.enum(Object.keys(DEFAULT_QUOTAS) as [QuotaName, ...QuotaName[]]).meta({ description: 'The quota that is used up (QUOTA_* setting)' }),
  limit: z.int().meta({ description: 'Its limit' }),
});

const WebhookStats = z.object({
  webhookId: uuid,
  hours: z.int(),
  since: timestamp.meta({ description: 'Start of the oldest hour' }),
  buckets: z.array(
    z.object({
      hour: timestamp,
      succeeded: z.int(),
      failed: z.int().meta({ description: 'Attempts without a 2xx answer (timeouts and refused connections included)' }),
      p50Ms: z.int().nullable(),
      p95Ms: z.int().nullable(),
    }),
  ),
});

const list = <T extends z.ZodType>(item: T, paginated: boolean) =>
  z.object({ data: z.array(item), ...(paginated ? { nextCursor: z.string().nullable() } : {}) });

export const components = {
  DocumentationCreate,
  WebhookCreate,
  WebhookUpdate,
  EventCreate,
  Diff,
  DiffItem,
  Documentation,
  DocumentationList: list(Documentation, true),
  DocumentationUpdate,
  ApiKeyCreate,
  ApiKey,
  ApiKeyCreated: ApiKey.extend({ secret: z.string().meta({ description: 'The key itself: shown in this answer only' }) }),
  ApiKeyList: list(ApiKey, false),
  Webhook,
  WebhookCreated: Webhook.extend({ secret: Secret.shape.secret }),
  WebhookList: list(Webhook, true),
  Secret,
  DeliveryItem,
  DeliveryList: list(DeliveryItem, true),
  DeliverySearchList: list(DeliveryItem.extend({ webhookId: uuid }), true),
  DeliveryDetail,
  Attempt,
  Event,
  EventAccepted: z.object({ id: uuid, deliveries: z.int().meta({ description: 'Deliveries created' }) }),
  TestAccepted: z.object({ deliveryId: uuid, eventId: uuid }),
  RedeliveryAccepted: z.object({ deliveryId: uuid }),
  WebhookStats,
  WebhookRecover,
  RecoveryCount: z.object({
    since: timestamp,
    count: z.int().meta({ description: 'Deliveries that would be sent: failed + missed' }),
    failed: z.int().meta({ description: 'Exhausted or cancelled deliveries since then, reopened with the same webhook-id' }),
    missed: z.int().meta({ description: 'Events the webhook got no delivery for while it was disabled' }),
  }),
  RecoveryAccepted: z.object({ since: timestamp, count: z.int() }),
  Problem,
  QuotaProblem,
  Liveness: z.object({ status: z.literal('ok') }),
  Readiness: z.object({ status: z.literal('ready'), checks: z.object({ postgres: z.literal('ok'), redis: z.literal('ok') }) }),
} satisfies Record<string, z.ZodType>;

export type ComponentName = keyof typeof components;

/** JSON Schemas under #/components/schemas, with shared and recursive parts as $refs. */
export function componentSchemas(): Record<string, unknown> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(components)) registry.add(schema, { id });
  // 'input': response objects do not promise the absence of other fields (the API may add some); strict request bodies still say additionalProperties: false.
  const { schemas } = z.toJSONSchema(registry, { uri: (id) => `#/components/schemas/${id}`, unrepresentable: 'any', io: 'input' });
  const result: Record<string, unknown> = {};
  for (const [id, schema] of Object.entries(schemas)) {
    const { $schema: _schema, $id: _id, ...rest } = schema as Record<string, unknown>;
    result[id] = rest;
  }
  return result;
}
