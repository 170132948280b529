import type { z } from 'zod';
import type { components } from './components';

/**
 * The HTTP shapes as TypeScript types, derived from the schemas that
 * /openapi.json publishes: representations.ts builds them and the dashboard
 * reads them (type-only imports), so the three cannot drift apart.
 */
export type Shape<Name extends keyof typeof components> = z.output<(typeof components)[Name]>;

export type Documentation = Shape<'Documentation'>;
export type Webhook = Shape<'Webhook'>;
export type CreatedWebhook = Shape<'WebhookCreated'>;
export type NewWebhook = z.input<(typeof components)['WebhookCreate']>;
export type WebhookPatch = z.input<(typeof components)['WebhookUpdate']>;
export type DeliveryItem = Shape<'DeliveryItem'>;
export type DeliveryStatus = DeliveryItem['status'];
export type Attempt = Shape<'Attempt'>;
export type DeliveryDetail = Shape<'DeliveryDetail'>;
export type Event = Shape<'Event'>;
export type WebhookStats = Shape<'WebhookStats'>;
export type HourlyStats = WebhookStats['buckets'][number];
export type RecoveryCount = Shape<'RecoveryCount'>;
export type RecoveryAccepted = Shape<'RecoveryAccepted'>;
export type TestAccepted = Shape<'TestAccepted'>;
export type Problem = Shape<'Problem'>;
export type FieldError = NonNullable<Problem['errors']>[number];
export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}
