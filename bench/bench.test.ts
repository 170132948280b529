import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { REQUIRED_SCENARIOS, type BenchReport, type ScenarioResult } from './lib/results';

/**
 * The benchmark is not a timed test: this runs `npm run bench -- --quick` into
 * a temporary folder and checks that what it wrote is whole and sane — every
 * scenario there, counts positive, nothing lost, every signature valid — not
 * how fast anything was.
 */
const ROOT = path.resolve(__dirname, '..');

function runBench(outDir: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn('npm', ['run', 'bench', '--', '--quick', '--out', outDir], { cwd: ROOT, env: process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    // The harness stops itself after 240 s; this only guards against a harness that cannot.
    const timer = setTimeout(() => child.kill('SIGINT'), 280_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

const positive = (value: unknown) => typeof value === 'number' && Number.isFinite(value) && value > 0;

describe('npm run bench -- --quick', () => {
  let outDir: string;
  let report: BenchReport;
  let svg: string;

  beforeAll(async () => {
    outDir = mkdtempSync(path.join(tmpdir(), 'hookline-bench-'));
    const { code, output } = await runBench(outDir);
    if (code !== 0) throw new Error(`bench exited with ${code}:\n${output.slice(-4000)}`);
    report = JSON.parse(readFileSync(path.join(outDir, 'latest.json'), 'utf8')) as BenchReport;
    svg = readFileSync(path.join(outDir, 'latest.svg'), 'utf8');
  }, 300_000);

  afterAll(() => {
    if (outDir) rmSync(outDir, { recursive: true, force: true });
  });

  it('writes a quick report with every scenario', () => {
    expect(report.version).toBe(1);
    expect(report.mode).toBe('quick');
    expect(Object.keys(report.scenarios)).toEqual(expect.arrayContaining([...REQUIRED_SCENARIOS]));
  });

  it('measures positive, finite numbers in every scenario', () => {
    for (const name of REQUIRED_SCENARIOS) {
      const result = report.scenarios[name] as ScenarioResult;
      if (result.kind === 'ceiling') {
        expect({ name, jobs: result.completed }).toEqual({ name, jobs: result.jobs });
        expect(positive(result.jobsPerSecond)).toBe(true);
        continue;
      }
      expect(positive(result.deliveries.expected)).toBe(true);
      expect(positive(result.deliveredPerSecond)).toBe(true);
      expect(positive(result.durationS)).toBe(true);
      expect(result.rssMb.workers.every(positive)).toBe(true);
      if (result.kind === 'pipeline') {
        expect(positive(result.rssMb.api)).toBe(true);
        for (const stat of [result.ingestMs, result.endToEndMs]) {
          expect(stat).not.toBeNull();
          expect([stat!.p50, stat!.p99].every(positive)).toBe(true);
          expect(stat!.p99).toBeGreaterThanOrEqual(stat!.p50);
        }
      }
    }
  });

  it('loses nothing and every signature verifies', () => {
    for (const name of REQUIRED_SCENARIOS) {
      const result = report.scenarios[name] as ScenarioResult;
      if (result.kind === 'ceiling') continue;
      expect({ name, lost: result.deliveries.lost, bad: result.deliveries.badSignatures, unknown: result.deliveries.unknownHook }).toEqual({ name, lost: 0, bad: 0, unknown: 0 });
      expect(result.deliveries.delivered).toBe(result.deliveries.expected);
      expect(result.stored.byStatus.succeeded).toBe(result.stored.deliveries);
    }
  });

  it('summarizes a CPU profile of the API and the worker', () => {
    const processes = report.profile?.processes.map((p) => p.process) ?? [];
    expect(processes.some((p) => p.startsWith('api'))).toBe(true);
    expect(processes.some((p) => p.startsWith('worker'))).toBe(true);
    for (const p of report.profile!.processes) expect(p.topFunctions.length).toBeGreaterThan(0);
  });

  it('computes the ratios and targets', () => {
    expect(positive(report.ratios.hooklineOverCeiling)).toBe(true);
    expect(positive(report.ratios.hooklineOverNaive)).toBe(true);
    expect(positive(report.ratios.scaling4wOver1w)).toBe(true);
    expect(report.targets.length).toBeGreaterThanOrEqual(4);
  });

  it('draws an SVG with the throughput and latency series', () => {
    expect(svg.trimStart().startsWith('<svg')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    // XML-ish: every element that opens also closes.
    for (const tag of ['svg', 'g', 'text', 'title']) {
      expect((svg.match(new RegExp(`<${tag}[ >]`, 'g')) ?? []).length).toBe((svg.match(new RegExp(`</${tag}>`, 'g')) ?? []).length);
    }
    for (const series of ['Hookline', 'BullMQ no-op ceiling', 'naive (got + Prisma per row)', 'ingest p99', 'enqueue→delivery p99']) {
      expect(svg).toContain(`data-series="${series}"`);
    }
    expect(svg).toMatch(/<rect class="bar series-hookline"[^>]* height="\d/);
  });
});
