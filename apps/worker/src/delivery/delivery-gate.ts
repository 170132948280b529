import type { FairShare } from './fair-share';
import type { WebhookLimits, WebhookLimitSettings } from './webhook-limits';

/** Waits up to this long are spent holding the slot; longer ones go back to the queue as delayed. */
const SHORT_WAIT_MS = 50;
const MAX_LOCAL_TRIES = 5;

export interface GatedWebhook extends WebhookLimitSettings {
  organizationId: string;
}

export type GateDecision =
  | { admitted: true; release: (succeeded: boolean) => void }
  | { admitted: false; retryInMs: number; reason: 'busy' | 'circuit_open' | 'rate_limited' | 'fair_share' };

/**
 * Whether an attempt may start now. Three gates, cheapest first: the
 * organization's fair share of this worker's slots, the webhook's share of
 * them (both local), then the webhook's deployment-wide limits (Redis). A refused attempt is not made:
 * the caller puts the job back as delayed for the time given, which costs no
 * attempt. Failure state belongs to the webhook, never to its host: many
 * tenants share one SaaS receiver, and one tenant's failing webhook must not
 * hold back the others. There is no per-host cap: hosts cost nothing (ports,
 * subdomains), so it would stop no one, and it would make tenants sharing a
 * receiver wait on each other; the tenant share bounds what one tenant takes.
 */
export class DeliveryGate {
  constructor(
    private readonly tenants: FairShare,
    private readonly webhooks: FairShare,
    private readonly limits: WebhookLimits,
  ) {}

  async admit(webhook: GatedWebhook, jobId: string): Promise<GateDecision> {
    const tenantSlot = this.tenants.admit(webhook.organizationId);
    if (!tenantSlot.admitted) return tenantSlot;
    const webhookSlot = this.webhooks.admit(webhook.id);
    if (!webhookSlot.admitted) {
      tenantSlot.release();
      return webhookSlot;
    }
    const slot = { release: () => (webhookSlot.release(), tenantSlot.release()) };
    let limit: Awaited<ReturnType<WebhookLimits['admit']>>;
    try {
      limit = await this.limits.admit(webhook, jobId);
      // A wait of a few ms (a fast endpoint at its cap, a high rate limit) is cheaper waited out here
      // than a trip through the delayed set: one more script call instead of moving and fetching the job.
      for (let tries = 0; !limit.admitted && limit.reason !== 'circuit_open' && limit.retryInMs <= SHORT_WAIT_MS && tries < MAX_LOCAL_TRIES; tries++) {
        await new Promise((resolve) => setTimeout(resolve, limit.admitted ? 0 : limit.retryInMs));
        limit = await this.limits.admit(webhook, jobId);
      }
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
