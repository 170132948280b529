// swagger2openapi has no type declarations; this is the part used.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const swagger2openapi = require('swagger2openapi') as { convertObj(doc: object, options: object): Promise<{ openapi: Record<string, unknown> }> };
import type { DefinitionObject } from './load';

/**
 * The diff library compares OpenAPI 3.x; a Swagger 2.0 definition is
 * converted first (in memory only: the stored version is what was sent).
 */
export async function toOpenApi3(definition: DefinitionObject): Promise<DefinitionObject> {
  if (definition.swagger !== '2.0') return definition;
  const { openapi } = await swagger2openapi.convertObj(structuredClone(definition), { patch: true, warnOnly: true, resolve: false, direct: false });
  return openapi;
}
