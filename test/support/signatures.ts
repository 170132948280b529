import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { Webhook } from 'standardwebhooks';

/**
 * Both signatures of a delivery, checked the way a receiver would, and
 * independently of @hookline/signing: Bump's header with node:crypto, the
 * Standard Webhooks headers with the `standardwebhooks` library.
 */
export function checkSignatures(secret: string, headers: IncomingHttpHeaders, body: Buffer): { bump: boolean; standard: boolean } {
  const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(body).digest('hex')}`);
  const header = headers['x-bump-signature-256'];
  const given = Buffer.from(typeof header === 'string' ? header : '');
  const bump = expected.length === given.length && timingSafeEqual(expected, given);
  let standard = true;
  try {
    new Webhook(secret).verify(body.toString('utf8'), headers as Record<string, string>);
  } catch {
    standard = false;
  }
  return { bump, standard };
}
