import { z } from 'zod';
import { OperationalWebhookCreate } from '../routes/operational-webhooks';

/** Operational webhooks in the OpenAPI document: their routes, shapes, and the events they receive (`webhooks:`). */

const timestamp = z.string().meta({ format: 'date-time' });
const uuid = z.string().meta({ format: 'uuid' });

const OperationalWebhook = z.object({
  id: uuid,
  url: z.string(),
  description: z.string().nullable(),
  enabled: z.boolean(),
  secretMasked: z.string().meta({ examples: ['whsec_k3Jd…'] }),
  createdAt: timestamp,
  updatedAt: timestamp,
});

const subject = {
  webhookId: uuid.meta({ description: 'The documentation webhook this is about' }),
  url: z.string(),
  documentation: z.object({ id: uuid, slug: z.string(), name: z.string() }),
};
const payload = (type: string, data: z.ZodObject, description: string) =>
  z.object({ type: z.literal(type), timestamp: timestamp.meta({ description: 'When it was sent' }), data: z.object({ ...subject, ...data.shape }) }).meta({ description });

const events = {
  'webhook.disabled': payload('webhook.disabled', z.object({ reason: z.string().nullable() }), 'A webhook was disabled: its endpoint answered 410 Gone, or every attempt failed for AUTO_DISABLE_AFTER_HOURS.'),
  'webhook.failing': payload(
    'webhook.failing',
    z.object({ failingSince: timestamp.nullable() }),
    'A webhook has failed continuously for OPERATIONAL_FAILING_AFTER_MINUTES (default 60): sent once per failing episode.',
  ),
  'webhook.recovered': payload('webhook.recovered', z.object({}), 'The first success of a webhook after a webhook.failing was sent.'),
  'delivery.exhausted': payload('delivery.exhausted', z.object({ deliveryId: uuid }), 'A delivery used its last attempt without success.'),
};

const FailingWebhookList = z.object({
  data: z.array(z.object({ id: uuid, url: z.string(), failingSince: timestamp, documentation: z.object({ id: uuid, slug: z.string(), name: z.string() }) })),
});

const names = { FailingWebhookList, OperationalWebhook, OperationalWebhookCreated: OperationalWebhook.extend({ secret: z.string() }), OperationalWebhookList: z.object({ data: z.array(OperationalWebhook) }), OperationalWebhookCreate };
const eventSchemaName = (type: string) => `OperationalEvent_${type.replace('.', '_')}`;

export function operationalSchemas(): Record<string, unknown> {
  const schemas: Record<string, unknown> = {};
  // One registry: the list and the created answer refer to OperationalWebhook instead of repeating it.
  const registry = z.registry<{ id: string }>();
  for (const [name, schema] of Object.entries(names)) registry.add(schema, { id: name });
  const named = z.toJSONSchema(registry, { uri: (id) => `#/components/schemas/${id}`, io: 'input', unrepresentable: 'any' }).schemas;
  for (const [name, schema] of Object.entries(named)) {
    const { $id: _id, ...rest } = schema as Record<string, unknown>;
    schemas[name] = rest;
  }
  for (const [type, schema] of Object.entries(events)) schemas[eventSchemaName(type)] = z.toJSONSchema(schema, { unrepresentable: 'any' });
  for (const schema of Object.values(schemas)) delete (schema as { $schema?: string }).$schema;
  return schemas;
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: ref('Problem') } } });

export function operationalPaths() {
  const tags = ['Operational webhooks'];
  return {
    '/v1/operational-webhooks': {
      post: {
        tags,
        operationId: 'createOperationalWebhook',
        summary: 'Register an endpoint that hears about this organization’s webhooks in trouble',
        requestBody: { required: true, content: { 'application/json': { schema: ref('OperationalWebhookCreate') } } },
        responses: {
          201: { description: 'Created; the only answer with the secret in full', content: { 'application/json': { schema: ref('OperationalWebhookCreated') } } },
          400: problem('Invalid input'),
          401: problem('Missing or invalid API key'),
          413: problem('Body larger than 1 MiB'),
          415: problem('Body is not JSON'),
        },
      },
      get: {
        tags,
        operationId: 'listOperationalWebhooks',
        summary: 'List this organization’s operational webhooks, secrets masked',
        responses: { 200: { description: 'Operational webhooks, secrets masked', content: { 'application/json': { schema: ref('OperationalWebhookList') } } }, 401: problem('Missing or invalid API key') },
      },
    },
    '/v1/failing-webhooks': {
      get: {
        tags: ['Webhooks'],
        operationId: 'listFailingWebhooks',
        summary: 'Enabled webhooks whose every attempt has failed since `failingSince`, oldest first (at most 100)',
        responses: { 200: { description: 'Failing webhooks', content: { 'application/json': { schema: ref('FailingWebhookList') } } }, 401: problem('Missing or invalid API key') },
      },
    },
    '/v1/operational-webhooks/{id}': {
      delete: {
        tags,
        operationId: 'deleteOperationalWebhook',
        summary: 'Delete an operational webhook',
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' }, description: 'Operational webhook id' }],
        responses: { 204: { description: 'Deleted; its pending deliveries are cancelled' }, 401: problem('Missing or invalid API key'), 404: problem('Not found (or another organization’s)') },
      },
    },
  };
}

/** The OpenAPI 3.1 `webhooks:` section: what an operational endpoint receives, signed like any delivery, `X-Bump-Event` naming the type. */
export function operationalWebhooks() {
  return Object.fromEntries(
    Object.keys(events).map((type) => [
      type,
      {
        post: {
          tags: ['Operational webhooks'],
          operationId: `operational_${type.replace('.', '_')}`,
          summary: events[type as keyof typeof events].meta()?.description,
          parameters: [{ name: 'X-Bump-Event', in: 'header', required: true, schema: { type: 'string', const: type } }],
          requestBody: { required: true, content: { 'application/json': { schema: ref(eventSchemaName(type)) } } },
          responses: { 200: { description: 'Any 2xx acknowledges it; anything else is retried on the delivery schedule' } },
        },
      },
    ]),
  );
}
