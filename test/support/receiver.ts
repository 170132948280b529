import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  at: number;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export type Responder = (req: ReceivedRequest, res: ServerResponse) => void;

/** A real HTTP server standing in for a user's endpoint; it records the raw bytes it got. */
export class Receiver {
  readonly requests: ReceivedRequest[] = [];
  private server: Server | null = null;
  private waiters: Array<{ count: number; resolve: () => void }> = [];

  constructor(private respond: Responder = (_req, res) => res.writeHead(200).end('ok')) {}

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const received: ReceivedRequest = { at: Date.now(), path: req.url ?? '/', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
        this.requests.push(received);
        this.waiters = this.waiters.filter((w) => (this.requests.length >= w.count ? (w.resolve(), false) : true));
        this.respond(received, res);
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return this.url('/hook');
  }

  url(path = '/hook'): string {
    const { port } = this.server!.address() as AddressInfo;
    return `http://127.0.0.1:${port}${path}`;
  }

  setResponder(respond: Responder): void {
    this.respond = respond;
  }

  waitFor(count: number, timeoutMs = 15_000): Promise<void> {
    if (this.requests.length >= count) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`receiver got ${this.requests.length} of ${count} requests in ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push({ count, resolve: () => (clearTimeout(timer), resolve()) });
    });
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

/** Answers with each status in turn, then repeats the last. */
export function statusSequence(...statuses: Array<number | [number, Record<string, string>]>): Responder {
  let index = 0;
  return (_req, res) => {
    const next = statuses[Math.min(index++, statuses.length - 1)]!;
    const [status, headers] = Array.isArray(next) ? next : [next, {}];
    res.writeHead(status, headers).end(`status ${status}`);
  };
}

export async function waitUntil<T>(probe: () => Promise<T | undefined | null | false>, timeoutMs = 15_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
