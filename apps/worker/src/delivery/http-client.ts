import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { isIP } from 'node:net';
import { Agent, request } from 'undici';
import type { AddressPolicy } from './address-policy';
import { decodeResponseBody, storableHeaders, storableText, type ResponseBodyEncoding } from './response-text';

export const RESPONSE_BODY_LIMIT = 16 * 1024;

export interface SendResult {
  statusCode: number | null;
  headers: Record<string, string | string[]> | null;
  /** First 16 KiB of the response body, as text PostgreSQL can hold (see bodyEncoding). */
  body: string | null;
  bodyEncoding: ResponseBodyEncoding;
  durationMs: number;
  errorKind: string | null;
  errorMessage: string | null;
}

class AddressRefusedError extends Error {
  readonly code = 'ERR_ADDRESS_REFUSED';
  constructor(hostname: string, address: string) {
    super(`${hostname} resolves to ${address}, which deliveries may not reach`);
  }
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * The address check lives in the socket's own DNS lookup, so the address that
 * is checked is the address that is connected: a DNS answer that changes
 * between a check and the connect (rebinding) cannot slip through.
 */
function guardedLookup(policy: AddressPolicy) {
  return (hostname: string, options: LookupOptions, callback: LookupCallback): void => {
    const literal = hostname.replace(/^\[|\]$/g, '');
    const answer = (addresses: LookupAddress[]) => {
      const refused = addresses.find((a) => !policy.permits(a.address));
      // One forbidden address in the answer refuses the whole name.
      if (refused || addresses.length === 0) return callback(new AddressRefusedError(hostname, refused?.address ?? 'nothing'), []);
      if (options.all) return callback(null, addresses);
      callback(null, addresses[0]!.address, addresses[0]!.family);
    };
    const family = isIP(literal);
    if (family !== 0) return answer([{ address: literal, family }]);
    dnsLookup(hostname, { ...options, all: true }, (error, addresses) => (error ? callback(error, []) : answer(addresses)));
  };
}

export interface HttpClientOptions {
  policy: AddressPolicy;
  timeoutMs: number;
  /** Keep-alive connections per origin. */
  connectionsPerOrigin?: number;
}

function errorKind(error: unknown): { kind: string; message: string } {
  const seen = new Set<unknown>();
  let current = error as { code?: string; name?: string; message?: string; cause?: unknown } | undefined;
  while (current && !seen.has(current)) {
    seen.add(current);
    const code = current.code ?? '';
    const message = current.message ?? String(current);
    if (code === 'ERR_ADDRESS_REFUSED') return { kind: 'address_refused', message };
    if (current.name === 'TimeoutError' || current.name === 'AbortError' || /TIMEOUT/.test(code)) return { kind: 'timeout', message: 'no complete answer within the delivery timeout' };
    if (code === 'UND_ERR_HEADERS_OVERFLOW') return { kind: 'response_headers_too_large', message };
    if (code === 'ECONNREFUSED') return { kind: 'connection_refused', message };
    if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'UND_ERR_SOCKET') return { kind: 'connection_reset', message };
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'ENODATA') return { kind: 'dns', message };
    if (/^ERR_TLS|CERT|SSL/.test(code)) return { kind: 'tls', message };
    if (code === 'ERR_INVALID_URL' || code === 'UND_ERR_INVALID_ARG') return { kind: 'invalid_url', message };
    current = current.cause as typeof current;
  }
  return { kind: 'network', message: (error as Error)?.message ?? String(error) };
}

export class HttpClient {
  private readonly agent: Agent;

  constructor(private readonly options: HttpClientOptions) {
    this.agent = new Agent({
      connections: options.connectionsPerOrigin ?? 64,
      keepAliveTimeout: 30_000,
      connect: { lookup: guardedLookup(options.policy), timeout: Math.min(options.timeoutMs, 10_000) },
    });
  }

  /** POST once. Redirects are not followed (undici 7's request never does): a 3xx is the answer. */
  async post(url: string, headers: Record<string, string>, body: string): Promise<SendResult> {
    const started = performance.now();
    const refused = this.refusedLiteral(url);
    if (refused) return { statusCode: null, headers: null, body: null, bodyEncoding: 'utf8', durationMs: 0, errorKind: refused.kind, errorMessage: refused.message };
    const signal = AbortSignal.timeout(this.options.timeoutMs);
    try {
      const response = await request(url, {
        method: 'POST',
        dispatcher: this.agent,
        headers,
        body,
        signal,
        headersTimeout: this.options.timeoutMs,
        bodyTimeout: this.options.timeoutMs,
      });
      const read = await readCapped(response.body);
      // The status line decides the outcome; a body that stalls afterwards is only noted.
      const bodyError = read.error ? errorKind(read.error) : null;
      const contentType = response.headers['content-type'];
      const decoded = decodeResponseBody(read.bytes, Array.isArray(contentType) ? contentType[0] : contentType, read.bytes.length >= RESPONSE_BODY_LIMIT);
      return {
        statusCode: response.statusCode,
        headers: storableHeaders(response.headers),
        body: decoded.text,
        bodyEncoding: decoded.encoding,
        durationMs: Math.round(performance.now() - started),
        errorKind: bodyError ? `response_body_${bodyError.kind}` : null,
        errorMessage: bodyError ? storableText(bodyError.message) : null,
      };
    } catch (error) {
      const { kind, message } = errorKind(error);
      const durationMs = Math.round(performance.now() - started);
      return { statusCode: null, headers: null, body: null, bodyEncoding: 'utf8', durationMs, errorKind: kind, errorMessage: storableText(message) };
    }
  }

  /**
   * Sockets opened to an IP literal skip the lookup hook, so literals are
   * checked here. The WHATWG URL parser has already normalised 127.1,
   * 2130706433 and 0x7f000001 to 127.0.0.1.
   */
  private refusedLiteral(url: string): { kind: string; message: string } | null {
    let hostname: string;
    try {
      hostname = new URL(url).hostname.replace(/^\[|\]$/g, '');
    } catch {
      return { kind: 'invalid_url', message: 'the webhook URL does not parse' };
    }
    if (isIP(hostname) === 0 || this.options.policy.permits(hostname)) return null;
    return { kind: 'address_refused', message: `${hostname} is an address deliveries may not reach` };
  }

  close(): Promise<void> {
    return this.agent.close();
  }
}

/** Reads at most RESPONSE_BODY_LIMIT bytes; an endless body is cut, not awaited. */
async function readCapped(body: AsyncIterable<Buffer> & { destroy(): void }): Promise<{ bytes: Buffer; error?: unknown }> {
  const chunks: Buffer[] = [];
  let size = 0;
  let error: unknown;
  try {
    for await (const chunk of body) {
      const room = RESPONSE_BODY_LIMIT - size;
      chunks.push(chunk.length > room ? chunk.subarray(0, room) : chunk);
      size += Math.min(chunk.length, room);
      if (size >= RESPONSE_BODY_LIMIT) {
        body.destroy();
        break;
      }
    }
  } catch (readError) {
    error = readError;
  }
  return { bytes: Buffer.concat(chunks), error };
}
