/**
 * A process that uses manageLifecycle as the entry points do, then misbehaves
 * as argv[2] says: `reject` (an unhandled rejection), `throw` (an uncaught
 * exception), `stop-fails` (a rejection whose stop() throws), or `wait` (until a signal).
 */
import { createLogger } from '../logger';
import { manageLifecycle } from '../lifecycle';

const mode = process.argv[2];
const keepAlive = setInterval(() => undefined, 1_000);
manageLifecycle({
  logger: createLogger('lifecycle-test', 'info'),
  timeoutMs: 5_000,
  async stop(reason) {
    clearInterval(keepAlive);
    await new Promise((resolve) => setTimeout(resolve, 50));
    if (mode === 'stop-fails') throw new Error(`cannot stop after ${reason}`);
    process.stdout.write(`closed after ${reason}\n`);
  },
});
process.stdout.write('ready\n');
if (mode === 'reject' || mode === 'stop-fails') void Promise.reject(new Error('nobody awaited this'));
if (mode === 'throw') setTimeout(() => {
  throw new Error('thrown from a timer');
}, 10);
