export { metricsAllowed } from './metrics-guard';
export { createLogger, type Logger, type LogLevel } from './logger';
export { manageLifecycle, type Lifecycle, type LifecycleOptions } from './lifecycle';
export { noTracing, startTracing, SpanKind, SpanStatusCode, type Tracing, type Span, type Attributes } from './tracing';
export { parseTracingEnv, type TracingConfig, type OtlpProtocol, type TracesSampler } from './tracing-env';
