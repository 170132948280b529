import type { BenchReport, CeilingResult, DueResult, PipelineResult, ScenarioResult, Target } from './results';
import type { PlotInput } from './svg';
import { ratio } from './stats';

const pipeline = (r: BenchReport, name: string) => (r.scenarios[name]?.kind === 'pipeline' ? (r.scenarios[name] as PipelineResult) : undefined);
const ceiling = (r: BenchReport, name: string) => (r.scenarios[name]?.kind === 'ceiling' ? (r.scenarios[name] as CeilingResult) : undefined);
const due = (r: BenchReport, name: string) => (r.scenarios[name]?.kind === 'due' ? (r.scenarios[name] as DueResult) : undefined);

export function computeRatios(report: BenchReport): BenchReport['ratios'] {
  return {
    hooklineOverCeiling: ratio(pipeline(report, 'hookline-fanout1')?.deliveredPerSecond, ceiling(report, 'ceiling-1w')?.jobsPerSecond),
    hooklineOverNaive: ratio(pipeline(report, 'hookline-fanout1')?.deliveredPerSecond, pipeline(report, 'naive-fanout1')?.deliveredPerSecond),
    hooklineOverNaiveFanout10: ratio(pipeline(report, 'hookline-fanout10')?.deliveredPerSecond, pipeline(report, 'naive-fanout10')?.deliveredPerSecond),
    scaling4wOver1w: ratio(pipeline(report, 'scaling-4w')?.deliveredPerSecond, pipeline(report, 'scaling-1w')?.deliveredPerSecond),
    workerDrainOverCeiling: ratio(due(report, 'due-10k')?.deliveredPerSecond, ceiling(report, 'ceiling-1w')?.jobsPerSecond),
  };
}

export function computeTargets(report: BenchReport, budgetSeconds: number): Target[] {
  const r = report.ratios;
  const ingestP99 = Math.max(pipeline(report, 'hookline-fanout1')?.ingestMs?.p99 ?? Infinity, pipeline(report, 'hookline-fanout10')?.ingestMs?.p99 ?? 0);
  const dueRss = due(report, 'due-10k')?.rssMb.workerMax ?? null;
  const at = (value: number | null, ok: (v: number) => boolean) => ({ value, met: value !== null && Number.isFinite(value) && ok(value) });
  return [
    { name: 'Hookline / bare ceiling (fan-out 1)', goal: '≥ 0.5', ...at(r.hooklineOverCeiling, (v) => v >= 0.5) },
    { name: 'Hookline / naive (fan-out 1)', goal: '≥ 3', ...at(r.hooklineOverNaive, (v) => v >= 3) },
    { name: 'Ingest p99, ms (worst of fan-out 1 and 10)', goal: '≤ 20', ...at(Number.isFinite(ingestP99) ? ingestP99 : null, (v) => v <= 20) },
    { name: 'Worker peak RSS with 10,000 due jobs, MB', goal: '≤ 200', ...at(dueRss, (v) => v <= 200) },
    { name: `Whole run, s`, goal: `< ${budgetSeconds}`, ...at(report.totalSeconds, (v) => v < budgetSeconds) },
  ];
}

const cell = (v: number | null | undefined, digits = 0) => (v === null || v === undefined || !Number.isFinite(v) ? '—' : v.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }));
const pair = (a: number | null | undefined, b: number | null | undefined, digits = 1) => `${cell(a, digits)} / ${cell(b, digits)}`;

export const TABLE_HEADER = ['scenario', 'workers', 'fan-out', 'deliveries', 'delivered/s', 'ingest p50 / p99 ms', 'enqueue→delivery p50 / p99 ms', 'API RSS MB', 'worker RSS MB', 'bad sig', 'dup', 'lost', 'load'];

export function tableRows(report: BenchReport): string[][] {
  const rows: string[][] = [];
  for (const result of Object.values(report.scenarios) as ScenarioResult[]) {
    if (result.kind === 'ceiling') {
      rows.push([`${result.name} (BullMQ no-op)`, String(result.workers), '—', cell(result.completed), cell(result.jobsPerSecond), '—', '—', '—', cell(Math.max(...result.rssMb.workers.map((v) => v ?? 0)), 1), '—', '—', '—', cell(result.load1AtStart, 1)]);
    } else if (result.kind === 'pipeline') {
      rows.push([
        result.ratePerSecond ? `${result.name} (paced, ${result.ratePerSecond}/s)` : result.name,
        String(result.workers),
        String(result.fanout),
        cell(result.deliveries.delivered),
        cell(result.deliveredPerSecond),
        pair(result.ingestMs?.p50, result.ingestMs?.p99),
        pair(result.endToEndMs?.p50, result.endToEndMs?.p99),
        cell(result.rssMb.api, 1),
        cell(result.rssMb.workerMax, 1),
        String(result.deliveries.badSignatures),
        String(result.deliveries.duplicates),
        String(result.deliveries.lost),
        cell(result.load1AtStart, 1),
      ]);
    } else {
      const notes = [`${result.impl} worker drain`, ...(result.runtime.startsWith('compiled') ? ['compiled JS'] : []), ...(result.origins === 1 ? ['1 origin'] : [])];
      rows.push([`${result.name} (${notes.join(', ')})`, '1', '1', cell(result.deliveries.delivered), cell(result.deliveredPerSecond), '—', '—', '—', cell(result.rssMb.workerMax, 1), String(result.deliveries.badSignatures), String(result.deliveries.duplicates), String(result.deliveries.lost), cell(result.load1AtStart, 1)]);
    }
  }
  return rows;
}

export function textTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

export function markdownTable(header: string[], rows: string[][]): string {
  const escape = (c: string) => c.replace(/\|/g, '\\|');
  return [`| ${header.map(escape).join(' | ')} |`, `|${header.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`, ...rows.map((r) => `| ${r.map(escape).join(' | ')} |`)].join('\n');
}

export function ratioLines(report: BenchReport): string[] {
  const r = report.ratios;
  return [
    `Hookline / bare ceiling (fan-out 1): ${cell(r.hooklineOverCeiling, 2)}`,
    `Hookline / naive (fan-out 1): ${cell(r.hooklineOverNaive, 2)} · (fan-out 10): ${cell(r.hooklineOverNaiveFanout10, 2)}`,
    `4 workers / 1 worker (fan-out 1): ${cell(r.scaling4wOver1w, 2)}`,
    `Hookline worker drain (10k due jobs, no API) / bare ceiling: ${cell(r.workerDrainOverCeiling, 2)}`,
    ...(pipeline(report, 'hookline-ingest-paced')
      ? [`Ingest p99 paced at ${pipeline(report, 'hookline-ingest-paced')!.ratePerSecond}/s (a quarter of the back-to-back rate): ${cell(pipeline(report, 'hookline-ingest-paced')!.ingestMs?.p99, 1)} ms`]
      : []),
  ];
}

export function targetLines(targets: Target[]): string[] {
  return targets.map((t) => `${t.met ? 'met    ' : 'NOT MET'}  ${t.name}: ${cell(t.value, 2)} (goal ${t.goal})`);
}

export const COLORS: Record<string, string> = {
  Hookline: '#2f6fdf',
  'BullMQ no-op ceiling': '#9aa5b1',
  'naive (got + Prisma per row)': '#e8833a',
  'Hookline worker alone (10k due jobs)': '#7fb0ff',
  'ingest p50': '#8fb8f0',
  'ingest p99': '#2f6fdf',
  'enqueue→delivery p50': '#f3b37c',
  'enqueue→delivery p99': '#d2611c',
};

export function plotInput(report: BenchReport): PlotInput {
  const workerCounts = [1, 2, 4];
  const throughput = workerCounts.map((w) => ({
    label: `${w} worker${w > 1 ? 's' : ''}`,
    values: [
      { series: 'Hookline', value: pipeline(report, `scaling-${w}w`)?.deliveredPerSecond ?? null },
      { series: 'BullMQ no-op ceiling', value: ceiling(report, `ceiling-${w}w`)?.jobsPerSecond ?? null },
      ...(w === 1
        ? [
            { series: 'naive (got + Prisma per row)', value: pipeline(report, 'naive-fanout1')?.deliveredPerSecond ?? null },
            { series: 'Hookline worker alone (10k due jobs)', value: due(report, 'due-10k')?.deliveredPerSecond ?? null },
          ]
        : []),
    ],
  }));
  const latency = [
    ['hookline-fanout1', 'Hookline ×1'],
    ['hookline-fanout10', 'Hookline ×10'],
    ['naive-fanout1', 'naive ×1'],
    ['naive-fanout10', 'naive ×10'],
  ].map(([name, label]) => {
    const p = pipeline(report, name!);
    return {
      label: label!,
      values: [
        { series: 'ingest p50', value: p?.ingestMs?.p50 ?? null },
        { series: 'ingest p99', value: p?.ingestMs?.p99 ?? null },
        { series: 'enqueue→delivery p50', value: p?.endToEndMs?.p50 ?? null },
        { series: 'enqueue→delivery p99', value: p?.endToEndMs?.p99 ?? null },
      ],
    };
  });
  return {
    title: `Hookline benchmark (${report.mode} run, ${report.generatedAt.slice(0, 16).replace('T', ' ')} UTC)`,
    subtitle: `${report.machine.cpus} cores · Node ${report.machine.node} · PostgreSQL + Redis on the same machine · 32 producers · worker concurrency 200`,
    throughput,
    latency,
    colors: COLORS,
  };
}
