import type { RequestHandler } from 'express';

/**
 * The dashboard holds an API key that can delete webhooks and reveal
 * secrets, so nothing may frame it (clickjacking), run script it did not ship,
 * or learn its URLs (which may carry `#key=`) from a Referer.
 * - no inline script: the build loads only its own module files;
 * - img data: for the favicon, which index.html carries inline;
 * - style-src 'self': React's style props go through the CSSOM, which CSP allows.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export function securityHeaders(): RequestHandler {
  return (req, res, next) => {
    res.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    // For browsers that predate frame-ancestors.
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    // Every /v1 answer is a tenant's data, and some carry a secret or a key: never kept by a cache.
    if (req.path.startsWith('/v1/') || req.path === '/v1') res.setHeader('Cache-Control', 'no-store');
    next();
  };
}
