import { spawnSync } from 'node:child_process';
import path from 'node:path';

/**
 * `npm run bench`: the throughput and latency scenarios (bench/run.ts, its own
 * time budget and watchdog), then the scale-out scenario (bench/scale-out),
 * which starts its own Redis and CPU-capped workers. `--only scale-out` runs
 * just the latter; `--only` without it just the former; `--out` skips it.
 */
const args = process.argv.slice(2);
const onlyIndex = args.findIndex((a) => a === '--only' || a.startsWith('--only='));
const only = onlyIndex === -1 ? null : (args[onlyIndex]!.includes('=') ? args[onlyIndex]!.split('=')[1]! : args[onlyIndex + 1] ?? '').split(',');
const rest = only === null ? args : args.filter((_, i) => i !== onlyIndex && !(i === onlyIndex + 1 && !args[onlyIndex]!.includes('=')));
const others = only?.filter((name) => name !== 'scale-out') ?? null;
const node = (script: string, scriptArgs: string[]) => spawnSync(process.execPath, ['--import', 'tsx', path.join(__dirname, script), ...scriptArgs], { stdio: 'inherit' }).status ?? 1;

let status = 0;
if (others === null || others.length > 0) status = node('run.ts', others === null ? rest : [...rest, '--only', others.join(',')]);
// A run into another folder (--out, as bench.test.ts does) stays within bench/run.ts's own time bound.
const toElsewhere = rest.some((a) => a === '--out' || a.startsWith('--out='));
if (status === 0 && only === null && toElsewhere) process.stdout.write('scale-out scenario skipped with --out (npm run bench -- --only scale-out [--quick])\n');
else if (status === 0 && (only === null || only.includes('scale-out'))) status = node('scale-out/run.ts', rest.includes('--quick') ? ['--quick'] : []);
process.exit(status);
