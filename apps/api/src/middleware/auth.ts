import { createHash } from 'node:crypto';
import type { RequestHandler } from 'express';
import { authenticateApiKey, type Db, type Principal } from '@hookline/db';
import { HttpProblem } from '../problem';
import { TtlCache } from '../ttl-cache';

export const DEFAULT_AUTH_CACHE_TTL_MS = 30_000;
const unauthorized = (detail: string) =>
  new HttpProblem(401, 'unauthorized', 'Unauthorized', detail, undefined, { 'WWW-Authenticate': 'Bearer realm="hookline"' });

/**
 * Successful lookups are remembered, keyed by the key's SHA-256 so the process
 * never holds plaintext keys: ingest needs no query for authentication. A
 * revoked key keeps working for at most `ttlMs`. Failures are never cached, so
 * a key created a moment ago works at once.
 */
export class ApiKeyCache extends TtlCache<Principal> {}

const BEARER = /^Bearer[ \t]+([^\s]+)[ \t]*$/i;

export function authenticate(db: Db, ttlMs = DEFAULT_AUTH_CACHE_TTL_MS): RequestHandler {
  const cache = new ApiKeyCache(ttlMs);
  return async (req, res, next) => {
    const header = req.headers.authorization;
    if (!header) throw unauthorized('Send an API key as "Authorization: Bearer <key>".');
    const key = BEARER.exec(header)?.[1];
    if (!key) throw unauthorized('The Authorization header must be "Bearer <key>".');
    const hash = createHash('sha256').update(key).digest('base64');
    let principal = cache.get(hash);
    if (!principal) {
      principal = (await authenticateApiKey(db, key)) ?? undefined;
      if (!principal) throw unauthorized('The API key is not valid.');
      cache.set(hash, principal);
    }
    res.locals.organizationId = principal.organizationId;
    res.locals.apiKeyId = principal.apiKeyId;
    next();
  };
}
