import { claimFailingWebhooks, claimRecoveredWebhooks, emitOperationalEvent, loadNoticeSubjects, type Db, type OperationalEventType, type WebhookNoticeSubject } from '@hookline/db';
import type { DeliveryQueue } from '@hookline/queue';
import type { Logger } from '@hookline/telemetry';

export interface OperationalNoticesOptions {
  db: Db;
  queue: DeliveryQueue;
  logger: Logger;
  /** webhook.failing is sent once a webhook has failed continuously for this long. */
  failingAfterMs: number;
}

/**
 * Tells an organization's operational webhooks about its webhooks' trouble:
 * webhook.disabled, webhook.failing (once per failing episode),
 * webhook.recovered (the first success after a webhook.failing) and
 * delivery.exhausted. Each is an event with one delivery per operational
 * webhook, through the same outbox, queue and signed, retried, recorded
 * pipeline as any delivery. A notice that cannot be written is logged; it
 * never fails the delivery that caused it.
 */
export class OperationalNotices {
  constructor(private readonly options: OperationalNoticesOptions) {}

  webhooksDisabled(webhookIds: string[]): Promise<void> {
    return this.notify('webhook.disabled', webhookIds, (subject) => ({ reason: subject.disabledReason }));
  }

  deliveryExhausted(webhookId: string, deliveryId: string): Promise<void> {
    return this.notify('delivery.exhausted', [webhookId], () => ({ deliveryId }));
  }

  /** One pass over failing and recovered webhooks (claimed atomically, so any worker may run it). */
  async checkEpisodes(now = Date.now()): Promise<void> {
    const { db, failingAfterMs } = this.options;
    const failing = await claimFailingWebhooks(db, new Date(now - failingAfterMs));
    await this.notify('webhook.failing', failing, (subject) => ({ failingSince: subject.failingSince?.toISOString() ?? null }));
    const recovered = await claimRecoveredWebhooks(db);
    await this.notify('webhook.recovered', recovered, () => ({}));
  }

  private async notify(type: OperationalEventType, webhookIds: string[], extra: (subject: WebhookNoticeSubject) => Record<string, unknown>): Promise<void> {
    const { db, queue, logger } = this.options;
    if (webhookIds.length === 0) return;
    try {
      for (const subject of await loadNoticeSubjects(db, webhookIds)) {
        const data = { webhookId: subject.id, url: subject.url, documentation: subject.documentation, ...extra(subject) };
        const deliveries = await emitOperationalEvent(db, { organizationId: subject.organizationId, type, data });
        // Committed: if Redis fails now, the reconciler enqueues them.
        await queue.enqueue(deliveries).catch((error: unknown) => logger.warn('operational deliveries not enqueued; the reconciler will', { type, err: error }));
      }
    } catch (error) {
      logger.warn('operational notice not written', { type, webhookIds, err: error });
    }
  }
}
