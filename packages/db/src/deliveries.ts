import type { Db } from './client';
import { isUuid } from './ids';
import type { DeliveryStatus, AttemptTrigger } from './generated/prisma/enums';

/** What a list shows: the delivery row and its last_* columns, no attempts query per row. */
export interface DeliverySummary {
  id: string;
  eventId: string;
  webhookId: string;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: Date | null;
  lastAttemptAt: Date | null;
  lastStatusCode: number | null;
  lastDurationMs: number | null;
  lastError: string | null;
  createdAt: Date;
  event: { type: string };
}

export interface AttemptRow {
  id: string;
  trigger: AttemptTrigger;
  attemptedAt: Date;
  requestHeaders: unknown;
  responseStatus: number | null;
  responseHeaders: unknown;
  responseBody: string | null;
  responseBodyEncoding: string;
  reduced: boolean;
  url: string | null;
  durationMs: number;
  errorKind: string | null;
  errorMessage: string | null;
}

export interface DeliveryDetail extends DeliverySummary {
  webhook: { url: string; enabled: boolean };
  event: { type: string; body: string };
  attemptLog: AttemptRow[];
}

export const deliverySummarySelect = {
  id: true,
  eventId: true,
  webhookId: true,
  status: true,
  attempts: true,
  nextAttemptAt: true,
  lastAttemptAt: true,
  lastStatusCode: true,
  lastDurationMs: true,
  lastError: true,
  createdAt: true,
  event: { select: { type: true } },
} as const;

/** A delivery of one of the organization's live webhooks, with every attempt, oldest first. */
export async function findDelivery(db: Db, organizationId: string, id: string): Promise<DeliveryDetail | null> {
  if (!isUuid(id)) return null;
  return db.prisma.delivery.findFirst({
    where: { id, webhook: { organizationId, deletedAt: null } },
    select: {
      ...deliverySummarySelect,
      webhook: { select: { url: true, enabled: true } },
      event: { select: { type: true, body: true } },
      attemptLog: {
        orderBy: [{ attemptedAt: 'asc' }, { id: 'asc' }],
        select: {
          id: true,
          trigger: true,
          attemptedAt: true,
          requestHeaders: true,
          responseStatus: true,
          responseHeaders: true,
          responseBody: true,
          responseBodyEncoding: true,
          reduced: true,
          url: true,
          durationMs: true,
          errorKind: true,
          errorMessage: true,
        },
      },
    },
  });
}

/** What a redelivery needs to know, in one query. */
export async function findDeliveryTarget(db: Db, organizationId: string, id: string) {
  if (!isUuid(id)) return null;
  return db.prisma.delivery.findFirst({
    where: { id, webhook: { organizationId, deletedAt: null } },
    select: { id: true, eventId: true, webhookId: true, webhook: { select: { enabled: true, disabledReason: true } } },
  });
}
