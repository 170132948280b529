import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface OtlpRequest {
  path: string;
  contentType: string;
  body: Buffer;
}

export interface ExportedSpan {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: number;
  attributes: Record<string, unknown>;
  status: { code?: number };
}

type AnyValue = { stringValue?: string; intValue?: number | string; boolValue?: boolean; doubleValue?: number };
const valueOf = (v: AnyValue): unknown => v.stringValue ?? (v.intValue !== undefined ? Number(v.intValue) : (v.boolValue ?? v.doubleValue));

/** A collector's OTLP/HTTP traces endpoint: answers 200 to POST /v1/traces and keeps what it got. */
export class OtlpReceiver {
  readonly requests: OtlpRequest[] = [];
  private server: Server | null = null;

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        this.requests.push({ path: req.url ?? '/', contentType: req.headers['content-type'] ?? '', body: Buffer.concat(chunks) });
        const json = (req.headers['content-type'] ?? '').includes('json');
        res.writeHead(200, { 'content-type': json ? 'application/json' : 'application/x-protobuf' }).end(json ? '{}' : '');
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return this.url();
  }

  url(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  /** Every span of every http/json export received, flattened. */
  jsonSpans(): ExportedSpan[] {
    const spans: ExportedSpan[] = [];
    for (const request of this.requests.filter((r) => r.contentType.includes('application/json'))) {
      const payload = JSON.parse(request.body.toString('utf8')) as {
        resourceSpans: Array<{ resource: { attributes: Array<{ key: string; value: AnyValue }> }; scopeSpans: Array<{ spans: Array<Record<string, unknown>> }> }>;
      };
      for (const resourceSpan of payload.resourceSpans) {
        const service = String(valueOf(resourceSpan.resource.attributes.find((a) => a.key === 'service.name')?.value ?? {}));
        for (const scope of resourceSpan.scopeSpans) {
          for (const span of scope.spans) {
            const attributes = Object.fromEntries(((span.attributes as Array<{ key: string; value: AnyValue }>) ?? []).map((a) => [a.key, valueOf(a.value)]));
            spans.push({
              service,
              traceId: String(span.traceId),
              spanId: String(span.spanId),
              parentSpanId: String(span.parentSpanId ?? ''),
              name: String(span.name),
              kind: Number(span.kind),
              attributes,
              status: (span.status as { code?: number }) ?? {},
            });
          }
        }
      }
    }
    return spans;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
