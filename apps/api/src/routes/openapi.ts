import { Router } from 'express';
import { buildOpenApiDocument } from '../openapi/document';

export function openApiRoutes(version: string): Router {
  const router = Router();
  let document: string | undefined;
  router.get('/openapi.json', (_req, res) => {
    // Built on first use, not at start-up: converting the schemas takes a few milliseconds.
    document ??= JSON.stringify(buildOpenApiDocument(version));
    res.type('application/json').send(document);
  });
  return router;
}
