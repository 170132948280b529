import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WEBHOOK_ID_HEADER } from '@hookline/signing';
import { checkSignatures } from './signatures';

/**
 * The user's endpoint in the benchmark: a node:http server on several ports of
 * 127.0.0.1 (one origin per port, like several customers' servers), which
 * checks both signatures of every request the way a receiver should and
 * dedupes on webhook-id. Paths are /hook/<n>; the harness says which secret
 * hook n has. Runs as a child (IPC) or inside the harness (same class).
 */
export interface ReceiverStats {
  requests: number;
  unique: number;
  duplicates: number;
  badBump: number;
  badStandard: number;
  unknownHook: number;
  /** Wall-clock ms (fractional) of the first and last first-time arrival. */
  firstAt: number | null;
  lastAt: number | null;
}

export interface ReceiverDump {
  ids: string[];
  at: number[];
}

export type ReceiverCommand =
  | { type: 'listen'; ports: number }
  | { type: 'secrets'; secrets: string[] }
  | { type: 'reset' }
  | { type: 'stats'; seq: number }
  | { type: 'dump'; seq: number }
  | { type: 'close' };

export type ReceiverReply =
  | { type: 'listening'; ports: number[] }
  | { type: 'stats'; seq: number; stats: ReceiverStats }
  | { type: 'dump'; seq: number; dump: ReceiverDump }
  | { type: 'ready' };

const HOOK_PATH = /^\/hook\/(\d+)$/;
export const wallClock = () => performance.timeOrigin + performance.now();

export class BenchReceiver {
  private servers: Server[] = [];
  private secrets: string[] = [];
  private arrivals = new Map<string, number>();
  private counters = { requests: 0, duplicates: 0, badBump: 0, badStandard: 0, unknownHook: 0 };
  private firstAt: number | null = null;
  private lastAt: number | null = null;

  async listen(count: number): Promise<number[]> {
    const handler = (req: IncomingMessage, res: ServerResponse) => this.handle(req, res);
    for (let i = 0; i < count; i += 1) {
      const server = createServer({ keepAliveTimeout: 60_000, requestTimeout: 30_000 }, handler);
      server.keepAliveTimeout = 60_000;
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => resolve());
      });
      this.servers.push(server);
    }
    return this.servers.map((s) => (s.address() as AddressInfo).port);
  }

  setSecrets(secrets: string[]): void {
    this.secrets = secrets;
  }

  reset(): void {
    this.arrivals = new Map();
    this.counters = { requests: 0, duplicates: 0, badBump: 0, badStandard: 0, unknownHook: 0 };
    this.firstAt = null;
    this.lastAt = null;
  }

  stats(): ReceiverStats {
    return { ...this.counters, unique: this.arrivals.size, firstAt: this.firstAt, lastAt: this.lastAt };
  }

  dump(): ReceiverDump {
    return { ids: [...this.arrivals.keys()], at: [...this.arrivals.values()] };
  }

  async close(): Promise<void> {
    await Promise.all(
      this.servers.map(
        (server) =>
          new Promise<void>((resolve) => {
            server.closeAllConnections();
            server.close(() => resolve());
          }),
      ),
    );
    this.servers = [];
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const at = wallClock();
      this.counters.requests += 1;
      const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
      const hook = HOOK_PATH.exec(req.url ?? '');
      const secret = hook ? this.secrets[Number(hook[1])] : undefined;
      if (secret === undefined) {
        this.counters.unknownHook += 1;
        res.writeHead(404).end();
        return;
      }
      const signatures = checkSignatures(secret, req.headers, body);
      if (!signatures.bump) this.counters.badBump += 1;
      if (!signatures.standard) this.counters.badStandard += 1;
      const id = req.headers[WEBHOOK_ID_HEADER];
      if (typeof id === 'string') {
        if (this.arrivals.has(id)) this.counters.duplicates += 1;
        else {
          this.arrivals.set(id, at);
          this.firstAt ??= at;
          this.lastAt = at;
        }
      }
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
  }
}

/** As a child process: commands in over IPC, replies out. */
function serveOverIpc(): void {
  const receiver = new BenchReceiver();
  const send = (reply: ReceiverReply) => process.send!(reply);
  process.on('message', (command: ReceiverCommand) => {
    switch (command.type) {
      case 'listen':
        void receiver.listen(command.ports).then((ports) => send({ type: 'listening', ports }));
        break;
      case 'secrets':
        receiver.setSecrets(command.secrets);
        send({ type: 'ready' });
        break;
      case 'reset':
        receiver.reset();
        send({ type: 'ready' });
        break;
      case 'stats':
        send({ type: 'stats', seq: command.seq, stats: receiver.stats() });
        break;
      case 'dump':
        send({ type: 'dump', seq: command.seq, dump: receiver.dump() });
        break;
      case 'close':
        void receiver.close().then(() => process.exit(0));
        break;
    }
  });
  // The harness going away must not leave this process behind.
  process.on('disconnect', () => process.exit(0));
}

if (require.main === module && process.send) serveOverIpc();
