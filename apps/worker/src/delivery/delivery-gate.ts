import type { FairShare } from './fair-share';
import type { DeliverySlots } from './parking';
import type { WebhookLimits, WebhookLimitSettings } from './webhook-limits';

export interface GatedWebhook extends WebhookLimitSettings {
  organizationId: string;
}

export type GateDecision =
  | { admitted: true; release: (succeeded: boolean) => void }
  | { admitted: false; retryInMs: number; reason: 'busy' | 'circuit_open' | 'rate_limited' | 'fair_share' };

/**
 * Whether an attempt may start now. A free delivery slot of this worker,
 * then three gates, cheapest first: the organization's fair share of the
 * slots, the webhook's share of them (both local), then the webhook's
 * deployment-wide limits (Redis). A refused attempt is not made: the caller
 * waits the time given (in the process, or back in the queue as delayed),
 * which costs no attempt. Failure state belongs to the webhook, never to its host: many
 * tenants share one SaaS receiver, and one tenant's failing webhook must not
 * hold back the others. There is no per-host cap: hosts cost nothing (ports,
 * subdomains), so it would stop no one, and it would make tenants sharing a
 * receiver wait on each other; the tenant share bounds what one tenant takes.
 */
export class DeliveryGate {
  constructor(
    private readonly slots: DeliverySlots,
    private readonly tenants: FairShare,
    private readonly webhooks: FairShare,
    private readonly limits: WebhookLimits,
  ) {}

  async admit(webhook: GatedWebhook, jobId: string): Promise<GateDecision> {
    const deliverySlot = await this.slots.acquire();
    const tenantSlot = this.tenants.admit(webhook.organizationId);
    if (!tenantSlot.admitted) {
      deliverySlot();
      return tenantSlot;
    }
    const webhookSlot = this.webhooks.admit(webhook.id);
    if (!webhookSlot.admitted) {
      tenantSlot.release();
      deliverySlot();
      return webhookSlot;
    }
    const slot = { release: () => (webhookSlot.release(), tenantSlot.release(), deliverySlot()) };
    let limit: Awaited<ReturnType<WebhookLimits['admit']>>;
    try {
      limit = await this.limits.admit(webhook, jobId);
    } catch (error) {
      slot.release();
      throw error;
    }
    if (!limit.admitted) {
      slot.release();
      return limit;
    }
    return {
      admitted: true,
      release: (succeeded) => {
        limit.release(succeeded);
        slot.release();
      },
    };
  }
}
