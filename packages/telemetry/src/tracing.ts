import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Attributes, type Context, type Span, type TextMapGetter, type TextMapSetter, type Tracer } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtobufExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AlwaysOffSampler, AlwaysOnSampler, BasicTracerProvider, BatchSpanProcessor, ParentBasedSampler, TraceIdRatioBasedSampler, type Sampler } from '@opentelemetry/sdk-trace-base';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import type { TracingConfig } from './tracing-env';

export { SpanKind, SpanStatusCode, type Attributes, type Span };

/**
 * What the apps use to trace. Spans are parented explicitly (from a request's
 * headers, from a job's `trace` field), never through an ambient context, so
 * no context manager or global provider is installed and an API and a worker
 * can each have their own in one process.
 */
export interface Tracing {
  /** False when OTEL_EXPORTER_OTLP_ENDPOINT is unset: callers skip span work entirely. */
  readonly enabled: boolean;
  readonly tracer: Tracer;
  /** The context a W3C `traceparent` (with its optional `tracestate`) names; the root context without one. */
  contextFrom(traceparent: string | undefined, tracestate?: string): Context;
  /** The `traceparent` that makes later spans children of `span`. */
  traceparentOf(span: Span): string | undefined;
  /** Sends what is buffered (tests; shutdown). */
  flush(): Promise<void>;
  shutdown(): Promise<void>;
}

const propagator = new W3CTraceContextPropagator();
const getter: TextMapGetter<Record<string, string | undefined>> = { keys: (carrier) => Object.keys(carrier), get: (carrier, key) => carrier[key] };
const setter: TextMapSetter<Record<string, string>> = { set: (carrier, key, value) => void (carrier[key] = value) };

const contextFrom = (traceparent: string | undefined, tracestate?: string): Context =>
  traceparent ? propagator.extract(ROOT_CONTEXT, { traceparent, tracestate }, getter) : ROOT_CONTEXT;

const traceparentOf = (span: Span): string | undefined => {
  const carrier: Record<string, string> = {};
  propagator.inject(trace.setSpan(ROOT_CONTEXT, span), carrier, setter);
  return carrier.traceparent;
};

/** Off: the API's no-op tracer, nothing exported, nothing started. */
export const noTracing: Tracing = {
  enabled: false,
  tracer: trace.getTracerProvider().getTracer('hookline-noop'),
  contextFrom,
  traceparentOf: () => undefined,
  flush: async () => undefined,
  shutdown: async () => undefined,
};

function samplerOf(config: TracingConfig): Sampler {
  const ratio = () => new TraceIdRatioBasedSampler(config.samplerArg);
  switch (config.sampler) {
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'traceidratio':
      return ratio();
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root: ratio() });
    default:
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
  }
}

/** Starts an OTLP/HTTP exporter when the config names an endpoint; otherwise returns `noTracing`. */
export function startTracing(config: TracingConfig, version = '0.0.0'): Tracing {
  if (!config.tracesUrl) return noTracing;
  const exporter = config.protocol === 'http/json' ? new JsonExporter({ url: config.tracesUrl }) : new ProtobufExporter({ url: config.tracesUrl });
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: config.serviceName, 'service.version': version }),
    sampler: samplerOf(config),
    // Batched and off the hot path: spans leave at most every second, in one request.
    spanProcessors: [new BatchSpanProcessor(exporter, { scheduledDelayMillis: 1_000, maxExportBatchSize: 512, maxQueueSize: 8_192 })],
  });
  return {
    enabled: true,
    tracer: provider.getTracer('hookline', version),
    contextFrom,
    traceparentOf,
    flush: () => provider.forceFlush(),
    shutdown: () => provider.shutdown(),
  };
}
