import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * METRICS_TOKEN: when set, /metrics (API and worker) answers only to
 * `Authorization: Bearer <token>`. Unset, it is open, for a private port.
 * Hashing both sides first makes the comparison constant-time whatever the lengths.
 */
export function metricsAllowed(authorization: string | undefined, token: string | undefined): boolean {
  if (!token) return true;
  const presented = /^Bearer (.+)$/i.exec(authorization?.trim() ?? '')?.[1] ?? '';
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(presented), digest(token));
}
