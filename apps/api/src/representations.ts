import type { DeliveryDetail, DeliverySummary, DocumentationRow, EventDetail, SecretBox, StoredWebhook } from '@hookline/db';
import { SECRET_PREFIX } from '@hookline/signing';
import type { Shape } from './openapi/types';

/**
 * What the API shows of each row: never a secret (except the explicit reveal), never organization ids.
 * Each view returns the shape openapi/components.ts publishes, checked by the compiler.
 */

const iso = (date: Date | null) => (date ? date.toISOString() : null);

export function documentationView(doc: DocumentationRow): Shape<'Documentation'> {
  return {
    id: doc.id,
    slug: doc.slug,
    name: doc.name,
    description: doc.description,
    humanUrl: doc.humanUrl,
    tags: doc.tags ?? [],
    createdAt: doc.createdAt.toISOString(),
    updatedAt: doc.updatedAt.toISOString(),
  };
}

/** `whsec_abcd…`: enough to tell two secrets apart, not enough to help guess one. */
export function maskSecret(secret: string): string {
  const body = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  return `${SECRET_PREFIX}${body.slice(0, 4)}…`;
}

export function webhookView(webhook: StoredWebhook, secretBox: SecretBox, now = new Date()): Shape<'Webhook'> {
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
    maxConcurrency: webhook.maxConcurrency,
    rateLimitPerSecond: webhook.rateLimitPerSecond,
    secretMasked: maskSecret(secretBox.open(webhook.secretEncrypted, webhook.id)),
    createdAt: webhook.createdAt.toISOString(),
    updatedAt: webhook.updatedAt.toISOString(),
    // Once past, the previous secret no longer signs: there is nothing to show.
    previousSecretExpiresAt: expires && expires > now ? expires.toISOString() : null,
    // When X-Bump-Signature-256 switches to the current secret unless activated sooner; null once it has.
    bumpSwitchesAt: expires && expires > now && webhook.bumpSignsPrevious ? expires.toISOString() : null,
  };
}

export function deliveryItemView(delivery: DeliverySummary): Shape<'DeliveryItem'> {
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
export function deliveryDetailView(delivery: DeliveryDetail): Shape<'DeliveryDetail'> {
  return {
    ...deliveryItemView(delivery),
    webhookId: delivery.webhookId,
    attemptCount: delivery.attempts,
    // Where it was last sent (the webhook's URL may have changed since); where it will go if never sent.
    request: { url: delivery.attemptLog.findLast((attempt) => attempt.url !== null)?.url ?? delivery.webhook.url, body: delivery.event.body },
    attempts: delivery.attemptLog.map((attempt) => ({
      id: attempt.id,
      trigger: attempt.trigger,
      at: attempt.attemptedAt.toISOString(),
      // JSON columns the worker wrote in these shapes.
      requestHeaders: attempt.requestHeaders as Shape<'Attempt'>['requestHeaders'],
      responseStatus: attempt.responseStatus,
      responseHeaders: attempt.responseHeaders as Shape<'Attempt'>['responseHeaders'],
      responseBody: attempt.responseBody,
      responseBodyEncoding: attempt.responseBodyEncoding as Shape<'Attempt'>['responseBodyEncoding'],
      reduced: attempt.reduced,
      // Attempts recorded before URLs were kept went to the URL of their day, which is unknown.
      url: attempt.url,
      durationMs: attempt.durationMs,
      error: attempt.errorKind ? { kind: attempt.errorKind, message: attempt.errorMessage } : null,
    })),
  };
}

export function eventView(event: EventDetail): Shape<'Event'> {
  return {
    id: event.id,
    // findEvent only returns events of a documentation (operational events have none).
    documentationId: event.documentationId!,
    type: event.type,
    createdAt: event.createdAt.toISOString(),
    // The exact bytes ingest stored after validating them against EventCreate.
    payload: JSON.parse(event.body) as Shape<'Event'>['payload'],
    deliveries: event.deliveries.map((delivery) => ({ ...deliveryItemView(delivery), webhookId: delivery.webhookId })),
  };
}
