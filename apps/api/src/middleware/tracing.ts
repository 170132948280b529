import type { RequestHandler, Response } from 'express';
import { SpanKind, SpanStatusCode, type Span, type Tracing } from '@hookline/telemetry';

const SPAN = Symbol('hookline.span');

/**
 * A server span per request, a child of the caller's `traceparent` when it
 * sends one. Kept on the response rather than in an async context, so the
 * route that enqueues can hand it to the job whatever the body parser did to
 * the async chain. Installed only when tracing is on.
 */
export function traceRequests(tracing: Tracing): RequestHandler {
  return (req, res, next) => {
    const parent = tracing.contextFrom(req.get('traceparent'), req.get('tracestate'));
    const span = tracing.tracer.startSpan(req.method, { kind: SpanKind.SERVER, attributes: { 'http.request.method': req.method, 'url.path': req.originalUrl.split('?')[0] } }, parent);
    (res.locals as Record<symbol, Span>)[SPAN] = span;
    res.once('close', () => {
      const route = (req.route as { path?: string } | undefined)?.path;
      if (typeof route === 'string') {
        span.updateName(`${req.method} ${route}`);
        span.setAttribute('http.route', route);
      }
      span.setAttribute('http.response.status_code', res.statusCode);
      if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    });
    next();
  };
}

/** The `traceparent` a job enqueued by this request carries, so its attempts are children of the request's span. */
export function requestTraceparent(tracing: Tracing, res: Response): string | undefined {
  const span = (res.locals as Record<symbol, Span | undefined>)[SPAN];
  return span ? tracing.traceparentOf(span) : undefined;
}
