/** What one attempt amounted to, before the retry schedule is applied. */
export type Outcome =
  | { kind: 'succeeded' }
  /** Will not get better by retrying: the delivery ends now. */
  | { kind: 'final'; reason: string; disableWebhook?: string }
  | { kind: 'retry'; retryAfterMs?: number };

export interface AttemptResult {
  statusCode: number | null;
  headers: Record<string, string | string[]> | null;
  errorKind: string | null;
}

/** Seconds or an HTTP date; anything else is ignored. */
export function parseRetryAfter(value: string | string[] | undefined, now = Date.now()): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (!text) return undefined;
  if (/^\d+$/.test(text.trim())) return Number(text.trim()) * 1000;
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

export function classifyOutcome(result: AttemptResult, now = Date.now()): Outcome {
  if (result.errorKind === 'address_refused') {
    return { kind: 'final', reason: 'the destination address is not allowed (DELIVERY_ALLOWED_CIDRS)' };
  }
  if (result.errorKind === 'invalid_url') return { kind: 'final', reason: 'the webhook URL cannot be requested' };
  const status = result.statusCode;
  if (status === null) return { kind: 'retry' };
  if (status >= 200 && status < 300) return { kind: 'succeeded' };
  if (status === 410) {
    return { kind: 'final', reason: 'the endpoint answered 410 Gone', disableWebhook: 'The endpoint answered 410 Gone: it asked not to receive more deliveries.' };
  }
  if (status === 429 || status === 503) {
    return { kind: 'retry', retryAfterMs: parseRetryAfter(result.headers?.['retry-after'], now) };
  }
  return { kind: 'retry' };
}
