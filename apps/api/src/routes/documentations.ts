import { Router } from 'express';
import { createDocumentation, listDocumentations } from '@hookline/db';
import type { AppContext } from '../context';
import { conflict } from '../problem';
import { documentationView } from '../representations';
import { DocumentationCreate, DocumentationPageQuery } from '../schemas';
import { organizationOf, param, parseBody, parseQuery } from '../validation';
import { loadDocumentation } from './lookups';

export function documentationRoutes({ db }: AppContext): Router {
  const router = Router();

  router.post('/v1/documentations', async (req, res) => {
    const input = parseBody(DocumentationCreate, req.body);
    const result = await createDocumentation(db, organizationOf(res), input);
    if (result.kind === 'duplicate-slug') throw conflict('duplicate-slug', `A documentation with slug "${input.slug}" already exists.`);
    res.status(201).location(`/v1/documentations/${result.documentation.id}`).json(documentationView(result.documentation));
  });

  router.get('/v1/documentations', async (req, res) => {
    const page = parseQuery(DocumentationPageQuery, req.query);
    const result = await listDocumentations(db, organizationOf(res), page);
    res.json({ data: result.data.map(documentationView), nextCursor: result.nextCursor });
  });

  router.get('/v1/documentations/:idOrSlug', async (req, res) => {
    res.json(documentationView(await loadDocumentation(db, organizationOf(res), param(req.params.idOrSlug))));
  });

  return router;
}
