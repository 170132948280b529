import { createHmac } from 'node:crypto';
import { safeEqual } from './compare';

export const BUMP_SIGNATURE_HEADER = 'X-Bump-Signature-256';

const BUMP_HEADER_RE = /^sha256=([0-9a-fA-F]{64})$/;

function bumpDigest(secret: string, body: string | Buffer): Buffer {
  // Keyed with the whole `whsec_...` string as UTF-8 (not the decoded bytes):
  // that is what existing Bump receivers were told to do, e.g. in Ruby
  // `OpenSSL::HMAC.hexdigest("SHA256", secret, raw_body)`.
  return createHmac('sha256', secret).update(body).digest();
}

/** `sha256=<hex HMAC-SHA256(secret, body)>`, the X-Bump-Signature-256 value. */
export function signBump(secret: string, body: string | Buffer): string {
  return 'sha256=' + bumpDigest(secret, body).toString('hex');
}

/**
 * Checks an X-Bump-Signature-256 header against the raw request body.
 *
 * `body` must be the exact bytes received (not re-serialised JSON).
 * Never throws on attacker-controlled input; anything malformed is `false`.
 */
export function verifyBump(
  secret: string,
  body: string | Buffer,
  header: string | readonly string[] | undefined,
): boolean {
  // A repeated header is ambiguous; refuse rather than guess which one counts.
  const value = Array.isArray(header) ? (header.length === 1 ? header[0] : undefined) : header;
  if (typeof value !== 'string') return false;
  const match = BUMP_HEADER_RE.exec(value.trim());
  if (match === null) return false;
  // Comparing decoded bytes (not hex text) makes upper/lower-case hex equivalent.
  return safeEqual(Buffer.from(match[1]!, 'hex'), bumpDigest(secret, body));
}
