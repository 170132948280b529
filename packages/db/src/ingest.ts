import { createHash } from 'node:crypto';
import type { Db } from './client';
import { uuidv7 } from './ids';
import { Prisma } from './generated/prisma/client';

export const IDEMPOTENCY_WINDOW_MS = 24 * 60 * 60 * 1000;

export interface IngestInput {
  organizationId: string;
  documentation: { id: string; slug: string; name: string; description: string | null; humanUrl: string | null; createdAt: Date; updatedAt: Date };
  type: 'documentation.structure_change' | 'ping';
  diff: { breaking?: boolean } & Record<string, unknown>;
  version?: string | null;
  /** Only these webhooks (Test webhook); otherwise every enabled, matching webhook of the documentation. */
  webhookIds?: string[];
  idempotencyKey?: string;
}

export interface QueuedDelivery {
  deliveryId: string;
  webhookId: string;
  eventId: string;
}

export type IngestResult =
  | { kind: 'created'; eventId: string; deliveries: QueuedDelivery[] }
  | { kind: 'replayed'; eventId: string; deliveryCount: number }
  | { kind: 'conflict' };

/** The `api` half of the payload: the documentation as it is when the change is reported. */
export function apiSnapshot(doc: IngestInput['documentation'], version: string | null | undefined) {
  return {
    id: doc.id,
    name: doc.name,
    description: doc.description,
    slug: doc.slug,
    humanUrl: doc.humanUrl,
    version: version ?? null,
    created: doc.createdAt.toISOString(),
    modified: doc.updatedAt.toISOString(),
  };
}

export function requestHash(documentationId: string, diff: unknown, version: string | null | undefined): string {
  return createHash('sha256').update(JSON.stringify([documentationId, diff, version ?? null])).digest('hex');
}

/**
 * The transactional outbox: the event and one delivery row per target webhook
 * commit together; the caller enqueues the returned deliveries afterwards, and
 * the reconciler re-enqueues any that never reach Redis.
 */
export async function ingestEvent(db: Db, input: IngestInput, now = new Date()): Promise<IngestResult> {
  const hash = input.idempotencyKey ? requestHash(input.documentation.id, input.diff, input.version) : null;
  try {
    return await db.prisma.$transaction(async (tx) => {
      if (input.idempotencyKey) {
        const previous = await tx.event.findUnique({
          where: { organizationId_idempotencyKey: { organizationId: input.organizationId, idempotencyKey: input.idempotencyKey } },
          select: { id: true, requestHash: true, deliveryCount: true, createdAt: true },
        });
        if (previous && now.getTime() - previous.createdAt.getTime() < IDEMPOTENCY_WINDOW_MS) {
          return previous.requestHash === hash
            ? { kind: 'replayed' as const, eventId: previous.id, deliveryCount: previous.deliveryCount }
            : { kind: 'conflict' as const };
        }
        // An expired key may be used again: the old event keeps its history, not its key.
        if (previous) await tx.event.update({ where: { id: previous.id }, data: { idempotencyKey: null } });
      }

      const breaking = input.diff.breaking === true;
      const webhooks = await tx.webhook.findMany({
        where: {
          documentationId: input.documentation.id,
          deletedAt: null,
          ...(input.webhookIds ? { id: { in: input.webhookIds } } : { enabled: true, ...(breaking ? {} : { breakingOnly: false }) }),
        },
        select: { id: true },
      });

      const eventId = uuidv7(now.getTime());
      const body = JSON.stringify({ api: apiSnapshot(input.documentation, input.version), diff: input.diff });
      await tx.event.create({
        data: {
          id: eventId,
          organizationId: input.organizationId,
          documentationId: input.documentation.id,
          type: input.type,
          body,
          idempotencyKey: input.idempotencyKey ?? null,
          requestHash: hash,
          deliveryCount: webhooks.length,
          createdAt: now,
        },
      });
      const deliveries = webhooks.map((w) => ({ deliveryId: uuidv7(now.getTime()), webhookId: w.id, eventId }));
      if (deliveries.length > 0) {
        await tx.delivery.createMany({
          data: deliveries.map((d) => ({ id: d.deliveryId, eventId, webhookId: d.webhookId, status: 'pending', nextAttemptAt: now, createdAt: now })),
        });
      }
      return { kind: 'created' as const, eventId, deliveries };
    });
  } catch (error) {
    // Two requests with the same new key raced; the loser answers like a replay.
    if (input.idempotencyKey && error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') {
      return ingestEvent(db, input, now);
    }
    throw error;
  }
}
