import { existsSync } from 'node:fs';
import path from 'node:path';
import express, { Router } from 'express';

const API_PATHS = /^\/(v1|openapi\.json|healthz|readyz|metrics)(\/|$)/;

/**
 * The dashboard's static build, when it has been built. Any other GET that
 * asks for HTML gets index.html (client-side routing); API paths never do, so
 * an unknown API route is still a 404 problem.
 */
export function dashboardRoutes(dir: string | null | undefined): Router {
  const router = Router();
  if (!dir || !existsSync(path.join(dir, 'index.html'))) return router;
  router.use(express.static(dir, { index: 'index.html', maxAge: '1h' }));
  router.get(/.*/, (req, res, next) => {
    if (API_PATHS.test(req.path) || !req.headers.accept?.includes('text/html')) return next();
    res.sendFile(path.join(dir, 'index.html'), { maxAge: 0 });
  });
  return router;
}
