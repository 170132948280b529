import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Attributes, type Context, type Span, type TextMapGetter, type TextMapSetter, type Tracer } from '@opentelemetry/api';
import type { Sampler } from '@opentelemetry/sdk-trace-base';
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

/**
 * The SDK, the exporters and the W3C propagator, required only when tracing
 * is on: unset, not even their modules are loaded (0.2–0.35 s of start-up
 * measured on this machine, and their memory).
 */
function loadSdk() {
  /* eslint-disable @typescript-eslint/no-require-imports */
  return {
    core: require('@opentelemetry/core') as typeof import('@opentelemetry/core'),
    base: require('@opentelemetry/sdk-trace-base') as typeof import('@opentelemetry/sdk-trace-base'),
    resources: require('@opentelemetry/resources') as typeof import('@opentelemetry/resources'),
    json: require('@opentelemetry/exporter-trace-otlp-http') as typeof import('@opentelemetry/exporter-trace-otlp-http'),
    protobuf: require('@opentelemetry/exporter-trace-otlp-proto') as typeof import('@opentelemetry/exporter-trace-otlp-proto'),
  };
  /* eslint-enable @typescript-eslint/no-require-imports */
}

const getter: TextMapGetter<Record<string, string | undefined>> = { keys: (carrier) => Object.keys(carrier), get: (carrier, key) => carrier[key] };
const setter: TextMapSetter<Record<string, string>> = { set: (carrier, key, value) => void (carrier[key] = value) };

/** Off: the API's no-op tracer, nothing exported, nothing started, no SDK module loaded. */
export const noTracing: Tracing = {
  enabled: false,
  tracer: trace.getTracerProvider().getTracer('hookline-noop'),
  contextFrom: () => ROOT_CONTEXT,
  traceparentOf: () => undefined,
  flush: async () => undefined,
  shutdown: async () => undefined,
};

function samplerOf(config: TracingConfig, sdk: ReturnType<typeof loadSdk>): Sampler {
  const { AlwaysOffSampler, AlwaysOnSampler, ParentBasedSampler, TraceIdRatioBasedSampler } = sdk.base;
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
  const sdk = loadSdk();
  const exporter = config.protocol === 'http/json' ? new sdk.json.OTLPTraceExporter({ url: config.tracesUrl }) : new sdk.protobuf.OTLPTraceExporter({ url: config.tracesUrl });
  const provider = new sdk.base.BasicTracerProvider({
    resource: sdk.resources.resourceFromAttributes({ 'service.name': config.serviceName, 'service.version': version }),
    sampler: samplerOf(config, sdk),
    // Batched and off the hot path: spans leave at most every second, in one request.
    spanProcessors: [new sdk.base.BatchSpanProcessor(exporter, { scheduledDelayMillis: 1_000, maxExportBatchSize: 512, maxQueueSize: 8_192 })],
  });
  const propagator = new sdk.core.W3CTraceContextPropagator();
  return {
    enabled: true,
    tracer: provider.getTracer('hookline', version),
    contextFrom: (traceparent, tracestate) => (traceparent ? propagator.extract(ROOT_CONTEXT, { traceparent, tracestate }, getter) : ROOT_CONTEXT),
    traceparentOf: (span) => {
      const carrier: Record<string, string> = {};
      propagator.inject(trace.setSpan(ROOT_CONTEXT, span), carrier, setter);
      return carrier.traceparent;
    },
    flush: () => provider.forceFlush(),
    shutdown: () => provider.shutdown(),
  };
}
