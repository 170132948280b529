import type { RequestHandler } from 'express';
import { buildOpenApiDocument } from '../openapi/document';
import { HttpProblem } from '../problem';

interface KnownPath {
  pattern: RegExp;
  allow: string;
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/** Each documented path as a pattern ({id} is one segment) with the methods it has; HEAD goes with GET, as Express serves it. */
function knownPaths(): KnownPath[] {
  const { paths } = buildOpenApiDocument('0');
  return Object.entries(paths as Record<string, Record<string, unknown>>).map(([template, operations]) => {
    const methods = Object.keys(operations).filter((m) => METHODS.includes(m)).map((m) => m.toUpperCase());
    if (methods.includes('GET') && !methods.includes('HEAD')) methods.push('HEAD');
    const source = template.split(/\{[^}]+\}/).map((part) => part.replace(/[.*+?^$()|[\]\\]/g, '\\$&')).join('[^/]+');
    return { pattern: new RegExp(`^${source}/?$`), allow: methods.join(', ') };
  });
}

/**
 * A path the API has, asked with a method it does not: 405 with `Allow`,
 * as a problem (RFC 9110 §15.5.6). The paths come from the OpenAPI document,
 * which openapi.test.ts keeps equal to the router. Anything else falls through to 404.
 */
export function methodNotAllowed(): RequestHandler {
  let known: KnownPath[] | undefined;
  return (req, _res, next) => {
    known ??= knownPaths();
    const match = known.find((path) => path.pattern.test(req.path));
    if (!match) return next();
    next(new HttpProblem(405, 'method-not-allowed', 'Method Not Allowed', `${req.method} is not allowed on ${req.path}; allowed: ${match.allow}.`, undefined, { Allow: match.allow }));
  };
}
