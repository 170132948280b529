import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { EnvError } from '@hookline/config';
import { parseTracingEnv } from './tracing-env';
import { startTracing } from './tracing';

describe('parseTracingEnv (the standard OTEL_* variables)', () => {
  it('is off without an endpoint, and names the service after the app', () => {
    expect(parseTracingEnv('hookline-worker', {})).toEqual({ serviceName: 'hookline-worker', tracesUrl: null, protocol: 'http/protobuf', sampler: 'parentbased_always_on', samplerArg: 1 });
    expect(startTracing(parseTracingEnv('hookline-api', { OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' })).enabled).toBe(false);
  });

  it('loads no SDK module when off, and the SDK and exporters when on (a fresh Node process)', () => {
    const loaded = (env: Record<string, string>) =>
      execFileSync(
        process.execPath,
        [
          '--import',
          'tsx',
          '-e',
          `const t = require(${JSON.stringify(path.join(__dirname, 'index.ts'))}); t.startTracing(t.parseTracingEnv('a', ${JSON.stringify(env)}));` +
            `console.log([...new Set(Object.keys(require.cache).filter((k) => k.includes('@opentelemetry/')).map((k) => k.split('@opentelemetry/')[1].split('/')[0]))].sort().join(','))`,
        ],
        { encoding: 'utf8' },
      ).trim().split(',');
    expect(loaded({})).toEqual(['api']);
    expect(loaded({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9' })).toEqual(expect.arrayContaining(['sdk-trace-base', 'exporter-trace-otlp-proto', 'exporter-trace-otlp-http', 'core']));
  }, 30_000);

  it('appends /v1/traces to the general endpoint and takes the traces endpoint as it is', () => {
    expect(parseTracingEnv('a', { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' }).tracesUrl).toBe('http://collector:4318/v1/traces');
    expect(parseTracingEnv('a', { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://x.test/t' }).tracesUrl).toBe('https://x.test/t');
  });

  it('honours OTEL_SERVICE_NAME, the protocol and the sampler', () => {
    const config = parseTracingEnv('hookline-api', {
      OTEL_SERVICE_NAME: 'edge-api',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
      OTEL_TRACES_SAMPLER_ARG: '0.25',
    });
    expect(config).toEqual({ serviceName: 'edge-api', tracesUrl: 'http://127.0.0.1:4318/v1/traces', protocol: 'http/json', sampler: 'parentbased_traceidratio', samplerArg: 0.25 });
  });

  it('samples nothing with always_off, even when on', async () => {
    const tracing = startTracing(parseTracingEnv('a', { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9', OTEL_TRACES_SAMPLER: 'always_off' }));
    const span = tracing.tracer.startSpan('dropped');
    expect(span.isRecording()).toBe(false);
    expect(tracing.traceparentOf(span)).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-00$/);
    span.end();
    await tracing.shutdown();
  });

  it.each([
    ['OTEL_EXPORTER_OTLP_PROTOCOL', 'grpc', 'expected http/protobuf or http/json'],
    ['OTEL_EXPORTER_OTLP_ENDPOINT', 'collector:4318', 'expected an http or https URL'],
    ['OTEL_TRACES_SAMPLER', 'sometimes', 'expected always_on'],
    ['OTEL_TRACES_SAMPLER_ARG', '2', 'expected a ratio between 0 and 1'],
  ])('stops start-up naming %s when it is %p', (variable, value, expected) => {
    let error: unknown;
    try {
      parseTracingEnv('a', { [variable]: value });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(EnvError);
    expect((error as EnvError).variable).toBe(variable);
    expect((error as EnvError).message).toContain(expected);
  });
});
