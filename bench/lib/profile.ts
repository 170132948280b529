import { readFileSync } from 'node:fs';
import path from 'node:path';

/** What `node --cpu-prof` writes (the V8 CPU profile format). */
interface CpuProfile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }>;
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface ProfileEntry {
  name: string;
  where: string;
  selfMs: number;
  /** Share of the busy (non-idle) time. */
  percent: number;
}

export interface ProcessProfile {
  process: string;
  file: string;
  wallMs: number;
  busyMs: number;
  /** Busy time / wall time: 1.0 is one core saturated. */
  busyShare: number;
  topFunctions: ProfileEntry[];
  byPackage: Array<{ name: string; selfMs: number; percent: number }>;
}

export interface ProfileSummary {
  scenario: string;
  processes: ProcessProfile[];
}

const SPECIAL = new Set(['(idle)', '(program)', '(garbage collector)', '(root)']);

/** Where the code lives: a dependency, a workspace package, or Node/V8 itself. */
export function packageOf(url: string, functionName: string): string {
  if (SPECIAL.has(functionName)) return functionName;
  if (url === '') return '(native / V8 builtins)';
  if (url.startsWith('node:')) return 'node core';
  const modules = url.lastIndexOf('/node_modules/');
  if (modules !== -1) {
    const parts = url.slice(modules + '/node_modules/'.length).split('/');
    return parts[0]!.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!;
  }
  const workspace = /\/(apps|packages)\/([^/]+)\//.exec(url);
  if (workspace) return workspace[1] === 'packages' ? `@hookline/${workspace[2]}` : `apps/${workspace[2]}`;
  return url.split('/').slice(-2).join('/');
}

function shortLocation(url: string, line: number): string {
  if (url === '') return '';
  const trimmed = url.replace(/^file:\/\//, '');
  const modules = trimmed.lastIndexOf('/node_modules/');
  const tail = modules !== -1 ? trimmed.slice(modules + '/node_modules/'.length) : trimmed.replace(/^.*?\/(apps|packages|bench)\//, '$1/');
  return `${tail}:${line + 1}`;
}

/** Self time per function (samples × their time deltas), the top N, and self time per package. */
export function summarizeCpuProfile(file: string, processName: string, top = 15): ProcessProfile {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i += 1) {
    const id = profile.samples[i]!;
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  const functions = new Map<string, { name: string; where: string; us: number }>();
  const packages = new Map<string, number>();
  let idleUs = 0;
  let totalUs = 0;
  for (const [id, us] of selfUs) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    totalUs += us;
    if (functionName === '(idle)') {
      idleUs += us;
      continue;
    }
    const name = functionName || '(anonymous)';
    const where = shortLocation(url, lineNumber);
    const key = `${name}@${where}`;
    const entry = functions.get(key) ?? { name, where, us: 0 };
    entry.us += us;
    functions.set(key, entry);
    const pkg = packageOf(url, functionName);
    packages.set(pkg, (packages.get(pkg) ?? 0) + us);
  }
  const busyUs = totalUs - idleUs;
  const pct = (us: number) => Math.round((us / Math.max(busyUs, 1)) * 1000) / 10;
  const ms = (us: number) => Math.round(us / 100) / 10;
  const wallUs = profile.endTime - profile.startTime;
  return {
    process: processName,
    file: path.basename(file),
    wallMs: ms(wallUs),
    busyMs: ms(busyUs),
    busyShare: Math.round((busyUs / Math.max(wallUs, 1)) * 100) / 100,
    topFunctions: [...functions.values()]
      .sort((a, b) => b.us - a.us)
      .slice(0, top)
      .map((f) => ({ name: f.name, where: f.where, selfMs: ms(f.us), percent: pct(f.us) })),
    byPackage: [...packages.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => ({ name, selfMs: ms(us), percent: pct(us) })),
  };
}

/** Plain-text rendering for the terminal and the docs. */
export function formatProfile(summary: ProcessProfile): string {
  const lines = [
    `${summary.process}: ${summary.busyMs} ms busy of ${summary.wallMs} ms sampled (${Math.round(summary.busyShare * 100)} % of one core)`,
    '  self time by package:',
    ...summary.byPackage.slice(0, 10).map((p) => `    ${p.percent.toFixed(1).padStart(5)} %  ${p.selfMs.toFixed(0).padStart(6)} ms  ${p.name}`),
    '  top functions by self time:',
    ...summary.topFunctions.map((f) => `    ${f.percent.toFixed(1).padStart(5)} %  ${f.selfMs.toFixed(0).padStart(6)} ms  ${f.name}  ${f.where}`),
  ];
  return lines.join('\n');
}
