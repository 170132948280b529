import { z } from 'zod';
import { SCOPES } from './middleware/scopes';
import { DocumentationCreate, PageQuery, slug } from './schemas';

/** Request schemas of API keys, documentation edits and delivery search; the OpenAPI document publishes them too. */

export const ApiKeyCreate = z.strictObject({
  name: z.string().trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters'),
  scopes: z
    .array(z.enum(SCOPES, { message: `must be one of ${SCOPES.join(', ')}` }))
    .min(1, 'must name at least one scope')
    .refine((scopes) => new Set(scopes).size === scopes.length, 'must not repeat a scope'),
});

const tag = z.string().min(1, 'must not be empty').max(100, 'must be at most 100 characters');

export const DocumentationUpdate = z
  .strictObject({
    slug: slug.optional(),
    name: DocumentationCreate.shape.name.optional(),
    description: DocumentationCreate.shape.description,
    humanUrl: DocumentationCreate.shape.humanUrl,
    tags: z
      .array(tag)
      .max(50, 'must have at most 50 tags')
      .refine((tags) => new Set(tags).size === tags.length, 'must not repeat a tag')
      .optional(),
  })
  .meta({ description: 'Only the fields present change; a slug change keeps the id, and the old slug stops resolving.' });

export const DELIVERY_STATUSES = ['pending', 'succeeded', 'retrying', 'exhausted', 'cancelled'] as const;

const blank = (value: unknown) => value === '' || value === undefined;
const dateTime = (name: string) =>
  z.preprocess((value) => (blank(value) ? undefined : value), z.iso.datetime({ offset: true, message: `${name}: expected an ISO 8601 date-time, e.g. 2026-01-31T00:00:00Z` }).optional());
const uuid = (what: string) => z.preprocess((value) => (blank(value) ? undefined : value), z.uuid(`must be ${what}`).optional());

/** `?status=failed,retrying` and `?status=a&status=b` both work. */
const statusList = z.preprocess(
  (value) => {
    if (blank(value)) return undefined;
    const parts = (Array.isArray(value) ? value : [value]).flatMap((part) => String(part).split(','));
    return parts.map((part) => part.trim()).filter((part) => part !== '');
  },
  z.array(z.enum(DELIVERY_STATUSES, { message: `must be one or more of ${DELIVERY_STATUSES.join(', ')}` })).optional(),
);

/** `2xx`, `4xx`, `5xx` (any class 1-5), or an exact code. */
const httpStatus = z.preprocess(
  (value) => (blank(value) ? undefined : value),
  z
    .string()
    .regex(/^(?:[1-5]xx|[1-5][0-9][0-9])$/i, 'must be a class such as 2xx, 4xx, 5xx, or a status code such as 404')
    .transform((value) => {
      const lower = value.toLowerCase();
      if (lower.endsWith('xx')) return { min: Number(lower[0]) * 100, max: Number(lower[0]) * 100 + 99 };
      return { min: Number(lower), max: Number(lower) };
    })
    .optional(),
);

export const DeliverySearchQuery = PageQuery.extend({
  status: statusList,
  eventType: z.preprocess(
    (value) => (blank(value) ? undefined : value),
    z.string().max(100, 'must be at most 100 characters').regex(/^[\x21-\x7e]+$/, 'must be an event type such as ping or documentation.structure_change').optional(),
  ),
  from: dateTime('from'),
  to: dateTime('to'),
  httpStatus,
  eventId: uuid('an event id'),
  deliveryId: uuid('a delivery id (the webhook-id header)'),
}).refine((query) => !query.from || !query.to || new Date(query.from) < new Date(query.to), { message: 'must be after from', path: ['to'] });
