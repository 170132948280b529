import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { checkSignatures } from './signatures';

/** How one endpoint answers. Probabilities are per request; what is left answers 200 after `latencyMs`. */
export interface Behaviour {
  fail5xx?: number;
  /** Holds the request past the delivery timeout (until the client gives up). */
  hang?: number;
  /** Destroys the connection after reading the request. */
  reset?: number;
  /** Answers 200 late, within `slowMs`: close to the delivery timeout. */
  slow?: number;
  slowMs?: [number, number];
  latencyMs?: [number, number];
  /** Answers 200 and then streams a body that never ends (cut by the client). */
  endless?: boolean;
  /** The first N requests of a webhook-id get a 500: forces retries across a fault. */
  failFirst?: number;
  /**
   * The share of webhook-ids `failFirst` applies to (default all). Below 1, so
   * that failures do not come in long runs, which would open the worker's
   * circuit for the endpoint and defer everything by up to minutes.
   */
  failFirstShare?: number;
}

export interface IdRecord {
  /** What happened to each request of this id, in order: [time, what]. */
  log: Array<[number, string]>;
  requests: number;
  acks: number;
  firstAckAt: number | null;
  lastRequestAt: number;
}

/** A small deterministic PRNG (mulberry32), so a seed reproduces a run's answers. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const HOLD_LIMIT_MS = 10_000;

/** A stable number in [0, 1) for an id. */
const shareOf = (id: string) => createHash('sha256').update(id).digest().readUInt32BE(0) / 2 ** 32;


/**
 * One user's endpoint on its own port (its own origin, as the worker's
 * per-endpoint gate sees it). It verifies both signatures the way a receiver
 * would, and records, per webhook-id, every request, every acknowledgement
 * (a 2xx it answered) and any request that arrived while another with the same
 * webhook-id was still open here.
 */
export class Endpoint {
  secret: string | null = null;
  readonly ids = new Map<string, IdRecord>();
  /** diff.id → webhook-ids it arrived with: more than one would be a duplicate under a new id. */
  readonly diffIds = new Map<string, Set<string>>();
  readonly overlaps: Array<{ id: string; at: number }> = [];
  readonly aborted: Array<{ id: string; at: number }> = [];
  badSignatures = 0;
  requests = 0;
  acks = 0;
  /** Requests open at once here, at most (any webhook-id). */
  maxOpen = 0;
  private open = 0;
  /**
   * The sender's whole-request timeout: a request open here for longer has
   * been given up by the sender (it cut it), even if this side has not seen
   * the close yet, so a new one with its webhook-id is a retry, not an overlap.
   */
  clientTimeoutMs = Infinity;
  /** Start times of the requests open here, by webhook-id. */
  private readonly inFlight = new Map<string, number[]>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private server: Server | null = null;
  private readonly random: () => number;
  private closing = false;

  constructor(readonly name: string, private behaviour: Behaviour = {}, seed = 1) {
    this.random = seededRandom(seed);
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => this.handle(req, res));
    this.server.keepAliveTimeout = 5_000;
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
  }

  get url(): string {
    const { port } = this.server!.address() as AddressInfo;
    return `http://127.0.0.1:${port}/hooks/${this.name}`;
  }

  setBehaviour(behaviour: Behaviour): void {
    this.behaviour = behaviour;
  }

  private record(id: string): IdRecord {
    let record = this.ids.get(id);
    if (!record) {
      record = { log: [], requests: 0, acks: 0, firstAckAt: null, lastRequestAt: 0 };
      this.ids.set(id, record);
    }
    return record;
  }

  private later(ms: number, action: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      action();
    }, ms);
    this.timers.add(timer);
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const id = String(req.headers['webhook-id'] ?? '');
    this.requests += 1;
    const record = this.record(id);
    record.requests += 1;
    record.lastRequestAt = Date.now();
    record.log.push([Date.now(), 'request']);
    const now = Date.now();
    const open = this.inFlight.get(id) ?? [];
    if (open.some((startedAt) => now - startedAt < this.clientTimeoutMs)) this.overlaps.push({ id, at: now });
    open.push(now);
    this.inFlight.set(id, open);
    this.open += 1;
    this.maxOpen = Math.max(this.maxOpen, this.open);
    res.once('close', () => {
      this.open -= 1;
      const left = this.inFlight.get(id) ?? [];
      left.splice(left.indexOf(now), 1);
      if (left.length === 0) this.inFlight.delete(id);
      if (!res.writableFinished && !res.headersSent) {
        this.aborted.push({ id, at: Date.now() });
        record.log.push([Date.now(), 'cut by the client']);
      }
    });
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('error', () => undefined);
    req.on('end', () => this.answer(id, record, req, Buffer.concat(chunks), res));
  }

  private verify(req: IncomingMessage, body: Buffer): boolean {
    if (!this.secret) return false;
    const { bump, standard } = checkSignatures(this.secret, req.headers, body);
    return bump && standard;
  }

  private ack(id: string, record: IdRecord, res: ServerResponse, body = 'ok'): void {
    if (res.destroyed || this.closing) return;
    record.log.push([Date.now(), '200']);
    record.acks += 1;
    record.firstAckAt ??= Date.now();
    this.acks += 1;
    res.writeHead(200, { 'content-type': 'text/plain' }).end(body);
  }

  private answer(id: string, record: IdRecord, req: IncomingMessage, body: Buffer, res: ServerResponse): void {
    if (!this.verify(req, body)) {
      this.badSignatures += 1;
      res.writeHead(401).end('bad signature');
      return;
    }
    try {
      const diffId = (JSON.parse(body.toString('utf8')) as { diff?: { id?: string } }).diff?.id ?? '';
      let seen = this.diffIds.get(diffId);
      if (!seen) this.diffIds.set(diffId, (seen = new Set()));
      seen.add(id);
    } catch {
      this.badSignatures += 1;
    }
    const b = this.behaviour;
    if (b.failFirst && record.requests <= b.failFirst && shareOf(id) < (b.failFirstShare ?? 1)) {
      record.log.push([Date.now(), '500']);
      return void res.writeHead(500).end('not yet');
    }
    if (b.endless) return this.endless(id, record, res);
    const roll = this.random();
    let edge = 0;
    if (roll < (edge += b.fail5xx ?? 0)) {
      const status = [500, 502, 503][Math.floor(this.random() * 3)]!;
      record.log.push([Date.now(), String(status)]);
      return void res.writeHead(status).end('failing');
    }
    if (roll < (edge += b.hang ?? 0)) {
      // Never answered: the client's timeout ends it; the limit only keeps the harness bounded.
      this.later(HOLD_LIMIT_MS, () => res.destroy());
      return;
    }
    if (roll < (edge += b.reset ?? 0)) {
      record.log.push([Date.now(), 'reset']);
      return void req.socket.destroy();
    }
    const [low, high] = roll < (edge += b.slow ?? 0) ? (b.slowMs ?? [800, 950]) : (b.latencyMs ?? [0, 0]);
    const delay = low + Math.floor(this.random() * (high - low + 1));
    if (delay <= 0) return this.ack(id, record, res);
    this.later(delay, () => this.ack(id, record, res));
  }

  private endless(id: string, record: IdRecord, res: ServerResponse): void {
    if (res.destroyed) return;
    record.log.push([Date.now(), '200 (endless body)']);
    record.acks += 1;
    record.firstAckAt ??= Date.now();
    this.acks += 1;
    res.writeHead(200, { 'content-type': 'text/plain' });
    const chunk = Buffer.alloc(8192, 120);
    const started = Date.now();
    const pump = () => {
      while (!res.destroyed && Date.now() - started < HOLD_LIMIT_MS) if (!res.write(chunk)) return;
      if (!res.destroyed) res.destroy();
    };
    res.on('drain', pump);
    pump();
  }

  async stop(): Promise<void> {
    this.closing = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }
}
