import { signBump } from './bump';
import { standardKey } from './secret';
import { signStandardWithKeys } from './standard';

export interface SignDeliveryInput {
  deliveryId: string;
  /** Unix time in seconds. */
  timestamp: number;
  body: string | Buffer;
  secret: string;
  /** Still-valid secret during a rotation window; null/undefined when none. */
  previousSecret?: string | null;
  /** The secret X-Bump-Signature-256 is keyed with (default: `secret`); the previous one until a rotation is activated. */
  bumpSecret?: string;
}

// A type alias rather than an interface so it stays assignable to plain
// header records (Record<string, string>, fetch HeadersInit, HeaderSource).
export type DeliveryHeaders = {
  'X-Bump-Signature-256': string;
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
};

/**
 * All signature headers for one outgoing delivery.
 *
 * Bump receivers know one secret and check one signature, so
 * X-Bump-Signature-256 is keyed with `bumpSecret`, the one they hold;
 * webhook-signature lists current then previous so receivers that have not
 * switched yet keep verifying during a rotation.
 */
export function signDelivery({
  deliveryId,
  timestamp,
  body,
  secret,
  previousSecret,
  bumpSecret,
}: SignDeliveryInput): DeliveryHeaders {
  const keys = previousSecret ? [standardKey(secret), standardKey(previousSecret)] : [standardKey(secret)];
  return {
    'X-Bump-Signature-256': signBump(bumpSecret ?? secret, body),
    'webhook-id': deliveryId,
    'webhook-timestamp': String(timestamp),
    // Also rejects non-integer timestamps, which String() above would have
    // rendered in a form receivers cannot parse.
    'webhook-signature': signStandardWithKeys(deliveryId, timestamp, body, keys),
  };
}
