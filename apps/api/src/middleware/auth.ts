import { createHash } from 'node:crypto';
import type { RequestHandler } from 'express';
import { authenticateApiKey, touchApiKeys, type Db, type Principal } from '@hookline/db';
import type { CacheInvalidation } from '../cache-invalidation';
import type { Logger } from '../logger';
import { HttpProblem } from '../problem';
import { TtlCache } from '../ttl-cache';

/** A safety net only: revocations are announced (see CacheInvalidation) and take effect at once. */
export const DEFAULT_AUTH_CACHE_TTL_MS = 5_000;
/** lastUsedAt is written at most this often per key and process. */
export const LAST_USED_INTERVAL_MS = 60_000;

const unauthorized = (detail: string) =>
  new HttpProblem(401, 'unauthorized', 'Unauthorized', detail, undefined, { 'WWW-Authenticate': 'Bearer realm="hookline"' });

/**
 * Successful lookups are remembered, keyed by the key's SHA-256 so the process
 * never holds plaintext keys: ingest needs no query for authentication.
 * Entries are trusted only while the invalidation subscription is live, and
 * dropped when a key is revoked anywhere. Failures are never cached, so a key
 * created a moment ago works at once.
 */
export class ApiKeyCache extends TtlCache<Principal> {}

const BEARER = /^Bearer[ \t]+([^\s]+)[ \t]*$/i;

export interface AuthOptions {
  ttlMs?: number;
  invalidation: CacheInvalidation;
  logger: Logger;
}

export function authenticate(db: Db, { ttlMs = DEFAULT_AUTH_CACHE_TTL_MS, invalidation, logger }: AuthOptions): RequestHandler {
  const cache = new ApiKeyCache(ttlMs);
  // A lookup that raced a revocation must not cache what it read before the revocation.
  let generation = 0;
  invalidation.on((change) => {
    if (change.kind !== 'documentation') generation++;
    if (change.kind === 'all') cache.clear();
    else if (change.kind === 'api-key') cache.deleteWhere((principal) => principal.apiKeyId === change.id);
  });
  const lastTouched = new Map<string, number>();
  const touch = (apiKeyId: string) => {
    const now = Date.now();
    if (now - (lastTouched.get(apiKeyId) ?? 0) < LAST_USED_INTERVAL_MS) return;
    if (lastTouched.size >= 10_000) lastTouched.clear();
    lastTouched.set(apiKeyId, now);
    // Off the request's path: a lost write only makes lastUsedAt a minute older.
    touchApiKeys(db, [apiKeyId], new Date(now), LAST_USED_INTERVAL_MS).catch((error: unknown) => logger.warn('lastUsedAt not written', { err: error, apiKeyId }));
  };

  return async (req, res, next) => {
    const header = req.headers.authorization;
    if (!header) throw unauthorized('Send an API key as "Authorization: Bearer <key>".');
    const key = BEARER.exec(header)?.[1];
    if (!key) throw unauthorized('The Authorization header must be "Bearer <key>".');
    const hash = createHash('sha256').update(key).digest('base64');
    const live = invalidation.live;
    let principal = live ? cache.get(hash) : undefined;
    if (!principal) {
      const before = generation;
      principal = (await authenticateApiKey(db, key)) ?? undefined;
      if (!principal) throw unauthorized('The API key is not valid.');
      if (live && generation === before) cache.set(hash, principal);
    }
    touch(principal.apiKeyId);
    res.locals.organizationId = principal.organizationId;
    res.locals.apiKeyId = principal.apiKeyId;
    res.locals.scopes = principal.scopes;
    next();
  };
}
