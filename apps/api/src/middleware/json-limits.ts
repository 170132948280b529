import type { RequestHandler } from 'express';
import { validationFailed } from '../problem';

/**
 * Bump's deepest structure changes nest a few dozen levels. Anything far
 * deeper is refused before validation, whose recursion (and the payload's
 * later serialization) would otherwise exhaust the stack: a 500 for bad input.
 */
export const MAX_JSON_DEPTH = 128;

export type JsonFault = { kind: 'too-deep' } | { kind: 'nul'; path: string };

/**
 * Walks the parsed body once, iteratively so that measuring cannot overflow
 * the stack either. Also finds NUL characters, which PostgreSQL text cannot
 * hold: storing one would fail as a 500.
 */
export function findJsonFault(value: unknown, maxDepth: number): JsonFault | null {
  const stack: Array<[unknown, number, string]> = [[value, 1, '']];
  while (stack.length > 0) {
    const [current, depth, path] = stack.pop()!;
    if (typeof current === 'string') {
      if (current.includes('\u0000')) return { kind: 'nul', path: path || '(body)' };
      continue;
    }
    if (current === null || typeof current !== 'object') continue;
    if (depth > maxDepth) return { kind: 'too-deep' };
    for (const [key, child] of Object.entries(current)) {
      const childPath = path ? `${path}.${key}` : key;
      if (key.includes('\u0000')) return { kind: 'nul', path: childPath };
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
    next();
  };
}
