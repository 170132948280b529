import type { Redis } from 'ioredis';
import { openBenchDatabase } from '../lib/database';
import { killAll, stop } from '../scale-out/processes';
import { drain, redisCpuMs, seedBacklog, startReceiver, startRedis, workerBundle } from '../scale-out/scenario';

/**
 * `node --import tsx bench/experiments/slow-endpoint.ts` — where Redis spends
 * its time when one webhook's backlog waits on a slow endpoint (the last
 * figure of the scale-out scenario), next to the same backlog on a fast one.
 * Prints Redis CPU per 1,000 deliveries, the commands per delivery (INFO
 * commandstats; commands run by scripts are counted too) and, with SLOWLOG=1,
 * the time per script (SLOWLOG at 0 µs, which itself adds to the CPU).
 * SLOW_MS (1500) and N (1500) change the scenario.
 */
const SLOW_MS = Number(process.env.SLOW_MS ?? 1_500);
const DELIVERIES = Number(process.env.N ?? 1_500);

async function commandStats(redis: Redis) {
  const out = new Map<string, { calls: number; usec: number }>();
  for (const line of (await redis.info('commandstats')).split('\n')) {
    const m = /^cmdstat_([^:]+):calls=(\d+),usec=(\d+)/.exec(line.trim());
    if (m) out.set(m[1]!, { calls: Number(m[2]), usec: Number(m[3]) });
  }
  return out;
}

/** Time per script, keyed by the first 8 characters of its SHA, with the first keys it touched. */
async function scriptTimes(redis: Redis) {
  const log = (await redis.call('SLOWLOG', 'GET', '-1')) as Array<[number, number, number, string[]]>;
  const bySha = new Map<string, { calls: number; usec: number; keys: string }>();
  for (const [, , usec, args] of log) {
    if (args[0]?.toLowerCase() !== 'evalsha') continue;
    const entry = bySha.get(args[1]!.slice(0, 8)) ?? { calls: 0, usec: 0, keys: args.slice(3, 5).join(' ').slice(0, 120) };
    entry.calls += 1;
    entry.usec += usec;
    bySha.set(args[1]!.slice(0, 8), entry);
  }
  return [...bySha].sort((a, b) => b[1].usec - a[1].usec);
}

async function main() {
  const logs: string[] = [];
  const own = await startRedis(logs);
  const db = await openBenchDatabase();
  const fast = await startReceiver(0, logs);
  const slow = await startReceiver(SLOW_MS, logs);
  const bundle = await workerBundle('current');
  try {
    for (const [name, receiver] of [['fast endpoint', fast], [`${SLOW_MS} ms endpoint`, slow]] as const) {
      const { deliveries } = await seedBacklog(db, own.redis, receiver.url, { documentations: 1, webhooksPerDocumentation: 1, deliveries: DELIVERIES });
      await own.redis.config('RESETSTAT');
      await own.redis.config('SET', 'slowlog-log-slower-than', process.env.SLOWLOG ? '0' : '1000000');
      await own.redis.config('SET', 'slowlog-max-len', '200000');
      await own.redis.slowlog('RESET');
      const before = await redisCpuMs(own.redis);
      const result = await drain({ db, redis: own.redis, redisUrl: own.url, logs, receiverPid: receiver.child.pid! }, bundle, 1, deliveries, { timeoutMs: 180_000 });
      const spent = (await redisCpuMs(own.redis)) - before;
      if (typeof result === 'string') {
        process.stdout.write(`${name}: ${result}\n`);
        continue;
      }
      process.stdout.write(`${name}: ${result.seconds.toFixed(1)} s, Redis ${Math.round(spent)} CPU-ms, ${Math.round((spent / deliveries) * 1000)} per 1,000 deliveries\n`);
      const top = [...(await commandStats(own.redis))].sort((a, b) => b[1].usec - a[1].usec).slice(0, 10);
      for (const [command, v] of top) process.stdout.write(`  ${command.padEnd(18)} ${(v.calls / deliveries).toFixed(2)} per delivery, ${Math.round(v.usec / 1000)} ms\n`);
      if (process.env.SLOWLOG) {
        for (const [sha, v] of await scriptTimes(own.redis)) process.stdout.write(`  script ${sha}: ${v.calls} calls, ${Math.round(v.usec / v.calls)} µs each (${v.keys})\n`);
      }
    }
  } finally {
    await stop(fast.child);
    await stop(slow.child);
    await own.redis.quit().catch(() => undefined);
    await stop(own.child);
    await db.close();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    killAll();
    process.exit(1);
  },
);
