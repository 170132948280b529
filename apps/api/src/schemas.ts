import { z } from 'zod';

/**
 * Request and response schemas: the routes validate with them and
 * openapi/document.ts publishes them, so the two cannot drift apart.
 */

// C0 and C1 controls, DEL, and the bidirectional formatting marks: the WHATWG parser drops
// tabs and newlines and keeps bidi marks, so what is shown would not be what is contacted.
// eslint-disable-next-line no-control-regex
const CONTROL_OR_BIDI = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

/** Stored and shown as the WHATWG `href`: the URL requests really go to. */
const httpUrl = (max: number) =>
  z
    .string()
    .max(max, `must be at most ${max} characters`)
    .superRefine((value, ctx) => {
      if (CONTROL_OR_BIDI.test(value)) {
        ctx.addIssue({ code: 'custom', message: 'must not contain control or bidirectional formatting characters' });
        return;
      }
      let url: URL;
      try {
        url = new URL(value);
      } catch {
        ctx.addIssue({ code: 'custom', message: 'must be an absolute URL' });
        return;
      }
      if (url.protocol !== 'http:' && url.protocol !== 'https:') ctx.addIssue({ code: 'custom', message: 'must be an http or https URL' });
      else if (url.username || url.password) ctx.addIssue({ code: 'custom', message: 'must not contain credentials' });
      else if (value.trim() !== value) ctx.addIssue({ code: 'custom', message: 'must not have surrounding spaces' });
      else if (value.length <= max && new URL(value).href.length > max) ctx.addIssue({ code: 'custom', message: `must be at most ${max} characters once normalised` });
    })
    .transform((value) => new URL(value).href)
    .meta({ format: 'uri' });

export const SLUG_PATTERN = /^[a-z0-9][a-z0-9-]{0,63}$/;
export const slug = z.string().regex(SLUG_PATTERN, 'must be 1-64 lowercase letters, digits or dashes, not starting with a dash');
const name = z.string().min(1, 'must not be empty').max(200, 'must be at most 200 characters');
const description = z.string().max(1000, 'must be at most 1000 characters').nullable();

export const DocumentationCreate = z.strictObject({
  slug,
  name,
  description: description.optional(),
  humanUrl: httpUrl(2048).nullable().optional(),
});

// Limits that hold for the whole deployment; null: the deployment's default (WEBHOOK_DEFAULT_MAX_CONCURRENCY, no rate limit).
const maxConcurrency = z
  .int('must be an integer')
  .min(1, 'must be at least 1')
  .max(1000, 'must be at most 1000')
  .nullable()
  .meta({ description: 'Requests in flight to this webhook at once, across all workers; null: the deployment default' });
const rateLimitPerSecond = z
  .int('must be an integer')
  .min(1, 'must be at least 1')
  .max(10_000, 'must be at most 10000')
  .nullable()
  .meta({ description: 'Requests started per second to this webhook, across all workers; null: no limit' });

export const WebhookCreate = z.strictObject({
  url: httpUrl(2048),
  description: description.optional(),
  breakingOnly: z.boolean().optional(),
  maxConcurrency: maxConcurrency.optional(),
  rateLimitPerSecond: rateLimitPerSecond.optional(),
});

export const WebhookRecover = z.strictObject({
  since: z.iso.datetime({ offset: true, message: 'expected an ISO 8601 date-time, e.g. 2026-01-31T00:00:00Z' }),
  // true: only count what would be resent.
  dryRun: z.boolean().optional(),
});

export const WebhookUpdate = z.strictObject({
  url: httpUrl(2048).optional(),
  description: description.optional(),
  enabled: z.boolean().optional(),
  breakingOnly: z.boolean().optional(),
  maxConcurrency: maxConcurrency.optional(),
  rateLimitPerSecond: rateLimitPerSecond.optional(),
});

// Bump's DocStructureChange. Its schema requires none of the diff's fields,
// so neither does Hookline: a field that is present is checked (receivers
// rely on its type); anything else Bump adds passes through untouched.
const versionUrl = z.string().max(2048).nullable().optional();

export interface DiffItemShape {
  id?: string;
  name?: string;
  status?: 'added' | 'modified' | 'removed';
  type?: string;
  breaking?: boolean;
  children?: DiffItemShape[];
  [extra: string]: unknown;
}

export const DiffItem: z.ZodType<DiffItemShape> = z.looseObject({
  id: z.string().optional(),
  name: z.string().optional(),
  status: z.enum(['added', 'modified', 'removed']).optional(),
  type: z.string().optional(),
  breaking: z.boolean().optional(),
  previous: z.record(z.string(), z.unknown()).nullable().optional(),
  current: z.record(z.string(), z.unknown()).nullable().optional(),
  breaking_details: z.record(z.string(), z.unknown()).nullable().optional(),
  get children() {
    return z.array(DiffItem).optional();
  },
});

export const Diff = z.looseObject({
  id: z.string().optional(),
  title: z.string().optional(),
  public_url: z.string().max(2048).optional(),
  breaking: z.boolean().optional(),
  details: z.array(DiffItem).optional(),
  previous_version_url: versionUrl,
  current_version_url: versionUrl,
});

export const EventCreate = z.strictObject({
  diff: Diff,
  version: z.string().max(200).nullable().optional(),
});

export const IdempotencyKey = z.string().regex(/^[\x20-\x7e]{1,255}$/, 'must be 1-255 printable ASCII characters');

// An empty parameter (`?limit=10&cursor=`, as the contract writes it) means absent.
const queryParam = <S extends z.ZodType>(schema: S) => z.preprocess((value) => (value === '' ? undefined : value), schema);

const limit = (fallback: number) =>
  queryParam(z.coerce.number().int('must be an integer').min(1, 'must be at least 1').max(100, 'must be at most 100').default(fallback));

// Queries ignore unknown parameters (cache busters, tracking): only bodies are strict.
export const PageQuery = z.object({
  limit: limit(10),
  cursor: queryParam(z.uuid('must be a delivery id from nextCursor').optional()),
});

// 100 by default: every webhook of a documentation under the default quota (50) fits in one page.
export const WebhookPageQuery = z.object({
  limit: limit(100),
  cursor: queryParam(z.uuid('must be a webhook id from nextCursor').optional()),
});

export const DocumentationPageQuery = z.object({
  limit: limit(100),
  cursor: queryParam(z.uuid('must be a documentation id from nextCursor').optional()),
});
