import type { Response } from 'express';
import type { z } from 'zod';
import { fieldErrors, validationFailed } from './problem';

export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const result = schema.safeParse(body);
  if (!result.success) throw validationFailed(fieldErrors(result.error.issues));
  return result.data;
}

export function parseQuery<S extends z.ZodType>(schema: S, query: unknown): z.infer<S> {
  const result = schema.safeParse(query);
  if (!result.success) throw validationFailed(fieldErrors(result.error.issues), 'The query string is not valid; see errors.');
  return result.data;
}

export function parseHeader<S extends z.ZodType>(schema: S, name: string, value: string | undefined): z.infer<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw validationFailed(fieldErrors(result.error.issues, [name]), `The ${name} header is not valid.`);
  return result.data;
}

/** Set by the auth middleware on every /v1 request. */
export function organizationOf(res: Response): string {
  const organizationId = res.locals.organizationId as string | undefined;
  if (!organizationId) throw new Error('organizationOf() used on a route without authentication');
  return organizationId;
}

/** Express 5 types a route param as string | string[] only for wildcards; ours are plain segments. */
export const param = (value: string | string[] | undefined): string => (Array.isArray(value) ? value.join('/') : (value ?? ''));

/** Ids are stored lowercase, and the sealed secrets and worker caches are keyed by that spelling. */
export const idParam = (value: string | string[] | undefined): string => param(value).toLowerCase();
