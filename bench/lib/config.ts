import path from 'node:path';

/** Everything the benchmark touches lives under these names, away from development and test data. */
export const REPO_ROOT = path.resolve(__dirname, '../..');
export const BENCH_DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/hookline_bench';
export const BENCH_REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
// One run's own prefixes on a Redis others may share (another run's reset would delete this run's jobs);
// set in the environment, so the processes the run starts inherit the same id.
const RUN_ID = (process.env.BENCH_RUN_ID ??= String(process.pid));
/** Hash-tagged like the product's default, so the bench queue behaves as the real one would on a cluster. */
export const HOOKLINE_PREFIX = `{hookline-bench-${RUN_ID}}`;
export const NAIVE_PREFIX = `{hookline-bench-naive-${RUN_ID}}`;
export const CEILING_PREFIX = `{hookline-bench-ceiling-${RUN_ID}}`;
export const ALL_PREFIXES = [HOOKLINE_PREFIX, NAIVE_PREFIX, CEILING_PREFIX];
/** Fixed: bench data is throwaway, and a fixed key lets a rerun read rows a crashed run left. */
export const BENCH_SECRETS_KEY = Buffer.alloc(32, 0x42).toString('base64');
/** The product's default; the ceiling and the naive worker use the same. */
export const WORKER_CONCURRENCY = 200;
/** Short, so a rare failed attempt is retried within the scenario instead of 5 minutes later. */
export const BENCH_RETRY_SCHEDULE = '0.5,1,2';
export const PRODUCERS = 32;
