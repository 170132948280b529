import type { Db } from './client';
import { isUuid } from './ids';

export interface StoredWebhook {
  id: string;
  organizationId: string;
  documentationId: string;
  url: string;
  description: string | null;
  secretEncrypted: string;
  previousSecretEncrypted: string | null;
  previousSecretExpiresAt: Date | null;
  bumpSignsPrevious: boolean;
  enabled: boolean;
  disabledReason: string | null;
  disabledAt: Date | null;
  /** Since when every attempt has failed; null after a success. */
  failingSince: Date | null;
  breakingOnly: boolean;
  maxConcurrency: number | null;
  rateLimitPerSecond: number | null;
  createdAt: Date;
  updatedAt: Date;
  deletedAt: Date | null;
}

export interface NewWebhook {
  /** Chosen by the caller: the secret is sealed with the id as associated data before the row exists. */
  id: string;
  organizationId: string;
  documentationId: string;
  url: string;
  description?: string | null;
  breakingOnly?: boolean;
  maxConcurrency?: number | null;
  rateLimitPerSecond?: number | null;
  secretEncrypted: string;
}

export interface WebhookPatch {
  url?: string;
  description?: string | null;
  enabled?: boolean;
  breakingOnly?: boolean;
  maxConcurrency?: number | null;
  rateLimitPerSecond?: number | null;
}

/** Why a webhook is disabled when a person did it through the API (the worker writes its own reasons). */
export const DISABLED_BY_USER = 'disabled by user';

// Operational webhooks have routes of their own (operational-webhooks.ts); these functions never see them.
const live = (organizationId: string, id: string) => ({ id, organizationId, deletedAt: null, kind: 'documentation' });

/** A documentation's webhook: its documentation id is set (only operational webhooks have none). */
const asDocumentationWebhook = <T extends { documentationId: string | null }>(row: T) => row as T & { documentationId: string };

export async function createWebhook(db: Db, input: NewWebhook): Promise<StoredWebhook> {
  return asDocumentationWebhook(await db.prisma.webhook.create({
    data: {
      id: input.id,
      organizationId: input.organizationId,
      documentationId: input.documentationId,
      url: input.url,
      description: input.description ?? null,
      breakingOnly: input.breakingOnly ?? false,
      maxConcurrency: input.maxConcurrency ?? null,
      rateLimitPerSecond: input.rateLimitPerSecond ?? null,
      secretEncrypted: input.secretEncrypted,
    },
  }));
}

/** Live webhooks of one documentation (the webhooks-per-documentation quota). */
export function countWebhooks(db: Db, documentationId: string): Promise<number> {
  return db.prisma.webhook.count({ where: { documentationId, deletedAt: null } });
}

/** Deleted webhooks, and other organizations' ones, do not exist for the API. */
export async function findWebhook(db: Db, organizationId: string, id: string): Promise<StoredWebhook | null> {
  if (!isUuid(id)) return null;
  const row = await db.prisma.webhook.findFirst({ where: live(organizationId, id) });
  return row && asDocumentationWebhook(row);
}

export async function findWebhookWithDocumentation(db: Db, organizationId: string, id: string) {
  if (!isUuid(id)) return null;
  const row = await db.prisma.webhook.findFirst({ where: live(organizationId, id), include: { documentation: true } });
  return row?.documentation ? { ...row, documentationId: row.documentationId!, documentation: row.documentation } : null;
}

/** Oldest first (ids are UUIDv7); `cursor` is the last id of the previous page. */
export async function listWebhooks(
  db: Db,
  organizationId: string,
  documentationId: string,
  page: { limit: number; cursor?: string } = { limit: 100 },
): Promise<{ data: StoredWebhook[]; nextCursor: string | null }> {
  const rows = await db.prisma.webhook.findMany({
    where: { organizationId, documentationId, deletedAt: null, kind: 'documentation', ...(page.cursor ? { id: { gt: page.cursor } } : {}) },
    orderBy: { id: 'asc' },
    take: page.limit + 1,
  });
  const data = rows.slice(0, page.limit).map(asDocumentationWebhook);
  return { data, nextCursor: rows.length > page.limit ? data[data.length - 1]!.id : null };
}

export async function updateWebhook(db: Db, organizationId: string, id: string, patch: WebhookPatch, now = new Date()): Promise<StoredWebhook | null> {
  if (!isUuid(id)) return null;
  return db.prisma.$transaction(async (tx) => {
    const current = await tx.webhook.findFirst({ where: live(organizationId, id), select: { enabled: true } });
    if (!current) return null;
    const enabling = patch.enabled === true;
    // Disabling an already disabled webhook keeps the first reason (e.g. the receiver's 410).
    const disabling = patch.enabled === false && current.enabled;
    const updated = await tx.webhook.update({
      where: { id },
      data: {
        ...(patch.url !== undefined ? { url: patch.url } : {}),
        ...(patch.description !== undefined ? { description: patch.description } : {}),
        ...(patch.breakingOnly !== undefined ? { breakingOnly: patch.breakingOnly } : {}),
        ...(patch.maxConcurrency !== undefined ? { maxConcurrency: patch.maxConcurrency } : {}),
        ...(patch.rateLimitPerSecond !== undefined ? { rateLimitPerSecond: patch.rateLimitPerSecond } : {}),
        // Re-enabling starts the auto-disable window afresh.
        ...(enabling ? { enabled: true, disabledReason: null, disabledAt: null, failingSince: null, failingNotifiedAt: null } : {}),
        ...(disabling ? { enabled: false, disabledReason: DISABLED_BY_USER, disabledAt: now } : {}),
      },
    });
    return asDocumentationWebhook(updated);
  });
}

/**
 * Soft delete: the delivery history stays, the webhook disappears from the
 * API, and deliveries still waiting are cancelled. Returns the cancelled
 * delivery ids so the caller can remove their jobs, or null when not found.
 */
class AlreadyDeleted extends Error {}

export async function deleteWebhook(db: Db, organizationId: string, id: string, now = new Date()): Promise<{ cancelledDeliveryIds: string[] } | null> {
  if (!isUuid(id)) return null;
  if (!(await db.prisma.webhook.findFirst({ where: live(organizationId, id), select: { id: true } }))) return null;
  // Deliveries first, then the webhook: the order in which the attempt writer locks them,
  // so a delete racing an attempt's record waits for it instead of deadlocking.
  return db.prisma
    .$transaction(async (tx) => {
      const cancelled = await tx.delivery.updateManyAndReturn({
        where: { webhookId: id, status: { in: ['pending', 'retrying'] } },
        data: { status: 'cancelled', nextAttemptAt: null },
        select: { id: true },
      });
      const deleted = await tx.webhook.updateMany({ where: live(organizationId, id), data: { deletedAt: now, enabled: false } });
      // Deleted meanwhile by another request: roll the cancellations back, it answered for them.
      if (deleted.count === 0) throw new AlreadyDeleted();
      return { cancelledDeliveryIds: cancelled.map((d) => d.id) };
    })
    .catch((error: unknown) => {
      if (error instanceof AlreadyDeleted) return null;
      throw error;
    });
}

export type RotationResult = 'rotated' | 'not_found' | 'in_progress';

/**
 * Staged rotation. The current secret becomes the previous one: it goes on
 * signing X-Bump-Signature-256 (Bump receivers hold one secret) until the new
 * one is activated or `previousExpiresAt` passes, and webhook-signature
 * carries both meanwhile. Both are sealed with the webhook id as associated
 * data, so the ciphertext moves between the columns unchanged.
 *
 * One statement, conditional: while a rotation waits for activation another
 * one is refused, because it would drop the only secret Bump receivers have.
 * Of concurrent rotations one wins; the others see its row and change nothing.
 */
export async function rotateWebhookSecret(
  db: Db,
  organizationId: string,
  id: string,
  secretEncrypted: string,
  previousExpiresAt: Date,
  now = new Date(),
): Promise<RotationResult> {
  if (!isUuid(id)) return 'not_found';
  const count = await db.prisma.$executeRaw`
    UPDATE webhooks
       SET previous_secret_encrypted = secret_encrypted,
           secret_encrypted = ${secretEncrypted},
           previous_secret_expires_at = ${previousExpiresAt},
           bump_signs_previous = true,
           updated_at = now()
     WHERE id = ${id}::uuid AND organization_id = ${organizationId}::uuid AND deleted_at IS NULL
       AND NOT (bump_signs_previous AND previous_secret_expires_at > ${now})`;
  if (count === 1) return 'rotated';
  return (await findWebhook(db, organizationId, id)) ? 'in_progress' : 'not_found';
}

export type ActivationResult = 'activated' | 'not_found' | 'nothing_to_activate';

/** X-Bump-Signature-256 switches to the current secret now; webhook-signature keeps both until the overlap ends. */
export async function activateWebhookSecret(db: Db, organizationId: string, id: string, now = new Date()): Promise<ActivationResult> {
  if (!isUuid(id)) return 'not_found';
  const count = await db.prisma.$executeRaw`
    UPDATE webhooks SET bump_signs_previous = false, updated_at = now()
     WHERE id = ${id}::uuid AND organization_id = ${organizationId}::uuid AND deleted_at IS NULL
       AND bump_signs_previous AND previous_secret_expires_at > ${now}`;
  if (count === 1) return 'activated';
  return (await findWebhook(db, organizationId, id)) ? 'nothing_to_activate' : 'not_found';
}
