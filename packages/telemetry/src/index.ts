export { createLogger, type Logger, type LogLevel } from './logger';
export { noTracing, startTracing, SpanKind, SpanStatusCode, type Tracing, type Span, type Attributes } from './tracing';
export { parseTracingEnv, type TracingConfig, type OtlpProtocol, type TracesSampler } from './tracing-env';
