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
  // Source maps are for development (`npm run dev`); the served build does not publish its sources.
  router.use((req, res, next) => (req.path.endsWith('.map') ? res.status(404).end() : next()));
  router.use(
    express.static(dir, {
      index: false,
      setHeaders: (res, file) => {
        // Vite names assets by content hash: they never change. index.html names them, so it must always be fresh.
        if (file.includes(`${path.sep}assets${path.sep}`)) res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
        else res.setHeader('Cache-Control', 'no-cache');
      },
    }),
  );
  router.get(/.*/, (req, res, next) => {
    if (API_PATHS.test(req.path) || !req.headers.accept?.includes('text/html')) return next();
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(path.join(dir, 'index.html'));
  });
  return router;
}
