import type { Db } from './client';
import type { DeliverySummary } from './deliveries';
import type { Page } from './documentations';
import type { DeliveryStatus } from './generated/prisma/enums';

export interface DeliveryFilters {
  status?: DeliveryStatus[];
  eventType?: string;
  /** Created at or after. */
  from?: Date;
  /** Created before. */
  to?: Date;
  /** The last attempt's HTTP status, inclusive range (a class is e.g. 400-499). */
  httpStatus?: { min: number; max: number };
  eventId?: string;
  deliveryId?: string;
}

/** Where to search: one webhook, or every live webhook of an organization. */
export type DeliveryScope = { webhookId: string } | { organizationId: string };

const hex = (ms: number) => Math.max(0, Math.min(ms, 2 ** 48 - 1)).toString(16).padStart(12, '0');
/** The smallest UUIDv7 of that millisecond: ids are time-ordered, so a time range is an id range. */
export const uuidv7Floor = (ms: number) => {
  const h = hex(ms);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-0000-0000-000000000000`;
};

/** A summary whose event type comes back as a column of the join. */
type SearchRow = Omit<DeliverySummary, 'event'> & { eventType: string };

/**
 * Most recent first, `cursor` the last id of the previous page. Every filter
 * narrows one index range scan: (organization_id, id DESC) or (webhook_id,
 * id DESC), with the time range turned into id bounds (UUIDv7) and the exact
 * ids through their own indexes; the event type comes from the event's
 * primary key. Deliveries of deleted webhooks (`excludedWebhookIds`) are not
 * searched: a list of ids rather than a join, which would drive the plan from
 * the small webhooks table instead of the index order.
 */
export function deliverySearchQuery(
  scope: DeliveryScope,
  filters: DeliveryFilters,
  page: { limit: number; cursor?: string },
  excludedWebhookIds: string[] = [],
): { text: string; values: unknown[] } {
  const values: unknown[] = [];
  const bind = (value: unknown, cast = '') => {
    values.push(value);
    return `$${values.length}${cast}`;
  };
  const where: string[] = [];
  if ('webhookId' in scope) where.push(`d.webhook_id = ${bind(scope.webhookId, '::uuid')}`);
  else where.push(`d.organization_id = ${bind(scope.organizationId, '::uuid')}`);
  if (excludedWebhookIds.length > 0) where.push(`d.webhook_id <> ALL(${bind(excludedWebhookIds, '::uuid[]')})`);
  if (page.cursor) where.push(`d.id < ${bind(page.cursor, '::uuid')}`);
  if (filters.status?.length) where.push(`d.status = ANY(${bind(filters.status, '::delivery_status[]')})`);
  if (filters.eventType) where.push(`e.type = ${bind(filters.eventType)}`);
  if (filters.from) where.push(`d.id >= ${bind(uuidv7Floor(filters.from.getTime()), '::uuid')}`, `d.created_at >= ${bind(filters.from)}`);
  if (filters.to) where.push(`d.id < ${bind(uuidv7Floor(filters.to.getTime()), '::uuid')}`, `d.created_at < ${bind(filters.to)}`);
  if (filters.httpStatus) where.push(`d.last_status_code BETWEEN ${bind(filters.httpStatus.min)} AND ${bind(filters.httpStatus.max)}`);
  if (filters.eventId) where.push(`d.event_id = ${bind(filters.eventId, '::uuid')}`);
  if (filters.deliveryId) where.push(`d.id = ${bind(filters.deliveryId, '::uuid')}`);
  const text = `SELECT d.id, d.event_id AS "eventId", d.webhook_id AS "webhookId", d.status, d.attempts,
            d.next_attempt_at AS "nextAttemptAt", d.last_attempt_at AS "lastAttemptAt",
            d.last_status_code AS "lastStatusCode", d.last_duration_ms AS "lastDurationMs",
            d.last_error AS "lastError", d.created_at AS "createdAt", e.type AS "eventType"
       FROM deliveries d
       JOIN events e ON e.id = d.event_id
      WHERE ${where.join(' AND ')}
      ORDER BY d.id DESC
      LIMIT ${bind(page.limit + 1)}`;
  return { text, values };
}

/** The organization's deleted webhooks, whose history the search leaves out. */
async function deletedWebhookIds(db: Db, scope: DeliveryScope): Promise<string[]> {
  if ('webhookId' in scope) return [];
  const { rows } = await db.pool.query<{ id: string }>('SELECT id FROM webhooks WHERE organization_id = $1 AND deleted_at IS NOT NULL', [scope.organizationId]);
  return rows.map((row) => row.id);
}

export async function searchDeliveries(db: Db, scope: DeliveryScope, filters: DeliveryFilters, page: { limit: number; cursor?: string }): Promise<Page<DeliverySummary & { webhookId: string }>> {
  const { text, values } = deliverySearchQuery(scope, filters, page, await deletedWebhookIds(db, scope));
  const { rows } = await db.pool.query<SearchRow>(text, values);
  const data = rows.slice(0, page.limit).map(({ eventType, ...row }) => ({ ...row, event: { type: eventType } }));
  return { data, nextCursor: rows.length > page.limit ? data[data.length - 1]!.id : null };
}

/** The plan PostgreSQL chooses for a search (the test checks it scans indexes only). */
export async function explainDeliverySearch(db: Db, scope: DeliveryScope, filters: DeliveryFilters, limit = 20): Promise<string> {
  const { text, values } = deliverySearchQuery(scope, filters, { limit }, await deletedWebhookIds(db, scope));
  const { rows } = await db.pool.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${text}`, values);
  return rows.map((row) => row['QUERY PLAN']).join('\n');
}
