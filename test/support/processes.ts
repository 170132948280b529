import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';

/**
 * Child processes for the fault cases, the benchmark and the security tests:
 * only the processes started here are ever signalled, each by its own pid.
 */

export const REPO_ROOT = path.resolve(__dirname, '../..');

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export interface Child {
  name: string;
  process: ChildProcess;
  pid: number;
  /** Resolves with the exit code, or the signal name when it was killed. */
  exited: Promise<number | string | null>;
  /** Every line it printed (stdout and stderr), bounded. */
  lines: string[];
  /** The last lines, for the error message when it dies. */
  tail(): string;
  alive(): boolean;
}

export interface SpawnOptions {
  env?: Record<string, string>;
  /**
   * Adds --cpu-prof, writing into <dir>/<name>/ when the process exits normally:
   * one file per thread (tsx's loader hooks run on a thread of their own), the
   * main thread's named CPU.<date>.<time>.<pid>.0.<seq>.cpuprofile.
   */
  cpuProfileDir?: string;
  ipc?: boolean;
  /** Run the script through tsx (default) or as plain JavaScript. */
  tsx?: boolean;
}

const MAX_LINES = 50_000;
const running = new Set<Child>();

export function spawnChild(name: string, command: string, args: string[], env: Record<string, string> = {}, ipc = false): Child {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  // A NODE_OPTIONS inherited from the test runner is not what production runs (or the benchmark measures) with.
  delete childEnv.NODE_OPTIONS;
  const proc = spawn(command, args, { cwd: REPO_ROOT, env: childEnv, stdio: ipc ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'] });
  if (proc.pid === undefined) throw new Error(`could not start ${name}`);
  const lines: string[] = [];
  let partial = { out: '', err: '' };
  const keep = (stream: 'out' | 'err') => (chunk: Buffer) => {
    const text = partial[stream] + chunk.toString('utf8');
    const parts = text.split('\n');
    partial = { ...partial, [stream]: parts.pop() ?? '' };
    for (const line of parts) if (line.trim() && lines.length < MAX_LINES) lines.push(line);
  };
  proc.stdout!.on('data', keep('out'));
  proc.stderr!.on('data', keep('err'));
  const child: Child = {
    name,
    process: proc,
    pid: proc.pid,
    lines,
    exited: new Promise((resolve) =>
      proc.once('exit', (code, signal) => {
        for (const rest of [partial.out, partial.err]) if (rest.trim()) lines.push(rest);
        resolve(code ?? signal);
      }),
    ),
    tail: () => [...lines.slice(-40), partial.out, partial.err].filter((l) => l.trim()).map((l) => l.slice(0, 500)).join('\n'),
    alive: () => proc.exitCode === null && proc.signalCode === null,
  };
  running.add(child);
  void child.exited.then(() => running.delete(child));
  return child;
}

/** `node [--import tsx] <script>`, from the repository root. */
export function spawnNode(name: string, script: string, options: SpawnOptions = {}): Child {
  const args = options.tsx === false ? [] : ['--import', 'tsx'];
  if (options.cpuProfileDir) args.push('--cpu-prof', `--cpu-prof-dir=${path.join(options.cpuProfileDir, name)}`);
  args.push(path.resolve(REPO_ROOT, script));
  return spawnChild(name, process.execPath, args, options.env, options.ipc);
}

export function kill9(child: Child): void {
  if (child.alive()) child.process.kill('SIGKILL');
}

/** SIGTERM, then SIGKILL after `graceMs`: the exit code, the signal, or 'SIGKILL (did not stop in time)'. */
export async function terminate(child: Child, graceMs = 20_000): Promise<number | string | null> {
  if (!child.alive()) return child.exited;
  child.process.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const forced = new Promise<string>((resolve) => {
    timer = setTimeout(() => {
      kill9(child);
      resolve('SIGKILL (did not stop in time)');
    }, graceMs);
  });
  const result = await Promise.race([child.exited, forced]);
  clearTimeout(timer);
  return result;
}

/** terminate() as a number, as the benchmark reports it: -9 when it had to be killed, -1 for another signal. */
export async function stopChild(child: Child, graceMs = 15_000): Promise<number | null> {
  const result = await terminate(child, graceMs);
  if (typeof result !== 'string') return result;
  return result.startsWith('SIGKILL (') ? -9 : -1;
}

/** Every child started here that still runs, killed by pid. */
export async function killAllChildren(): Promise<void> {
  const all = [...running];
  for (const child of all) kill9(child);
  await Promise.all(all.map((c) => c.exited));
}

/** Peak resident set (VmHWM) in MiB, from /proc; null when the process is gone. */
export function peakRssMb(pid: number): number | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /^VmHWM:\s+(\d+)\s+kB/m.exec(status);
    return match ? Math.round((Number(match[1]) / 1024) * 10) / 10 : null;
  } catch {
    return null;
  }
}

/** User + system CPU seconds the process has used so far (/proc/<pid>/stat, 100 ticks a second). */
export function cpuSeconds(pid: number): number | null {
  try {
    // The command name may hold spaces; the fields after its closing parenthesis do not.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Polls until GET url answers 200, the child dies, or the time is up. */
export async function waitForHttp(url: string, child: Child, timeoutMs = 45_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!child.alive()) throw new Error(`${child.name} exited during start-up:\n${child.tail()}`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1_000) });
      await response.arrayBuffer();
      if (response.status === 200) return;
    } catch {
      // Not listening yet.
    }
    await sleep(100);
  }
  throw new Error(`${child.name} was not ready at ${url} within ${timeoutMs} ms:\n${child.tail()}`);
}

/** Polls `probe` every `everyMs` until it returns a truthy value or the time is up. */
export async function poll<T>(probe: () => Promise<T | null | undefined | false>, timeoutMs: number, everyMs = 200): Promise<T | null> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() >= deadline) return null;
    await sleep(everyMs);
  }
}
