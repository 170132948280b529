import { uuidv7, type AttemptRecord, type DeliveryStatus } from '@hookline/db';
import { signDelivery } from '@hookline/signing';
import type { DeliverySources } from '../cache/delivery-sources';
import { signingSecrets } from '../cache/delivery-sources';
import type { WorkerMetrics } from '../metrics';
import type { AttemptWriter } from '../records/attempt-writer';
import type { DeliveryGate } from './delivery-gate';
import type { Tracing } from '@hookline/telemetry';
import { endAttemptSpan, startAttemptSpan } from './attempt-span';
import type { HttpClient, SendResult } from './http-client';
import { classifyOutcome } from './outcome';
import type { RetrySchedule } from './retry-schedule';

export interface DeliveryTask {
  deliveryId: string;
  webhookId: string;
  eventId: string;
  /** 1-based number of this attempt in the delivery's schedule. */
  attemptNumber: number;
  /** A redelivery asked for by a person: one attempt, outside the schedule. */
  manual: boolean;
  /** W3C traceparent of the ingest request (job data). */
  trace?: string;
  /**
   * Waits in the process for the turn a limit gave (the job's slot lent
   * meanwhile). False: the job goes back to the queue as delayed instead.
   */
  waitTurn?: (organizationId: string, ms: number) => Promise<boolean>;
}

export type DeliveryDecision =
  | { kind: 'done'; status: DeliveryStatus | null }
  | { kind: 'retry'; delayMs: number }
  | { kind: 'cancelled'; reason: string }
  /** Not attempted: a limit of the webhook or the tenant's share says not now. Costs no attempt. */
  | { kind: 'deferred'; delayMs: number; reason: string };

export interface DeliveryDeps {
  sources: DeliverySources;
  http: HttpClient;
  schedule: RetrySchedule;
  writer: AttemptWriter;
  gate: DeliveryGate;
  userAgent: string;
  cancel: (deliveryId: string) => Promise<void>;
  disableWebhook: (webhookId: string, reason: string) => Promise<void>;
  metrics?: WorkerMetrics;
  tracing?: Tracing;
  /** A delivery just ran out of attempts (operational notice). */
  onExhausted?: (webhookId: string, deliveryId: string) => Promise<void>;
  now?: () => number;
}

export const EVENT_HEADER = 'X-Bump-Event';

/**
 * The attempt could not start (loading the webhook or event failed: the
 * database is away). Nothing was sent, so it must not count as one of the
 * delivery's attempts.
 */
export class NotAttempted extends Error {
  constructor(cause: unknown) {
    super(`delivery not attempted: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'NotAttempted';
  }
}

/**
 * One attempt of one delivery: sign the stored body, POST it, classify the
 * answer, and record the attempt. Resolves only once the record is written,
 * so the caller may then complete or reschedule the job.
 */
export async function attemptDelivery(deps: DeliveryDeps, task: DeliveryTask): Promise<DeliveryDecision> {
  const now = deps.now ?? Date.now;
  let target: Deliverable;
  try {
    const [webhook, event, status] = await Promise.all([deps.sources.webhooks.get(task.webhookId), deps.sources.events.get(task.eventId), deps.sources.statuses.get(task.deliveryId)]);
    // A scheduled job for a delivery PostgreSQL says is finished is work Redis replayed: a promoted
    // replica that had not yet seen the job's completion, or an enqueue that arrived late. Never send it again.
    if (!task.manual && (status === 'succeeded' || status === 'exhausted' || status === 'cancelled')) return { kind: 'done', status: null };
    const checked = await deliverable(deps, task, webhook, event);
    if ('ended' in checked) return checked.ended;
    target = checked;
  } catch (error) {
    throw new NotAttempted(error);
  }

  let admission = await deps.gate.admit(target.webhook, task.deliveryId);
  while (!admission.admitted) {
    deps.metrics?.deferred(admission.reason);
    if (!task.waitTurn || !(await task.waitTurn(target.webhook.organizationId, admission.retryInMs))) {
      // Spread the returns so deferred jobs do not come back as one wave.
      return { kind: 'deferred', delayMs: Math.round(admission.retryInMs * (1 + Math.random() * 0.25)), reason: admission.reason };
    }
    // The turn came: the webhook may have been edited, disabled or deleted meanwhile (the cache hears of it).
    try {
      const checked = await deliverable(deps, task, await deps.sources.webhooks.get(task.webhookId), target.event);
      if ('ended' in checked) return checked.ended;
      target = checked;
    } catch (error) {
      throw new NotAttempted(error);
    }
    admission = await deps.gate.admit(target.webhook, task.deliveryId);
  }
  const { webhook, event } = target;

  const span = deps.tracing?.enabled ? startAttemptSpan(deps.tracing, task, webhook.url) : undefined;
  const attemptedAt = now();
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'user-agent': deps.userAgent,
    [EVENT_HEADER]: event.type,
    ...signDelivery({ deliveryId: task.deliveryId, timestamp: Math.floor(attemptedAt / 1000), body: event.body, ...signingSecrets(webhook, attemptedAt) }),
  };
  let result: SendResult;
  try {
    result = await deps.http.post(webhook.url, headers, event.body);
  } finally {
    admission.release(endpointHealthy(result!));
  }
  const outcome = classifyOutcome(result, now());

  let nextStatus: DeliveryStatus | null;
  let nextAttemptAt: Date | null = null;
  let decision: DeliveryDecision;
  if (outcome.kind === 'succeeded') {
    nextStatus = 'succeeded';
    decision = { kind: 'done', status: nextStatus };
  } else if (task.manual) {
    // A failed redelivery neither reopens a finished delivery nor ends a scheduled one.
    nextStatus = null;
    decision = { kind: 'done', status: null };
  } else {
    const delayMs = outcome.kind === 'retry' ? deps.schedule.delayAfter(task.attemptNumber, outcome.retryAfterMs) : null;
    if (delayMs === null) {
      nextStatus = 'exhausted';
      decision = { kind: 'done', status: nextStatus };
    } else {
      nextStatus = 'retrying';
      nextAttemptAt = new Date(attemptedAt + result.durationMs + delayMs);
      decision = { kind: 'retry', delayMs };
    }
  }

  const record: AttemptRecord = {
    id: uuidv7(attemptedAt),
    deliveryId: task.deliveryId,
    trigger: task.manual ? 'manual' : 'scheduled',
    attemptedAt: new Date(attemptedAt),
    requestHeaders: headers,
    responseStatus: result.statusCode,
    responseHeaders: result.headers,
    responseBody: result.body,
    responseBodyEncoding: result.bodyEncoding,
    url: webhook.url,
    durationMs: result.durationMs,
    errorKind: result.errorKind ?? (outcome.kind === 'succeeded' ? null : httpErrorKind(result.statusCode)),
    errorMessage: result.errorMessage ?? (outcome.kind === 'final' ? outcome.reason : null),
    nextStatus,
    nextAttemptAt,
  };
  await (span ? deps.writer.record(record).finally(() => endAttemptSpan(span, record)) : deps.writer.record(record));
  deps.metrics?.attempt(nextStatus ?? 'failed', record.errorKind, result.statusCode, result.durationMs);
  if (outcome.kind === 'final' && outcome.disableWebhook) await deps.disableWebhook(task.webhookId, outcome.disableWebhook);
  if (nextStatus === 'exhausted') await deps.onExhausted?.(task.webhookId, task.deliveryId);
  return decision;
}

type LoadedWebhook = Awaited<ReturnType<DeliverySources['webhooks']['get']>>;
type LoadedEvent = Awaited<ReturnType<DeliverySources['events']['get']>>;
interface Deliverable {
  webhook: NonNullable<LoadedWebhook>;
  event: NonNullable<LoadedEvent>;
}

/** What to deliver, or the delivery cancelled without an attempt: the webhook is gone, or disabled for a scheduled delivery. */
async function deliverable(deps: DeliveryDeps, task: DeliveryTask, webhook: LoadedWebhook, event: LoadedEvent): Promise<Deliverable | { ended: DeliveryDecision }> {
  if (!webhook || webhook.deleted || !event) {
    await deps.cancel(task.deliveryId);
    deps.metrics?.cancelled('webhook deleted');
    return { ended: { kind: 'cancelled', reason: 'webhook deleted' } };
  }
  // A test ping or a person's redelivery still goes to a disabled webhook: that is how it is checked before re-enabling.
  if (!webhook.enabled && event.type !== 'ping' && !task.manual) {
    await deps.cancel(task.deliveryId);
    deps.metrics?.cancelled('webhook disabled');
    return { ended: { kind: 'cancelled', reason: 'webhook disabled' } };
  }
  return { webhook, event };
}

function httpErrorKind(status: number | null): string | null {
  if (status === null) return null;
  if (status >= 300 && status < 400) return 'redirect_not_followed';
  return 'http_status';
}

/** Whether the endpoint itself looked healthy: a 4xx other than 429 is an answer, not an outage. */
function endpointHealthy(result: SendResult | undefined): boolean {
  if (!result || result.statusCode === null) return false;
  return result.statusCode < 500 && result.statusCode !== 429;
}
