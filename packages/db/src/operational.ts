import type { Db } from './client';
import { isUuid, uuidv7 } from './ids';
import type { QueuedDelivery } from './ingest';

/**
 * Operational webhooks are webhooks rows of kind 'operational' without a
 * documentation, and operational events are events rows without one: they
 * go through the same outbox, queue, signing, retries and attempt records as
 * every delivery, and the reconciler brings back the ones Redis lost.
 */
export const OPERATIONAL = 'operational';

export type OperationalEventType = 'webhook.disabled' | 'webhook.failing' | 'webhook.recovered' | 'delivery.exhausted';

export interface OperationalWebhook {
  id: string;
  url: string;
  description: string | null;
  secretEncrypted: string;
  enabled: boolean;
  createdAt: Date;
  updatedAt: Date;
}

const columns = { id: true, url: true, description: true, secretEncrypted: true, enabled: true, createdAt: true, updatedAt: true } as const;

export function createOperationalWebhook(
  db: Db,
  input: { id: string; organizationId: string; url: string; description: string | null; secretEncrypted: string },
): Promise<OperationalWebhook> {
  return db.prisma.webhook.create({ data: { ...input, kind: OPERATIONAL, documentationId: null }, select: columns });
}

export function listOperationalWebhooks(db: Db, organizationId: string): Promise<OperationalWebhook[]> {
  return db.prisma.webhook.findMany({ where: { organizationId, kind: OPERATIONAL, deletedAt: null }, orderBy: { id: 'asc' }, select: columns });
}

/** Soft delete, like a documentation's webhook: history stays, pending deliveries are cancelled (their ids returned). */
export async function deleteOperationalWebhook(db: Db, organizationId: string, id: string, now = new Date()): Promise<{ cancelledDeliveryIds: string[] } | null> {
  if (!isUuid(id)) return null;
  return db.prisma.$transaction(async (tx) => {
    const deleted = await tx.webhook.updateMany({ where: { id, organizationId, kind: OPERATIONAL, deletedAt: null }, data: { deletedAt: now, enabled: false } });
    if (deleted.count === 0) return null;
    const cancelled = await tx.delivery.updateManyAndReturn({
      where: { webhookId: id, status: { in: ['pending', 'retrying'] } },
      data: { status: 'cancelled', nextAttemptAt: null },
      select: { id: true },
    });
    return { cancelledDeliveryIds: cancelled.map((d) => d.id) };
  });
}

/** What an operational event says about a documentation's webhook. */
export interface WebhookNoticeSubject {
  id: string;
  organizationId: string;
  url: string;
  disabledReason: string | null;
  failingSince: Date | null;
  documentation: { id: string; slug: string; name: string };
}

/** Documentation webhooks only: an operational webhook's own trouble is not announced (it could only loop). */
export async function loadNoticeSubjects(db: Db, webhookIds: string[]): Promise<WebhookNoticeSubject[]> {
  if (webhookIds.length === 0) return [];
  const rows = await db.prisma.webhook.findMany({
    where: { id: { in: webhookIds }, kind: { not: OPERATIONAL }, documentationId: { not: null } },
    select: { id: true, organizationId: true, url: true, disabledReason: true, failingSince: true, documentation: { select: { id: true, slug: true, name: true } } },
  });
  return rows.flatMap((row) => (row.documentation ? [{ ...row, documentation: row.documentation }] : []));
}

/**
 * One operational event for the organization and a delivery to each of its
 * enabled operational webhooks, in one transaction (the outbox). Nothing is
 * written when it has none. The caller enqueues the returned deliveries.
 */
export async function emitOperationalEvent(
  db: Db,
  input: { organizationId: string; type: OperationalEventType; data: Record<string, unknown> },
  now = new Date(),
): Promise<QueuedDelivery[]> {
  return db.prisma.$transaction(async (tx) => {
    const targets = await tx.webhook.findMany({
      where: { organizationId: input.organizationId, kind: OPERATIONAL, enabled: true, deletedAt: null },
      select: { id: true },
      orderBy: { id: 'asc' },
    });
    if (targets.length === 0) return [];
    const eventId = uuidv7(now.getTime());
    const body = JSON.stringify({ type: input.type, timestamp: now.toISOString(), data: input.data });
    await tx.event.create({ data: { id: eventId, organizationId: input.organizationId, documentationId: null, type: input.type, body, deliveryCount: targets.length, createdAt: now } });
    const deliveries = targets.map((t) => ({ deliveryId: uuidv7(now.getTime()), webhookId: t.id, eventId }));
    await tx.delivery.createMany({
      data: deliveries.map((d) => ({ id: d.deliveryId, eventId, webhookId: d.webhookId, status: 'pending' as const, nextAttemptAt: now, createdAt: now, updatedAt: now })),
    });
    return deliveries;
  });
}

/**
 * Webhooks failing continuously since before `failingBefore` and not yet
 * announced in this episode: marked announced and returned, so each episode
 * is announced once whichever worker claims it.
 */
export async function claimFailingWebhooks(db: Db, failingBefore: Date): Promise<string[]> {
  const rows = await db.prisma.$queryRaw<Array<{ id: string }>>`
    UPDATE webhooks SET failing_notified_at = now()
     WHERE kind <> ${OPERATIONAL} AND enabled AND deleted_at IS NULL AND failing_notified_at IS NULL AND failing_since < ${failingBefore}
     RETURNING id`;
  return rows.map((r) => r.id);
}

/** Webhooks announced as failing that have succeeded since (a success clears failing_since): claimed once. */
export async function claimRecoveredWebhooks(db: Db): Promise<string[]> {
  const rows = await db.prisma.$queryRaw<Array<{ id: string }>>`
    UPDATE webhooks SET failing_notified_at = NULL
     WHERE kind <> ${OPERATIONAL} AND deleted_at IS NULL AND failing_notified_at IS NOT NULL AND failing_since IS NULL
     RETURNING id`;
  return rows.map((r) => r.id);
}

export interface FailingWebhook {
  id: string;
  url: string;
  failingSince: Date;
  documentation: { id: string; slug: string; name: string };
}

/** The organization's enabled webhooks whose every attempt has failed since some time: the dashboard's banner. */
export async function listFailingWebhooks(db: Db, organizationId: string, limit = 100): Promise<FailingWebhook[]> {
  const rows = await db.prisma.webhook.findMany({
    where: { organizationId, kind: { not: OPERATIONAL }, enabled: true, deletedAt: null, failingSince: { not: null } },
    orderBy: { failingSince: 'asc' },
    take: limit,
    select: { id: true, url: true, failingSince: true, documentation: { select: { id: true, slug: true, name: true } } },
  });
  return rows.flatMap((row) => (row.documentation && row.failingSince ? [{ id: row.id, url: row.url, failingSince: row.failingSince, documentation: row.documentation }] : []));
}
