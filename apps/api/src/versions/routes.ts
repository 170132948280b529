import { randomUUID } from 'node:crypto';
import { Router } from 'express';
import { createVersion, findVersion, findVersionDefinition, latestDefinition, listVersions } from '@hookline/db';
import { compareDefinitions, type DefinitionObject } from '@hookline/definitions';
import { VersionDiffQueue } from '@hookline/queue';
import type { AppContext } from '../context';
import { bestEffort } from '../enqueue';
import { HttpProblem, notFound } from '../problem';
import { PageQuery } from '../schemas';
import { idParam, organizationOf, param, parseQuery } from '../validation';
import { loadDocumentation } from '../routes/lookups';
import { DEFAULT_DEFINITION_MAX_BYTES, definitionBody, definitionField, deploymentText } from './definition-body';
import { validated } from './deployment';
import { prepare } from './deployment-runner';
import { versionView } from './view';

/** Previews run in the API process: bounded so that one stays a fraction of a second of CPU. */
export const DEFAULT_DIFF_PREVIEW_MAX_BYTES = 2 * 1024 * 1024;

/**
 * Deployed definitions (versions) and diff previews. Registered before the
 * /v1 JSON body parser: these bodies are YAML or JSON of up to
 * DEFINITION_MAX_BYTES, read by their own parser.
 */
export function versionRoutes(ctx: AppContext): Router {
  const { db, logger } = ctx;
  const maxBytes = ctx.config.definitionMaxBytes ?? DEFAULT_DEFINITION_MAX_BYTES;
  const previewMaxBytes = ctx.config.diffPreviewMaxBytes ?? DEFAULT_DIFF_PREVIEW_MAX_BYTES;
  const diffs = new VersionDiffQueue(ctx.redis, { prefix: ctx.config.queuePrefix });
  const router = Router();

  router.post('/v1/documentations/:idOrSlug/versions', definitionBody(maxBytes, 'DEFINITION_MAX_BYTES'), async (req, res) => {
    const organizationId = organizationOf(res);
    const documentation = await loadDocumentation(db, organizationId, param(req.params.idOrSlug));
    const { text, yaml } = deploymentText(req);
    const prepared = await prepare(text, yaml, ctx.config.inlineDeployBelowBytes);
    const version = await createVersion(db, { organizationId, documentationId: documentation.id, ...prepared });
    // Committed already: if Redis does not take the job, a worker re-enqueues the pending version (VersionWorker.recoverStalled).
    await bestEffort('version diff', logger, () => diffs.enqueue(version.id), { versionId: version.id }, ctx.config.redisTimeoutMs);
    res.status(202).location(`/v1/versions/${version.id}`).json({ id: version.id, status: version.status });
  });

  router.get('/v1/documentations/:idOrSlug/versions', async (req, res) => {
    const organizationId = organizationOf(res);
    const documentation = await loadDocumentation(db, organizationId, param(req.params.idOrSlug));
    const query = parseQuery(PageQuery, req.query);
    const page = await listVersions(db, documentation.id, { limit: query.limit, cursor: query.cursor });
    res.json({ data: page.data.map(versionView), nextCursor: page.nextCursor });
  });

  router.get('/v1/versions/:id', async (req, res) => {
    const id = idParam(req.params.id);
    const version = await findVersion(db, organizationOf(res), id);
    if (!version) throw notFound(`Version "${id}"`);
    res.json(versionView(version));
  });

  router.get('/v1/versions/:id/definition', async (req, res) => {
    const id = idParam(req.params.id);
    const definition = await findVersionDefinition(db, organizationOf(res), id);
    if (definition === null) throw notFound(`Version "${id}"`);
    res.type('application/json').send(definition);
  });

  // A preview: the same diff and summary a deploy would produce, notifying nobody.
  router.post('/v1/diffs', definitionBody(previewMaxBytes, 'DIFF_PREVIEW_MAX_BYTES'), async (req, res) => {
    const organizationId = organizationOf(res);
    if (!req.is(['application/json', 'application/*+json'])) {
      throw new HttpProblem(415, 'unsupported-media-type', 'Unsupported Media Type', 'Send {previous, current} or {documentation, definition} as application/json.');
    }
    let body: Record<string, unknown>;
    try {
      body = JSON.parse((req.body as Buffer).toString('utf8')) as Record<string, unknown>;
    } catch {
      throw new HttpProblem(400, 'malformed-json', 'Bad Request', 'The request body is not valid JSON.');
    }
    if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new HttpProblem(400, 'validation', 'Bad Request', 'The body must be a JSON object.', [{ path: '(body)', message: 'must be an object' }]);
    const extra = Object.keys(body).filter((key) => !['previous', 'current', 'documentation', 'definition'].includes(key));
    if (extra.length > 0) throw new HttpProblem(400, 'validation', 'Bad Request', 'The request is not valid; see errors.', extra.map((key) => ({ path: key, message: 'is not a known field' })));

    let previous: DefinitionObject;
    let current: DefinitionObject;
    if (body.documentation !== undefined) {
      if (typeof body.documentation !== 'string') throw new HttpProblem(400, 'validation', 'Bad Request', 'The request is not valid; see errors.', [{ path: 'documentation', message: 'must be a documentation id or slug' }]);
      const documentation = await loadDocumentation(db, organizationId, body.documentation);
      current = definitionField(body.definition, 'definition');
      const latest = await latestDefinition(db, documentation.id);
      if (!latest) throw new HttpProblem(409, 'no-version', 'Conflict', `Documentation "${body.documentation}" has no deployed version to compare with.`);
      if (latest.definition.length > previewMaxBytes) {
        throw new HttpProblem(413, 'definition-too-large', 'Content Too Large', `The deployed definition is larger than ${previewMaxBytes} bytes (DIFF_PREVIEW_MAX_BYTES): deploy a version to diff it in a worker.`);
      }
      previous = JSON.parse(latest.definition) as DefinitionObject;
    } else {
      previous = definitionField(body.previous, 'previous');
      current = definitionField(body.current, 'current');
      await validated(previous, 'previous');
    }
    await validated(current, body.documentation !== undefined ? 'definition' : 'current');
    const comparison = await compareDefinitions(previous, current, { id: randomUUID(), publicUrl: '/v1/diffs' });
    res.json({ diff: comparison.diff, summary: comparison.summary, structural: comparison.structural });
  });

  return router;
}
