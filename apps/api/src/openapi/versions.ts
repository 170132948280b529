/**
 * The definition routes (deploy, versions, diff previews) and the OpenAPI 3.1
 * `webhooks:` section: what Hookline sends to a webhook, so receivers can
 * generate types from /openapi.json. Plain JSON Schema; refers to the
 * Diff, DiffItem and Problem components.
 */

const schemaRef = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: schemaRef('Problem') } } });
const idOrSlug = { name: 'idOrSlug', in: 'path', required: true, schema: { type: 'string' }, description: 'The documentation’s id or slug' };
const versionId = { name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' }, description: 'Version id' };
const definitionObject = { type: 'object', description: 'An OpenAPI 3.0/3.1 or Swagger 2.0 definition', additionalProperties: true };
const definitionValue = { oneOf: [definitionObject, { type: 'string', description: 'The definition as JSON or YAML text' }] };

const Summary = {
  type: 'object',
  required: ['text', 'markdown'],
  properties: {
    text: { type: 'string', examples: ['3 changes, 1 breaking: removed GET /charges/{id}'] },
    markdown: { type: 'string' },
  },
};

const Version = {
  type: 'object',
  required: ['id', 'status', 'version', 'diff', 'summary', 'eventId', 'error'],
  properties: {
    id: { type: 'string', format: 'uuid' },
    documentationId: { type: 'string', format: 'uuid' },
    status: { type: 'string', enum: ['pending', 'done', 'failed'] },
    version: { type: 'string', description: '`info.version` of the definition (or the `version` sent with it)' },
    specification: { type: 'string', enum: ['openapi-3.0', 'openapi-3.1', 'swagger-2.0'] },
    contentHash: { type: 'string', description: 'sha256 of the parsed definition' },
    previousVersionId: { type: ['string', 'null'], format: 'uuid' },
    diff: { oneOf: [schemaRef('Diff'), { type: 'null' }], description: 'Null for the first version, an identical definition, or while pending' },
    summary: { oneOf: [Summary, { type: 'null' }] },
    eventId: { type: ['string', 'null'], format: 'uuid', description: 'The documentation.structure_change event this version created, if its structure changed' },
    error: { type: ['string', 'null'] },
    createdAt: { type: 'string', format: 'date-time' },
    completedAt: { type: ['string', 'null'], format: 'date-time' },
  },
};

const definitionErrors = {
  400: problem('Invalid request; `errors` names each field'),
  401: problem('Missing or invalid API key'),
  404: problem('Not found (or another organization’s)'),
  413: problem('Larger than DEFINITION_MAX_BYTES (inflated)'),
  415: problem('Neither JSON nor YAML'),
  422: problem('Not a valid OpenAPI/Swagger definition; `errors` gives the JSON pointer and the reason'),
};

export const versionPaths = {
  '/v1/documentations/{idOrSlug}/versions': {
    post: {
      tags: ['Documentations'],
      operationId: 'deployVersion',
      summary: 'Deploy a definition: it is validated now and diffed against the previous version in a worker',
      parameters: [idOrSlug, { name: 'Content-Encoding', in: 'header', required: false, schema: { type: 'string', enum: ['gzip', 'deflate', 'identity'] } }],
      requestBody: {
        required: true,
        content: {
          'application/json': {
            schema: { oneOf: [definitionObject, { type: 'object', required: ['definition'], additionalProperties: false, properties: { definition: definitionValue, version: { type: 'string', maxLength: 200 } } }] },
          },
          'application/yaml': { schema: { type: 'string' } },
        },
      },
      responses: {
        202: {
          description: 'Stored; poll the Location',
          headers: { Location: { schema: { type: 'string' }, description: '/v1/versions/{id}' } },
          content: { 'application/json': { schema: { type: 'object', required: ['id', 'status'], properties: { id: { type: 'string', format: 'uuid' }, status: { type: 'string', enum: ['pending'] } } } } },
        },
        ...definitionErrors,
      },
    },
    get: {
      tags: ['Documentations'],
      operationId: 'listVersions',
      summary: 'List a documentation’s deployed versions, newest first',
      parameters: [
        idOrSlug,
        { name: 'limit', in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: 100, default: 10 } },
        { name: 'cursor', in: 'query', required: false, schema: { type: 'string', format: 'uuid' } },
      ],
      responses: {
        200: { description: 'Versions, newest first', content: { 'application/json': { schema: { type: 'object', properties: { data: { type: 'array', items: Version }, nextCursor: { type: ['string', 'null'] } } } } } },
        400: definitionErrors[400],
        401: definitionErrors[401],
        404: definitionErrors[404],
      },
    },
  },
  '/v1/versions/{id}': {
    get: { tags: ['Documentations'], operationId: 'getVersion', summary: 'Get a version: its status, and its diff and summary once diffed', parameters: [versionId], responses: { 200: { description: 'The version and its diff', content: { 'application/json': { schema: Version } } }, 401: definitionErrors[401], 404: definitionErrors[404] } },
  },
  '/v1/versions/{id}/definition': {
    get: { tags: ['Documentations'], operationId: 'getVersionDefinition', summary: 'Get the definition of a version as it was deployed', parameters: [versionId], responses: { 200: { description: 'The definition as deployed (JSON)', content: { 'application/json': { schema: definitionObject } } }, 401: definitionErrors[401], 404: definitionErrors[404] } },
  },
  '/v1/diffs': {
    post: {
      tags: ['Documentations'],
      operationId: 'previewDiff',
      summary: 'Diff two definitions, or a definition against a documentation’s newest version; notifies nobody. Runs in the API: bodies up to DIFF_PREVIEW_MAX_BYTES.',
      requestBody: {
        required: true,
        content: {
          'application/json': {
            schema: {
              oneOf: [
                { type: 'object', required: ['previous', 'current'], additionalProperties: false, properties: { previous: definitionValue, current: definitionValue } },
                { type: 'object', required: ['documentation', 'definition'], additionalProperties: false, properties: { documentation: { type: 'string' }, definition: definitionValue } },
              ],
            },
          },
        },
      },
      responses: {
        200: { description: 'The diff', content: { 'application/json': { schema: { type: 'object', required: ['diff', 'summary', 'structural'], properties: { diff: schemaRef('Diff'), summary: Summary, structural: { type: 'boolean' } } } } } },
        ...definitionErrors,
        409: problem('The documentation has no version yet'),
      },
    },
  },
};

/** Bump's DocStructureChange `api` object. A string field is left out when there is no value: never null. */
const Api = {
  type: 'object',
  required: ['id', 'name', 'slug', 'tags', 'properties', 'created', 'modified'],
  properties: {
    id: { type: 'string', format: 'uuid' },
    name: { type: 'string' },
    description: { type: 'string', description: 'Left out when the documentation has none (never null)' },
    slug: { type: 'string' },
    url: { type: 'string', deprecated: true, description: 'Same as humanUrl, kept for receivers written against older Bump payloads; left out with it' },
    humanUrl: { type: 'string', description: 'Left out when the documentation has none (never null)' },
    tags: { type: 'array', items: { type: 'string' } },
    version: { type: 'string', description: '`info.version` of the event’s or the newest deployed definition; left out when there is none (never null)' },
    properties: {
      type: 'array',
      description: 'The documentation’s current definition, when one was deployed',
      items: { type: 'object', required: ['type', 'url'], properties: { type: { type: 'string', enum: ['OpenAPI', 'AsyncAPI'] }, url: { type: 'string', description: 'Path of the definition on the Hookline API (GET, authenticated)' } } },
    },
    created: { type: 'string', format: 'date-time' },
    modified: { type: 'string', format: 'date-time' },
  },
};

const signatureHeaders = (event: string) => [
  { name: 'X-Bump-Signature-256', in: 'header', required: true, schema: { type: 'string', pattern: '^sha256=[0-9a-f]{64}$' }, description: 'hex HMAC-SHA256 of the raw body, keyed with the secret as shown' },
  { name: 'X-Bump-Event', in: 'header', required: true, schema: { type: 'string', const: event } },
  { name: 'webhook-id', in: 'header', required: true, schema: { type: 'string' }, description: 'The delivery id: the same on every attempt; deduplicate on it' },
  { name: 'webhook-timestamp', in: 'header', required: true, schema: { type: 'string' }, description: 'Unix seconds of this attempt' },
  { name: 'webhook-signature', in: 'header', required: true, schema: { type: 'string' }, description: '`v1,<base64>` (Standard Webhooks); two entries during a secret rotation' },
  { name: 'User-Agent', in: 'header', required: true, schema: { type: 'string', pattern: '^Hookline/' } },
];

const delivery = (event: string, summary: string) => ({
  post: {
    operationId: event === 'ping' ? 'pingWebhook' : 'structureChangeWebhook',
    summary,
    parameters: signatureHeaders(event),
    requestBody: { required: true, content: { 'application/json': { schema: { type: 'object', required: ['api', 'diff'], properties: { api: Api, diff: schemaRef('Diff') } } } } },
    responses: { '2XX': { description: 'Received; anything else (or no answer within DELIVERY_TIMEOUT_MS) is retried; 410 disables the webhook' } },
  },
});

export const webhookRequests = {
  'documentation.structure_change': delivery('documentation.structure_change', 'A documentation’s structure changed'),
  ping: delivery('ping', 'Test webhook: a sample structure change'),
};
