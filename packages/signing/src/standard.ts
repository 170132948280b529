import { createHmac } from 'node:crypto';
import { safeEqual } from './compare';
import { standardKey } from './secret';

export const WEBHOOK_ID_HEADER = 'webhook-id';
export const WEBHOOK_TIMESTAMP_HEADER = 'webhook-timestamp';
export const WEBHOOK_SIGNATURE_HEADER = 'webhook-signature';

/** Default replay window, as recommended by the Standard Webhooks spec. */
export const DEFAULT_TOLERANCE_SECONDS = 5 * 60;

export type WebhookVerificationReason =
  | 'missing_header'
  | 'invalid_timestamp'
  | 'timestamp_too_old'
  | 'timestamp_in_future'
  | 'no_matching_signature';

/**
 * Thrown for requests that fail verification. Receivers should answer these
 * with 4xx; any other error (e.g. a malformed configured secret) is a server
 * problem and is deliberately a different type.
 */
export class WebhookVerificationError extends Error {
  readonly reason: WebhookVerificationReason;

  constructor(reason: WebhookVerificationReason, message: string) {
    super(message);
    this.name = 'WebhookVerificationError';
    this.reason = reason;
  }
}

export type HeaderValue = string | readonly string[] | undefined;

/**
 * Node/Express `req.headers`, any plain record, or a fetch `Headers` object
 * (Next.js, Hono, Workers) so receivers do not have to convert.
 */
export type HeaderSource =
  | Readonly<Record<string, HeaderValue>>
  | { get(name: string): string | null };

export interface SignStandardInput {
  id: string;
  /** Unix time in seconds. */
  timestamp: number;
  body: string | Buffer;
  /** Current secret first; during rotation also the previous one. */
  secrets: readonly string[];
}

export interface VerifyStandardInput {
  secret: string;
  headers: HeaderSource;
  /** Exact raw bytes of the request body. */
  body: string | Buffer;
  toleranceSeconds?: number;
  /** Current time in milliseconds (Date.now() units); injectable for tests. */
  now?: number;
}

export interface VerifiedWebhook {
  id: string;
  /** Unix time in seconds, from webhook-timestamp. */
  timestamp: number;
}

function digest(key: Buffer, id: string, timestamp: string, body: string | Buffer): Buffer {
  // Feed the parts separately instead of building `${id}.${ts}.${body}`:
  // bodies can be large and concatenation would copy every one of them.
  return createHmac('sha256', key)
    .update(id)
    .update('.')
    .update(timestamp)
    .update('.')
    .update(body)
    .digest();
}

// 9999-12-31T23:59:59Z. Anything larger is almost certainly Date.now()
// milliseconds passed by mistake, which every receiver would reject as
// "in the future" — better to fail loudly at the sender.
const MAX_UNIX_SECONDS = 253_402_300_799;

function timestampString(timestamp: number): string {
  // Fractions would be signed as e.g. "1614265330.5", which receivers parsing
  // integer seconds can never reproduce.
  if (!Number.isSafeInteger(timestamp) || timestamp < 0 || timestamp > MAX_UNIX_SECONDS) {
    throw new RangeError(`webhook timestamp must be a non-negative integer of Unix seconds, got ${timestamp}`);
  }
  return String(timestamp);
}

/** Precomputed-key variant used by signDelivery to avoid re-decoding. */
export function signStandardWithKeys(
  id: string,
  timestamp: number,
  body: string | Buffer,
  keys: readonly Buffer[],
): string {
  const ts = timestampString(timestamp);
  let out = '';
  for (const key of keys) {
    if (out !== '') out += ' ';
    out += 'v1,' + digest(key, id, ts, body).toString('base64');
  }
  return out;
}

/** The `webhook-signature` value: one `v1,<base64>` entry per secret, space-separated. */
export function signStandard({ id, timestamp, body, secrets }: SignStandardInput): string {
  if (secrets.length === 0) throw new TypeError('signStandard needs at least one secret');
  return signStandardWithKeys(id, timestamp, body, secrets.map(standardKey));
}

function readHeader(headers: HeaderSource, name: string): HeaderValue {
  if (typeof (headers as { get?: unknown }).get === 'function') {
    return (headers as { get(name: string): string | null }).get(name) ?? undefined;
  }
  const record = headers as Readonly<Record<string, HeaderValue>>;
  // Node already lower-cases incoming header names, so this is the common hit.
  const direct = record[name];
  if (direct !== undefined) return direct;
  for (const key of Object.keys(record)) {
    if (key.toLowerCase() === name) return record[key];
  }
  return undefined;
}

function requireHeader(headers: HeaderSource, name: string, join: string | null): string {
  const raw = readHeader(headers, name);
  let value: string | undefined;
  if (typeof raw === 'string') value = raw;
  // Repeated id/timestamp headers: pick the first. That is safe because the
  // signature must still match the chosen value. Repeated signature headers
  // are merged so that any entry in any of them can match.
  else if (Array.isArray(raw)) value = join === null ? raw[0] : raw.join(join);
  if (value === undefined || value.trim() === '') {
    throw new WebhookVerificationError('missing_header', `Missing required header ${name}`);
  }
  return value.trim();
}

/**
 * Verifies a Standard Webhooks request and returns its id and timestamp.
 * Throws WebhookVerificationError (with a `reason`) when the request must be
 * rejected. Use the returned id to de-duplicate retries.
 */
export function verifyStandard({
  secret,
  headers,
  body,
  toleranceSeconds = DEFAULT_TOLERANCE_SECONDS,
  now = Date.now(),
}: VerifyStandardInput): VerifiedWebhook {
  // NaN would make every window comparison false, i.e. accept any timestamp.
  if (!Number.isFinite(toleranceSeconds) || toleranceSeconds < 0) {
    throw new RangeError('toleranceSeconds must be a non-negative finite number');
  }
  if (!Number.isFinite(now)) throw new RangeError('now must be a finite number of milliseconds');

  // Decode first so a misconfigured secret surfaces as a config error on
  // every request, not only on requests that happen to have all headers.
  const key = standardKey(secret);

  const id = requireHeader(headers, WEBHOOK_ID_HEADER, null);
  const tsHeader = requireHeader(headers, WEBHOOK_TIMESTAMP_HEADER, null);
  const signatureHeader = requireHeader(headers, WEBHOOK_SIGNATURE_HEADER, ' ');

  // Strict digits only: parseInt would accept "1614265330abc" or "1e9".
  if (!/^\d{1,15}$/.test(tsHeader)) {
    throw new WebhookVerificationError('invalid_timestamp', 'webhook-timestamp is not Unix seconds');
  }
  const timestamp = Number(tsHeader);
  const nowSeconds = Math.floor(now / 1000);
  // Both directions: a far-future timestamp would otherwise stay replayable
  // for as long as it remains "in the future".
  if (nowSeconds - timestamp > toleranceSeconds) {
    throw new WebhookVerificationError('timestamp_too_old', 'webhook-timestamp is too old');
  }
  if (timestamp - nowSeconds > toleranceSeconds) {
    throw new WebhookVerificationError('timestamp_in_future', 'webhook-timestamp is too far in the future');
  }

  // Sign over the header text as received: that is what the sender signed.
  const expected = Buffer.from(digest(key, id, tsHeader, body).toString('base64'));
  let matched = false;
  for (const entry of signatureHeader.split(/\s+/)) {
    const comma = entry.indexOf(',');
    // Unknown versions (v1a, v2, ...) are skipped, not errors, so senders can
    // add new schemes alongside v1 without breaking existing receivers.
    if (comma === -1 || entry.slice(0, comma) !== 'v1') continue;
    // No early exit: keep the work independent of which entry matched.
    if (safeEqual(Buffer.from(entry.slice(comma + 1)), expected)) matched = true;
  }
  if (!matched) {
    throw new WebhookVerificationError('no_matching_signature', 'No matching webhook-signature entry');
  }
  return { id, timestamp };
}
