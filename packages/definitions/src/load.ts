import { createHash } from 'node:crypto';
import { parse as parseYaml } from 'yaml';
import { DefinitionError, pointer } from './errors';

/** Deeper than any real definition (GitHub's is under 30), far below what would exhaust the stack. */
export const MAX_DEPTH = 200;
/** YAML aliases expand; a few hundred covers real documents, a "billion laughs" needs far more. */
export const MAX_YAML_ALIASES = 500;

export type DefinitionObject = Record<string, unknown>;

function checkDepth(root: unknown): void {
  // Iterative, so the check itself cannot overflow the stack.
  const stack: Array<{ value: unknown; depth: number; path: Array<string | number> | null }> = [{ value: root, depth: 0, path: [] }];
  const seen = new Set<object>();
  while (stack.length > 0) {
    const { value, depth } = stack.pop()!;
    if (value === null || typeof value !== 'object' || seen.has(value)) continue;
    seen.add(value);
    if (depth > MAX_DEPTH) {
      throw new DefinitionError(422, 'definition-too-deep', `The definition nests deeper than ${MAX_DEPTH} levels.`, [
        { path: '', message: `nests deeper than ${MAX_DEPTH} levels` },
      ]);
    }
    for (const child of Array.isArray(value) ? value : Object.values(value)) {
      if (child !== null && typeof child === 'object') stack.push({ value: child, depth: depth + 1, path: null });
    }
  }
}

function looksLikeJson(text: string): boolean {
  const first = text.trimStart()[0];
  return first === '{' || first === '[';
}

/**
 * Parses a definition sent as JSON or YAML text. JSON goes through
 * JSON.parse (fast for 13 MB); YAML through the yaml package with an alias
 * cap. Stack exhaustion on pathological nesting is caught, then the result's
 * depth is bounded so later stages (validation, diff) stay within limits.
 */
export function parseDefinitionText(text: string): DefinitionObject {
  let value: unknown;
  try {
    value = looksLikeJson(text) ? JSON.parse(text) : parseYaml(text, { maxAliasCount: MAX_YAML_ALIASES, prettyErrors: true, merge: true });
  } catch (error) {
    // The yaml package reports stack exhaustion as a parse error of its own.
    if (error instanceof RangeError || /call stack/i.test((error as Error).message)) {
      throw new DefinitionError(422, 'definition-too-deep', 'The definition nests too deeply to parse.', [{ path: '', message: 'nests too deeply' }]);
    }
    const reason = (error as Error).message.split('\n')[0]!;
    if (/alias/i.test(reason)) {
      throw new DefinitionError(422, 'definition-alias-bomb', `The YAML uses too many aliases (at most ${MAX_YAML_ALIASES}).`, [{ path: '', message: reason }]);
    }
    throw new DefinitionError(415, 'definition-unparseable', `The definition is neither valid JSON nor valid YAML: ${reason}`, [{ path: '', message: reason }]);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new DefinitionError(422, 'definition-not-openapi', 'The definition must be a JSON or YAML object.', [{ path: '', message: 'must be an object' }]);
  }
  checkDepth(value);
  return value as DefinitionObject;
}

/** The same document sent as JSON or YAML, with any whitespace, hashes the same. */
export function contentHash(definition: DefinitionObject): string {
  return createHash('sha256').update(JSON.stringify(definition)).digest('hex');
}

export { pointer };
