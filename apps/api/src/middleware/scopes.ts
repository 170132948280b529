import type { RequestHandler } from 'express';
import { HttpProblem } from '../problem';

export const SCOPES = ['admin', 'events:write', 'read'] as const;
export type Scope = (typeof SCOPES)[number];

interface ScopeRule {
  method: string;
  /** An Express-style path: `:name` matches one segment. */
  path: string;
  /** Any of these is enough; `admin` always is. */
  scopes: Scope[];
}

/**
 * What each route needs beyond `admin`, keyed by method and route pattern and
 * checked before routing. The first rule that matches wins; a route no rule
 * names needs `admin`, so a new route is closed until it is listed here.
 */
export const SCOPE_RULES: ScopeRule[] = [
  // The key a producer puts in CI: report changes and deploy versions, nothing else.
  { method: 'POST', path: '/v1/documentations/:idOrSlug/events', scopes: ['events:write'] },
  { method: 'POST', path: '/v1/documentations/:idOrSlug/versions', scopes: ['events:write'] },
  { method: 'GET', path: '/v1/versions/:id', scopes: ['events:write', 'read'] },
  { method: 'GET', path: '/v1/versions/:id/definition', scopes: ['events:write', 'read'] },
  // A preview notifies nobody: what a CI job prints on a pull request (`hookline diff`).
  { method: 'POST', path: '/v1/diffs', scopes: ['events:write', 'read'] },
  // Secrets and keys are not "read views": revealing one is as good as holding it.
  { method: 'GET', path: '/v1/webhooks/:id/secret', scopes: [] },
  { method: 'GET', path: '/v1/api-keys', scopes: [] },
  // The dashboard's read views.
  { method: 'GET', path: '/v1/*rest', scopes: ['read'] },
];

const compiled = SCOPE_RULES.map((rule) => ({
  ...rule,
  pattern: new RegExp(
    `^${rule.path
      .split('/')
      .map((segment) => (segment.startsWith(':') ? '[^/]+' : segment.startsWith('*') ? '.+' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
      .join('/')}/?$`,
  ),
}));

/** The scopes that allow `method path`, besides admin. */
export function scopesFor(method: string, path: string): Scope[] {
  const verb = method === 'HEAD' ? 'GET' : method;
  return compiled.find((rule) => rule.method === verb && rule.pattern.test(path))?.scopes ?? [];
}

/** Runs after authenticate: 403 naming the missing scope. Another organization's resources still answer 404 (the routes decide that). */
export const requireScope: RequestHandler = (req, res, next) => {
  const granted = (res.locals.scopes as string[] | undefined) ?? [];
  if (granted.includes('admin')) return next();
  const needed = scopesFor(req.method, req.baseUrl + req.path);
  if (needed.some((scope) => granted.includes(scope))) return next();
  const missing = needed[0] ?? 'admin';
  const has = granted.map((scope) => `"${scope}"`).join(', ') || 'none';
  throw new HttpProblem(403, 'missing-scope', 'Forbidden', `This API key lacks the scope "${missing}" needed for ${req.method} ${req.baseUrl}${req.path} (it has ${has}).`);
};
