/**
 * A small payments API in OpenAPI 3.0, and the edits tests make to it: each
 * returns a fresh document, so a test can combine them.
 */
export type Definition = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export function paymentsApi(version = '1.0.0'): Definition {
  return {
    openapi: '3.0.3',
    info: { title: 'Payments API', version, description: 'Charges and refunds.' },
    paths: {
      '/charges': {
        get: {
          summary: 'List charges',
          parameters: [{ name: 'limit', in: 'query', required: false, schema: { type: 'integer' } }],
          responses: { '200': { description: 'The charges', content: { 'application/json': { schema: { type: 'array', items: { $ref: '#/components/schemas/Charge' } } } } } },
        },
        post: {
          summary: 'Create a charge',
          requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/Charge' } } } },
          responses: { '201': { description: 'Created', content: { 'application/json': { schema: { $ref: '#/components/schemas/Charge' } } } } },
        },
      },
      '/charges/{id}': {
        get: {
          summary: 'Get a charge',
          parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
          responses: { '200': { description: 'The charge', content: { 'application/json': { schema: { $ref: '#/components/schemas/Charge' } } } } },
        },
      },
    },
    components: {
      schemas: {
        Charge: {
          type: 'object',
          description: 'A charge.',
          required: ['amount'],
          properties: { id: { type: 'string', readOnly: true }, amount: { type: 'integer', example: 1200 }, currency: { type: 'string', example: 'eur' } },
        },
      },
    },
  };
}

/** Only text: descriptions, summaries, an example. Not structural. */
export function withTextEdits(doc: Definition): Definition {
  const next = structuredClone(doc);
  next.info.description = 'Charges, refunds and more.';
  next.paths['/charges'].get.summary = 'List all the charges';
  next.paths['/charges/{id}'].get.responses['200'].description = 'One charge';
  next.components.schemas.Charge.description = 'Money taken from a card.';
  next.components.schemas.Charge.properties.amount.example = 4200;
  return next;
}

/** A new endpoint: structural, not breaking. */
export function withRefunds(doc: Definition): Definition {
  const next = structuredClone(doc);
  next.paths['/refunds'] = { post: { summary: 'Refund a charge', responses: { '201': { description: 'Refunded' } } } };
  return next;
}

/** A removed endpoint: breaking. */
export function withoutGetCharge(doc: Definition): Definition {
  const next = structuredClone(doc);
  delete next.paths['/charges/{id}'];
  return next;
}

/** The same API as Swagger 2.0. */
export function paymentsSwagger(version = '1.0.0'): Definition {
  return {
    swagger: '2.0',
    info: { title: 'Payments API', version },
    paths: {
      '/charges': { get: { responses: { '200': { description: 'The charges', schema: { type: 'array', items: { $ref: '#/definitions/Charge' } } } } } },
      '/charges/{id}': {
        get: { parameters: [{ name: 'id', in: 'path', required: true, type: 'string' }], responses: { '200': { description: 'The charge', schema: { $ref: '#/definitions/Charge' } } } },
      },
    },
    definitions: { Charge: { type: 'object', properties: { id: { type: 'string' }, amount: { type: 'integer' } } } },
  };
}

/** `depth` nested objects: far deeper than any real definition. */
export function nestingBomb(depth = 10_000): string {
  return '{"openapi":"3.0.3","info":{"title":"x","version":"1"},"paths":{},"x-deep":' + '{"a":'.repeat(depth) + '1' + '}'.repeat(depth) + '}';
}

/** "Billion laughs": each level refers to the one before nine times. */
export function yamlAliasBomb(levels = 9): string {
  let text = 'openapi: 3.0.3\ninfo: {title: x, version: "1"}\npaths: {}\nx-a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n';
  for (let i = 1; i <= levels; i++) text += `x-a${i}: &a${i} [${Array(9).fill(`*a${i - 1}`).join(',')}]\n`;
  return text;
}
