// The diff-large scenario: time and peak RSS to diff two GitHub-sized
// definitions (GitHub's OpenAPI document, two @octokit/openapi releases).
// Targets: ≤ 15 s and ≤ 1.5 GB. Runs the measurement RUNS times, each in a
// fresh process, and writes bench/results/diff-large.json.
//
//   node --import tsx bench/diff-large.ts [runs]
import { execFileSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const REPO_ROOT = path.resolve(__dirname, '..');
const runs = Number(process.argv[2] ?? 3);
const results = [];
for (let i = 0; i < runs; i++) {
  const load = loadavg()[0]!;
  const out = execFileSync(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'bench/diff-large-child.ts')], { cwd: REPO_ROOT, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
  const result = { ...JSON.parse(out.trim().split('\n').pop()!), load: Math.round(load * 100) / 100 };
  results.push(result);
  process.stdout.write(`diff-large run ${i + 1}/${runs}: ${result.totalMs} ms (CPU ${result.cpuMs} ms), peak RSS ${result.peakRssMb} MB, load ${result.load}\n`);
}
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const report = {
  scenario: 'diff-large',
  at: new Date().toISOString(),
  node: process.versions.node,
  targets: { totalMs: 15_000, peakRssMb: 1536 },
  medianTotalMs: median(results.map((r) => r.totalMs)),
  medianCpuMs: median(results.map((r) => r.cpuMs)),
  maxPeakRssMb: Math.max(...results.map((r) => r.peakRssMb)),
  runs: results,
};
mkdirSync(path.join(REPO_ROOT, 'bench/results'), { recursive: true });
writeFileSync(path.join(REPO_ROOT, 'bench/results/diff-large.json'), JSON.stringify(report, null, 2) + '\n');
process.stdout.write(`diff-large: median ${report.medianTotalMs} ms, CPU ${report.medianCpuMs} ms (target ≤ 15000), peak RSS ${report.maxPeakRssMb} MB (target ≤ 1536)\n`);
