import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './config';
import { formatProfile } from './profile';
import { TABLE_HEADER, markdownTable, ratioLines, tableRows, targetLines } from './report';
import type { BenchReport } from './results';

export const DOCS_FILE = path.join(REPO_ROOT, 'docs/benchmarks.md');
const START = '<!-- bench:results:start (written by npm run bench; edit outside these markers) -->';
const END = '<!-- bench:results:end -->';

/** The part of docs/benchmarks.md a full run rewrites: table, ratios, targets, plot, profile. */
export function resultsBlock(report: BenchReport): string {
  return [
    START,
    `Latest full run: ${report.generatedAt.slice(0, 19).replace('T', ' ')} UTC, ${report.totalSeconds} s, ` +
      `${report.machine.cpus} × ${report.machine.cpuModel}, Node ${report.machine.node}, load average at start ${report.machine.loadAverageAtStart.join(' / ')}.`,
    '',
    markdownTable(TABLE_HEADER, tableRows(report)),
    '',
    ...ratioLines(report).map((l) => `- ${l}`),
    '',
    '| target | result |',
    '|---|---|',
    ...targetLines(report.targets).map((l) => {
      const [status, ...rest] = l.split(/\s{2,}/);
      return `| ${rest.join(' ')} | ${status!.trim() === 'met' ? 'met' : '**not met**'} |`;
    }),
    '',
    '![Throughput by worker processes and latency percentiles](../bench/results/latest.svg)',
    '',
    ...(report.profile
      ? ['CPU profile of the `profile` scenario (self time; `(program)` is V8/native work not attributed to JS, `(garbage collector)` is GC):', '', '```', ...report.profile.processes.map(formatProfile), '```']
      : []),
    END,
  ].join('\n');
}

export function updateDocs(report: BenchReport): void {
  const block = resultsBlock(report);
  const current = existsSync(DOCS_FILE) ? readFileSync(DOCS_FILE, 'utf8') : `# Benchmarks\n\n${START}\n${END}\n`;
  const start = current.indexOf(START);
  const end = current.indexOf(END);
  const next = start !== -1 && end > start ? `${current.slice(0, start)}${block}${current.slice(end + END.length)}` : `${current.trimEnd()}\n\n${block}\n`;
  writeFileSync(DOCS_FILE, next);
}
