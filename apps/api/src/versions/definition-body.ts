import express, { type Request, type RequestHandler } from 'express';
import { DefinitionError, parseDefinitionText, type DefinitionObject } from '@hookline/definitions';
import { HttpProblem } from '../problem';

export const DEFAULT_DEFINITION_MAX_BYTES = 50 * 1024 * 1024;

const YAML_TYPES = ['application/yaml', 'application/x-yaml', 'text/yaml', 'text/x-yaml'];
const JSON_TYPES = ['application/json', 'application/*+json'];

/**
 * Reads the body as bytes (gzip and deflate inflated; the limit counts the
 * inflated size, so a small compressed bomb is refused too) for the routes
 * that take definitions: they are larger than any other request, and YAML.
 */
export function definitionBody(maxBytes: number, variable: string): RequestHandler {
  const raw = express.raw({ type: () => true, limit: maxBytes, inflate: true });
  return (req, res, next) => {
    raw(req, res, (error?: unknown) => {
      if (!error) return next();
      const failure = error as { type?: string; status?: number; message?: string };
      if (failure.type === 'entity.too.large') {
        return next(new HttpProblem(413, 'definition-too-large', 'Content Too Large', `The definition is larger than ${maxBytes} bytes (${variable}).`, [{ path: '(body)', message: `must be at most ${maxBytes} bytes` }]));
      }
      if (failure.type === 'encoding.unsupported') {
        return next(new HttpProblem(415, 'unsupported-encoding', 'Unsupported Media Type', 'Content-Encoding must be gzip, deflate or identity.'));
      }
      if (typeof failure.status === 'number' && failure.status < 500) {
        return next(new HttpProblem(400, 'unreadable-body', 'Bad Request', `The body could not be read: ${failure.message ?? 'invalid'}.`));
      }
      next(error);
    });
  };
}

export const definitionProblem = (error: DefinitionError, prefix = '') =>
  new HttpProblem(
    error.status,
    error.kind,
    error.status === 413 ? 'Content Too Large' : error.status === 415 ? 'Unsupported Media Type' : 'Unprocessable Content',
    error.message,
    error.issues.map((issue) => ({ path: `${prefix}${issue.path}` || '(definition)', message: issue.message })),
  );

export function parseOrProblem(text: string, prefix = ''): DefinitionObject {
  try {
    return parseDefinitionText(text);
  } catch (error) {
    if (error instanceof DefinitionError) throw definitionProblem(error, prefix);
    throw error;
  }
}

export interface SentDefinition {
  definition: DefinitionObject;
  /** A label that overrides info.version. */
  version?: string;
}

const bodyText = (req: Request): string => (Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '');

/** The body of POST .../versions as text, and whether it is YAML; refuses an empty body or another media type. */
export function deploymentText(req: Request): { text: string; yaml: boolean } {
  const text = bodyText(req);
  if (text.trim() === '') throw new HttpProblem(400, 'validation', 'Bad Request', 'The body is empty: send the definition.', [{ path: '(body)', message: 'is required' }]);
  if (req.is(YAML_TYPES)) return { text, yaml: true };
  if (!req.is(JSON_TYPES)) {
    throw new HttpProblem(415, 'unsupported-media-type', 'Unsupported Media Type', 'Send the definition as application/json or application/yaml.');
  }
  return { text, yaml: false };
}

/**
 * The definition of POST .../versions: raw JSON or YAML, or a JSON wrapper
 * `{definition, version?}` whose definition is an object or the text of one.
 */
export function readDeployment(text: string, yaml: boolean): SentDefinition {
  const parsed = parseOrProblem(text);
  if (yaml || !('definition' in parsed) || 'openapi' in parsed || 'swagger' in parsed) return { definition: parsed };
  const extra = Object.keys(parsed).filter((key) => key !== 'definition' && key !== 'version');
  if (extra.length > 0) throw new HttpProblem(400, 'validation', 'Bad Request', 'The request is not valid; see errors.', extra.map((key) => ({ path: key, message: 'is not a known field' })));
  const version = parsed.version;
  if (version !== undefined && (typeof version !== 'string' || version.length === 0 || version.length > 200)) {
    throw new HttpProblem(400, 'validation', 'Bad Request', 'The request is not valid; see errors.', [{ path: 'version', message: 'must be a string of 1-200 characters' }]);
  }
  return { definition: definitionField(parsed.definition, 'definition'), ...(version !== undefined ? { version: version as string } : {}) };
}

/** A definition inside a JSON body: an object, or its JSON/YAML text. */
export function definitionField(value: unknown, field: string): DefinitionObject {
  if (typeof value === 'string') return parseOrProblem(value, field);
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value as DefinitionObject;
  throw new HttpProblem(400, 'validation', 'Bad Request', 'The request is not valid; see errors.', [{ path: field, message: 'must be a definition (an object, or JSON or YAML text)' }]);
}
