import { Router } from 'express';
import { createApiKey, listApiKeys, revokeApiKey, type ApiKeyRow } from '@hookline/db';
import type { AppContext } from '../context';
import { bestEffort } from '../enqueue';
import { ApiKeyCreate } from '../lifecycle-schemas';
import { notFound } from '../problem';
import { idParam, organizationOf, parseBody } from '../validation';

export function apiKeyView(key: ApiKeyRow) {
  return {
    id: key.id,
    name: key.name,
    prefix: key.prefix,
    scopes: key.scopes,
    createdAt: key.createdAt.toISOString(),
    lastUsedAt: key.lastUsedAt ? key.lastUsedAt.toISOString() : null,
  };
}

export function apiKeyRoutes(ctx: AppContext): Router {
  const { db } = ctx;
  const router = Router();

  router.post('/v1/api-keys', async (req, res) => {
    const input = parseBody(ApiKeyCreate, req.body);
    const { key, secret } = await createApiKey(db, organizationOf(res), input);
    // The only time the plaintext exists outside the client: no cache may keep it.
    res.setHeader('Cache-Control', 'no-store');
    res.status(201).location(`/v1/api-keys/${key.id}`).json({ ...apiKeyView(key), secret });
  });

  router.get('/v1/api-keys', async (_req, res) => {
    const keys = await listApiKeys(db, organizationOf(res));
    res.json({ data: keys.map(apiKeyView) });
  });

  router.delete('/v1/api-keys/:id', async (req, res) => {
    const id = idParam(req.params.id);
    if (!(await revokeApiKey(db, organizationOf(res), id))) throw notFound(`API key "${id}"`);
    // Dropped from this process's cache at once; the others hear it through Redis.
    await bestEffort('API key revocation announcement', ctx.logger, () => ctx.invalidation.publish(ctx.redis, { kind: 'api-key', id }), { apiKeyId: id }, ctx.config.redisTimeoutMs);
    res.status(204).end();
  });

  return router;
}
