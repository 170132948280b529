import type { DeliveryDetail, DeliverySummary, DocumentationRow, EventDetail, SecretBox, StoredWebhook } from '@hookline/db';
import { SECRET_PREFIX } from '@hookline/signing';

/** What the API shows of each row: never a secret (except the explicit reveal), never organization ids. */

const iso = (date: Date | null) => (date ? date.toISOString() : null);

export function documentationView(doc: DocumentationRow) {
  return {
    id: doc.id,
    slug: doc.slug,
    name: doc.name,
    description: doc.description,
    humanUrl: doc.humanUrl,
    createdAt: doc.createdAt.toISOString(),
    updatedAt: doc.updatedAt.toISOString(),
  };
}

/** `whsec_abcd…`: enough to tell two secrets apart, not enough to help guess one. */
export function maskSecret(secret: string): string {
  const body = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  return `${SECRET_PREFIX}${body.slice(0, 4)}…`;
}

export function webhookView(webhook: StoredWebhook, secretBox: SecretBox, now = new Date()) {
  const expires = webhook.previousSecretExpiresAt;
  return {
    id: webhook.id,
    documentationId: webhook.documentationId,
    url: webhook.url,
    description: webhook.description,
    enabled: webhook.enabled,
    disabledReason: webhook.disabledReason,
    disabledAt: iso(webhook.disabledAt),
    failingSince: iso(webhook.failingSince),
    breakingOnly: webhook.breakingOnly,
    secretMasked: maskSecret(secretBox.open(webhook.secretEncrypted, webhook.id)),
    createdAt: webhook.createdAt.toISOString(),
    updatedAt: webhook.updatedAt.toISOString(),
    // Once past, the previous secret no longer signs: there is nothing to show.
    previousSecretExpiresAt: expires && expires > now ? expires.toISOString() : null,
  };
}

export function deliveryItemView(delivery: DeliverySummary) {
  return {
    id: delivery.id,
    eventId: delivery.eventId,
    event: delivery.event.type,
    status: delivery.status,
    attempts: delivery.attempts,
    lastAttempt: delivery.lastAttemptAt
      ? { at: delivery.lastAttemptAt.toISOString(), statusCode: delivery.lastStatusCode, durationMs: delivery.lastDurationMs, error: delivery.lastError }
      : null,
    nextAttemptAt: iso(delivery.nextAttemptAt),
    createdAt: delivery.createdAt.toISOString(),
  };
}

/** The item plus the request and every attempt, oldest first; `attempts` becomes the list, `attemptCount` keeps the number. */
export function deliveryDetailView(delivery: DeliveryDetail) {
  return {
    ...deliveryItemView(delivery),
    webhookId: delivery.webhookId,
    attemptCount: delivery.attempts,
    request: { url: delivery.webhook.url, body: delivery.event.body },
    attempts: delivery.attemptLog.map((attempt) => ({
      id: attempt.id,
      trigger: attempt.trigger,
      at: attempt.attemptedAt.toISOString(),
      requestHeaders: attempt.requestHeaders,
      responseStatus: attempt.responseStatus,
      responseHeaders: attempt.responseHeaders,
      responseBody: attempt.responseBody,
      durationMs: attempt.durationMs,
      error: attempt.errorKind ? { kind: attempt.errorKind, message: attempt.errorMessage } : null,
    })),
  };
}

export function eventView(event: EventDetail) {
  return {
    id: event.id,
    documentationId: event.documentationId,
    type: event.type,
    createdAt: event.createdAt.toISOString(),
    payload: JSON.parse(event.body) as unknown,
    deliveries: event.deliveries.map((delivery) => ({ ...deliveryItemView(delivery), webhookId: delivery.webhookId })),
  };
}
