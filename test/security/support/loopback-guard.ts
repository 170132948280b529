import net from 'node:net';
import tls from 'node:tls';

type Lookup = (hostname: string, options: object, callback: (error: Error | null, address: unknown, family?: number) => void) => void;

const isLoopback = (address: string) => /^127\./.test(address) || address === '::1' || address === '::ffff:127.0.0.1';

/**
 * A safety net for tests that hand private and public addresses to the
 * delivery client: every socket it opens must end on loopback. Anything else
 * is refused here, before a packet leaves, and recorded so the test fails.
 */
export class LoopbackGuard {
  readonly refused: string[] = [];
  private restore: Array<() => void> = [];

  install(): void {
    const guard = this;
    const wrap = <T extends (...args: any[]) => any>(target: Record<string, unknown>, name: string) => {
      const original = target[name] as T;
      const patched = function (this: unknown, ...args: any[]) {
        const options = typeof args[0] === 'object' && args[0] !== null ? (args[0] as { host?: string; lookup?: Lookup }) : { host: typeof args[1] === 'string' ? args[1] : 'localhost' };
        const host = (options.host ?? 'localhost').replace(/^\[|\]$/g, '');
        if (net.isIP(host) !== 0 && !isLoopback(host)) {
          guard.refused.push(host);
          throw new Error(`LoopbackGuard: refused a connection to ${host}`);
        }
        if (net.isIP(host) === 0 && typeof args[0] === 'object') {
          // Names go through whatever lookup the caller passed (the client's guarded one), then through this check.
          const inner: Lookup = options.lookup ?? ((h, o, cb) => (require('node:dns') as typeof import('node:dns')).lookup(h, o as never, cb as never));
          args[0] = {
            ...options,
            lookup: ((hostname, lookupOptions, callback) =>
              inner(hostname, lookupOptions, (error, address, family) => {
                if (error) return callback(error, address, family);
                const list = Array.isArray(address) ? (address as Array<{ address: string }>).map((a) => a.address) : [String(address)];
                const outside = list.find((a) => !isLoopback(a));
                if (outside) {
                  guard.refused.push(outside);
                  return callback(new Error(`LoopbackGuard: ${hostname} resolved to ${outside}`), address, family);
                }
                callback(null, address, family);
              })) as Lookup,
          };
        }
        return original.apply(this, args);
      };
      target[name] = patched;
      this.restore.push(() => {
        target[name] = original;
      });
    };
    wrap(net as unknown as Record<string, unknown>, 'connect');
    wrap(net as unknown as Record<string, unknown>, 'createConnection');
    wrap(tls as unknown as Record<string, unknown>, 'connect');
  }

  uninstall(): void {
    for (const undo of this.restore.reverse()) undo();
    this.restore = [];
  }
}
