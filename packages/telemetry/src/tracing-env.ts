import { z } from 'zod';
import { parseEnv } from '@hookline/config';

export type OtlpProtocol = 'http/json' | 'http/protobuf';
export type TracesSampler = 'always_on' | 'always_off' | 'traceidratio' | 'parentbased_always_on' | 'parentbased_always_off' | 'parentbased_traceidratio';

export interface TracingConfig {
  serviceName: string;
  /** Where spans are POSTed (…/v1/traces); null: tracing is off and costs nothing. */
  tracesUrl: string | null;
  protocol: OtlpProtocol;
  sampler: TracesSampler;
  /** The ratio of the traceidratio samplers. */
  samplerArg: number;
}

const httpUrl = z.url({ protocol: /^https?$/, error: 'expected an http or https URL' });

const schema = z.object({
  OTEL_SERVICE_NAME: z.string().min(1).optional(),
  OTEL_EXPORTER_OTLP_ENDPOINT: httpUrl.optional(),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: httpUrl.optional(),
  // gRPC is not offered: one transport (HTTP) keeps the dependency small.
  OTEL_EXPORTER_OTLP_PROTOCOL: z.enum(['http/protobuf', 'http/json'], { error: 'expected http/protobuf or http/json' }).default('http/protobuf'),
  OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: z.enum(['http/protobuf', 'http/json'], { error: 'expected http/protobuf or http/json' }).optional(),
  OTEL_TRACES_SAMPLER: z
    .enum(['always_on', 'always_off', 'traceidratio', 'parentbased_always_on', 'parentbased_always_off', 'parentbased_traceidratio'], {
      error: 'expected always_on, always_off, traceidratio, parentbased_always_on, parentbased_always_off or parentbased_traceidratio',
    })
    .default('parentbased_always_on'),
  OTEL_TRACES_SAMPLER_ARG: z.coerce.number().min(0, 'expected a ratio between 0 and 1').max(1, 'expected a ratio between 0 and 1').default(1),
});

/**
 * The standard OTEL_* variables this project honours. Only the OTLP/HTTP
 * exporter is offered; without an endpoint, tracing stays off. Throws
 * EnvError naming the variable, like every other setting.
 */
export function parseTracingEnv(defaultServiceName: string, source: NodeJS.ProcessEnv = process.env): TracingConfig {
  const parsed = parseEnv(schema, source);
  const base = parsed.OTEL_EXPORTER_OTLP_ENDPOINT;
  // Per the specification: the signal-specific variable is used as is, the general one gets /v1/traces appended.
  const tracesUrl = parsed.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? (base ? `${base.replace(/\/+$/, '')}/v1/traces` : null);
  return {
    serviceName: parsed.OTEL_SERVICE_NAME ?? defaultServiceName,
    tracesUrl,
    protocol: parsed.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? parsed.OTEL_EXPORTER_OTLP_PROTOCOL,
    sampler: parsed.OTEL_TRACES_SAMPLER,
    samplerArg: parsed.OTEL_TRACES_SAMPLER_ARG,
  };
}
