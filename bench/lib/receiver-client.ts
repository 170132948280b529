import { BenchReceiver, type ReceiverCommand, type ReceiverDump, type ReceiverReply, type ReceiverStats } from '../../test/support/bench-receiver';
import { spawnNode, stopChild, type Child } from '../../test/support/processes';

/** The same receiver either in its own process (default) or on the harness's event loop. */
export interface ReceiverHandle {
  readonly mode: 'child' | 'inline';
  readonly ports: number[];
  readonly pid: number;
  setSecrets(secrets: string[]): Promise<void>;
  reset(): Promise<void>;
  stats(): Promise<ReceiverStats>;
  dump(): Promise<ReceiverDump>;
  close(): Promise<void>;
}

export async function startReceiver(mode: 'child' | 'inline', ports: number): Promise<ReceiverHandle> {
  if (mode === 'inline') {
    const receiver = new BenchReceiver();
    const listening = await receiver.listen(ports);
    return {
      mode,
      ports: listening,
      pid: process.pid,
      setSecrets: async (secrets) => receiver.setSecrets(secrets),
      reset: async () => receiver.reset(),
      stats: async () => receiver.stats(),
      dump: async () => receiver.dump(),
      close: () => receiver.close(),
    };
  }
  const child = spawnNode('receiver', 'test/support/bench-receiver.ts', { env: {}, ipc: true });
  const ipc = new ReceiverIpc(child);
  const listening = await ipc.call<Extract<ReceiverReply, { type: 'listening' }>>({ type: 'listen', ports }, 'listening');
  return {
    mode,
    ports: listening.ports,
    pid: child.pid,
    setSecrets: async (secrets) => void (await ipc.call({ type: 'secrets', secrets }, 'ready')),
    reset: async () => void (await ipc.call({ type: 'reset' }, 'ready')),
    stats: async () => (await ipc.call<Extract<ReceiverReply, { type: 'stats' }>>({ type: 'stats', seq: ipc.nextSeq() }, 'stats')).stats,
    dump: async () => (await ipc.call<Extract<ReceiverReply, { type: 'dump' }>>({ type: 'dump', seq: ipc.nextSeq() }, 'dump')).dump,
    close: async () => {
      child.process.send({ type: 'close' } satisfies ReceiverCommand);
      await Promise.race([child.exited, new Promise((r) => setTimeout(r, 3_000))]);
      await stopChild(child, 2_000);
    },
  };
}

/** One request in flight at a time per reply type is all the harness needs; replies come back in order. */
class ReceiverIpc {
  private seq = 0;
  private waiting: Array<{ type: ReceiverReply['type']; resolve: (reply: ReceiverReply) => void; reject: (e: Error) => void }> = [];

  constructor(private readonly child: Child) {
    child.process.on('message', (reply: ReceiverReply) => {
      const index = this.waiting.findIndex((w) => w.type === reply.type);
      if (index === -1) return;
      const [waiter] = this.waiting.splice(index, 1);
      waiter!.resolve(reply);
    });
    void child.exited.then(() => {
      for (const w of this.waiting.splice(0)) w.reject(new Error(`receiver exited:\n${child.tail()}`));
    });
  }

  nextSeq(): number {
    return (this.seq += 1);
  }

  call<R extends ReceiverReply>(command: ReceiverCommand, replyType: ReceiverReply['type'], timeoutMs = 15_000): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`receiver did not answer ${command.type} within ${timeoutMs} ms`)), timeoutMs);
      this.waiting.push({
        type: replyType,
        resolve: (reply) => {
          clearTimeout(timer);
          resolve(reply as R);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      this.child.process.send(command);
    });
  }
}
