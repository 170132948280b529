import type { RequestHandler } from 'express';
import { validationFailed } from '../problem';

/**
 * Bump's deepest structure changes nest a few dozen levels. Anything far
 * deeper is refused before validation, whose recursion (and the payload's
 * later serialization) would otherwise exhaust the stack: a 500 for bad input.
 */
export const MAX_JSON_DEPTH = 128;

export type JsonFault = { kind: 'too-deep' } | { kind: 'nul'; path: string } | { kind: 'lone-surrogate'; path: string };

// A UTF-16 surrogate without its other half (JSON allows "\ud800"): PostgreSQL's json and
// jsonb refuse it, and it has no UTF-8 form, so no stored text could be what was sent.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function textFault(text: string, path: string): JsonFault | null {
  if (text.includes('\u0000')) return { kind: 'nul', path };
  if (LONE_SURROGATE.test(text)) return { kind: 'lone-surrogate', path };
  return null;
}

/**
 * Walks the parsed body once, iteratively so that measuring cannot overflow
 * the stack either. Also finds NUL characters and lone surrogates, which
 * PostgreSQL text or json cannot hold: storing one would fail as a 500, or
 * worse, later, when the stored text is read as json.
 */
export function findJsonFault(value: unknown, maxDepth: number): JsonFault | null {
  const stack: Array<[unknown, number, string]> = [[value, 1, '']];
  while (stack.length > 0) {
    const [current, depth, path] = stack.pop()!;
    if (typeof current === 'string') {
      const fault = textFault(current, path || '(body)');
      if (fault) return fault;
      continue;
    }
    if (current === null || typeof current !== 'object') continue;
    if (depth > maxDepth) return { kind: 'too-deep' };
    for (const [key, child] of Object.entries(current)) {
      const childPath = path ? `${path}.${key}` : key;
      const fault = textFault(key, childPath);
      if (fault) return fault;
      stack.push([child, depth + 1, childPath]);
    }
  }
  return null;
}

export function limitJson(maxDepth = MAX_JSON_DEPTH): RequestHandler {
  return (req, _res, next) => {
    const fault = req.body === undefined ? null : findJsonFault(req.body, maxDepth);
    if (fault?.kind === 'too-deep') {
      throw validationFailed([{ path: '(body)', message: `is nested more than ${maxDepth} levels deep` }], `The request body is nested more than ${maxDepth} levels deep.`);
    }
    if (fault?.kind === 'nul') throw validationFailed([{ path: fault.path, message: 'must not contain NUL (\\u0000) characters' }]);
    if (fault?.kind === 'lone-surrogate') {
      throw validationFailed([{ path: fault.path, message: 'must not contain a lone UTF-16 surrogate (\\ud800-\\udfff without its pair): it is not valid Unicode' }]);
    }
    next();
  };
}
