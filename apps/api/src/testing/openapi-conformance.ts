import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { Answer } from './harness';

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'];

interface ResponseObject {
  description: string;
  content?: Record<string, { schema?: unknown }>;
}

export interface Operation {
  /** `GET /v1/webhooks/{id}` */
  key: string;
  operationId: string;
  method: string;
  path: string;
  secured: boolean;
  hasBody: boolean;
  query: Array<{ name: string; schema: { minimum?: number } }>;
  responses: Record<string, ResponseObject>;
}

/**
 * Checks answers against an OpenAPI 3.1 document with Ajv (JSON Schema
 * 2020-12, an implementation independent of zod's), and keeps count of which
 * operation × status pairs were seen, so none of the document goes unchecked.
 */
export class Conformance {
  readonly operations: Operation[];
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false });
  private readonly validators = new Map<string, ValidateFunction>();
  private readonly seen = new Set<string>();

  constructor(readonly document: { security?: unknown[]; paths: Record<string, Record<string, any>> }) {
    addFormats(this.ajv);
    this.ajv.addSchema(document as object, 'openapi.json');
    this.operations = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.entries(item)
        .filter(([method]) => METHODS.includes(method))
        .map(([method, op]) => ({
          key: `${method.toUpperCase()} ${path}`,
          operationId: op.operationId,
          method: method.toUpperCase(),
          path,
          secured: (op.security ?? document.security ?? []).length > 0,
          hasBody: Boolean(op.requestBody),
          query: [...(item.parameters ?? []), ...(op.parameters ?? [])].filter((p: { in: string }) => p.in === 'query'),
          responses: op.responses,
        })),
    );
  }

  operation(operationId: string): Operation {
    const found = this.operations.find((op) => op.operationId === operationId);
    if (!found) throw new Error(`no operation ${operationId} in the document`);
    return found;
  }

  private validator(pointer: string, schema: unknown): ValidateFunction {
    let validate = this.validators.get(pointer);
    if (!validate) {
      // Refs are relative to the document, which Ajv holds as openapi.json.
      validate = this.ajv.compile(JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"openapi.json#/components/')));
      this.validators.set(pointer, validate);
    }
    return validate;
  }

  /** The ways `answer` breaks the document (none: it conforms); records the pair as seen either way. */
  check(operationId: string, answer: Answer): string[] {
    const op = this.operation(operationId);
    const status = String(answer.status);
    this.seen.add(`${op.key} ${status}`);
    const response = op.responses[status] ?? op.responses[`${status[0]}XX`] ?? op.responses.default;
    if (!response) return [`${op.key} answered ${status}, which the document does not list (${Object.keys(op.responses).join(', ')})`];
    const declared = Object.keys(response.content ?? {});
    const mediaType = (answer.headers.get('content-type') ?? '').split(';')[0]!.trim();
    if (!declared.length) return answer.status === 204 || mediaType === '' ? [] : [`${op.key} ${status} has a ${mediaType} body the document does not describe`];
    if (!declared.includes(mediaType)) return [`${op.key} ${status} answered ${mediaType || 'no content type'}, the document says ${declared.join(' or ')}`];
    const validate = this.validator(`${op.key} ${status} ${mediaType}`, response.content![mediaType]!.schema ?? {});
    if (validate(answer.body)) return [];
    return (validate.errors ?? []).map((e) => `${op.key} ${status}: ${e.instancePath || '(body)'} ${e.message} ${JSON.stringify(e.params)}`);
  }

  /** Every operation × documented status that no answer exercised. */
  unexercised(): string[] {
    return this.operations.flatMap((op) => Object.keys(op.responses).map((status) => `${op.key} ${status}`)).filter((pair) => !this.seen.has(pair));
  }
}
