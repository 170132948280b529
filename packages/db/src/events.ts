import type { Db } from './client';
import { isUuid } from './ids';
import { deliverySummarySelect, type DeliverySummary } from './deliveries';

export interface EventDetail {
  id: string;
  /** Null for an operational event (it belongs to the organization). */
  documentationId: string | null;
  type: string;
  body: string;
  createdAt: Date;
  deliveries: DeliverySummary[];
}

/** The event and its deliveries to live webhooks (a deleted webhook's history is not shown); a deleted documentation's events are gone. */
export async function findEvent(db: Db, organizationId: string, id: string): Promise<EventDetail | null> {
  if (!isUuid(id)) return null;
  return db.prisma.event.findFirst({
    where: { id, organizationId, documentation: { deletedAt: null } },
    select: {
      id: true,
      documentationId: true,
      type: true,
      body: true,
      createdAt: true,
      deliveries: { where: { webhook: { deletedAt: null } }, orderBy: { id: 'asc' }, select: deliverySummarySelect },
    },
  });
}
