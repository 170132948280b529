import { SpanKind, SpanStatusCode, type Span, type Tracing } from '@hookline/telemetry';
import type { AttemptRecord } from '@hookline/db';

export interface TracedTask {
  deliveryId: string;
  webhookId: string;
  eventId: string;
  attemptNumber: number;
  manual: boolean;
  /** The ingest request's traceparent, from the job. */
  trace?: string;
}

/**
 * One span per attempt, a child of the ingest request's span through the
 * job's traceparent: the parent is whatever request created the delivery,
 * however long ago and on whichever host. A retry is another span in the
 * same trace. The host is recorded, not the URL: its path or query may hold
 * a receiver's token.
 */
export function startAttemptSpan(tracing: Tracing, task: TracedTask, url: string): Span {
  let host = '';
  try {
    host = new URL(url).host;
  } catch {
    // An unparsable URL fails the attempt; the span still says so.
  }
  return tracing.tracer.startSpan(
    'webhook.deliver',
    {
      kind: SpanKind.CLIENT,
      attributes: {
        'http.request.method': 'POST',
        'server.address': host,
        'hookline.delivery.id': task.deliveryId,
        'hookline.webhook.id': task.webhookId,
        'hookline.event.id': task.eventId,
        'hookline.attempt': task.attemptNumber,
        'hookline.manual': task.manual,
      },
    },
    tracing.contextFrom(task.trace),
  );
}

export function endAttemptSpan(span: Span, record: Pick<AttemptRecord, 'responseStatus' | 'errorKind' | 'nextStatus' | 'errorMessage'>): void {
  if (record.responseStatus !== null) span.setAttribute('http.response.status_code', record.responseStatus);
  span.setAttribute('hookline.outcome', record.nextStatus ?? 'failed');
  if (record.errorKind) {
    span.setAttribute('error.type', record.errorKind);
    span.setStatus({ code: SpanStatusCode.ERROR, message: record.errorMessage ?? record.errorKind });
  }
  span.end();
}
