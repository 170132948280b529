import { randomBytes } from 'node:crypto';

export const SECRET_PREFIX = 'whsec_';

/** 256-bit keys: SHA-256's security level, inside the 24–64 byte range the Standard Webhooks spec asks for. */
export const SECRET_BYTES = 32;

const BASE64_RE = /^[A-Za-z0-9+/]+={0,2}$/;

/** `whsec_` + base64 of 32 bytes from the CSPRNG. */
export function generateSecret(): string {
  return SECRET_PREFIX + randomBytes(SECRET_BYTES).toString('base64');
}

/**
 * True only for secrets in exactly the shape generateSecret() produces.
 * The canonical round-trip check matters because Buffer's base64 decoder is
 * lenient (it skips junk characters), so a mistyped secret would otherwise
 * decode "successfully" to a different key.
 */
export function isValidSecret(secret: unknown): secret is string {
  if (typeof secret !== 'string' || !secret.startsWith(SECRET_PREFIX)) return false;
  const encoded = secret.slice(SECRET_PREFIX.length);
  if (!BASE64_RE.test(encoded)) return false;
  const key = Buffer.from(encoded, 'base64');
  return key.length === SECRET_BYTES && key.toString('base64') === encoded;
}

// The worker signs many deliveries for the same few endpoints, so remember
// decoded keys instead of re-validating and re-decoding on every message.
// Bounded so a long-lived process with many endpoints cannot grow it forever.
const KEY_CACHE_MAX = 512;
const keyCache = new Map<string, Buffer>();

/**
 * HMAC key for the Standard Webhooks scheme: the base64 part after `whsec_`.
 *
 * Unlike isValidSecret this accepts any non-empty base64 key length (the
 * published test vector uses a 24-byte key) and tolerates a missing prefix,
 * as the reference libraries do, so receivers can paste the secret either way.
 * It throws rather than returning a wrong key: a bad secret is a configuration
 * error and must not look like a bad signature.
 */
export function standardKey(secret: string): Buffer {
  const cached = keyCache.get(secret);
  if (cached !== undefined) return cached;

  if (typeof secret !== 'string') throw new TypeError('Webhook secret must be a string');
  const encoded = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  if (!BASE64_RE.test(encoded) || encoded.length % 4 === 1) {
    throw new TypeError('Webhook secret is not valid base64 after the "whsec_" prefix');
  }
  const key = Buffer.from(encoded, 'base64');
  if (key.length === 0) throw new TypeError('Webhook secret decodes to an empty key');

  if (keyCache.size >= KEY_CACHE_MAX) {
    // Map iterates in insertion order, so this evicts the oldest entry.
    const oldest = keyCache.keys().next().value;
    if (oldest !== undefined) keyCache.delete(oldest);
  }
  keyCache.set(secret, key);
  return key;
}
