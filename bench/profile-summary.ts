import path from 'node:path';
import { formatProfile, summarizeCpuProfile } from './lib/profile';

/**
 * `node --import tsx bench/profile-summary.ts <file.cpuprofile> [top]` — the
 * self-time summary the benchmark prints, for any profile written by
 * `node --cpu-prof` (e.g. bench/results/profiles/worker-0/CPU.*.0.*.cpuprofile).
 */
const [file, top] = process.argv.slice(2);
if (!file) {
  process.stderr.write('usage: node --import tsx bench/profile-summary.ts <file.cpuprofile> [top]\n');
  process.exit(64);
}
process.stdout.write(`${formatProfile(summarizeCpuProfile(file, path.basename(file), Number(top ?? 15)))}\n`);
