import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { REPO_ROOT } from './config';

/** A Node child started by the harness: `node --import tsx <script>`. */
export interface Child {
  name: string;
  process: ChildProcess;
  pid: number;
  exited: Promise<number | null>;
  /** The last lines it printed, for the error message when it dies. */
  tail(): string;
}

const running = new Set<Child>();

export interface SpawnOptions {
  env: Record<string, string>;
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

export function spawnNode(name: string, script: string, options: SpawnOptions): Child {
  const args = options.tsx === false ? [] : ['--import', 'tsx'];
  if (options.cpuProfileDir) args.push('--cpu-prof', `--cpu-prof-dir=${path.join(options.cpuProfileDir, name)}`);
  args.push(path.resolve(REPO_ROOT, script));
  const env: NodeJS.ProcessEnv = { ...process.env, ...options.env };
  // A NODE_OPTIONS inherited from a test runner (e.g. --experimental-vm-modules) is not what is measured.
  delete env.NODE_OPTIONS;
  const proc = spawn(process.execPath, args, {
    cwd: REPO_ROOT,
    env,
    stdio: options.ipc ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'],
  });
  if (proc.pid === undefined) throw new Error(`could not start ${name}`);
  const lines: string[] = [];
  const keep = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) lines.push(line.slice(0, 500));
    if (lines.length > 40) lines.splice(0, lines.length - 40);
  };
  proc.stdout!.on('data', keep);
  proc.stderr!.on('data', keep);
  const child: Child = {
    name,
    process: proc,
    pid: proc.pid,
    exited: new Promise((resolve) => proc.once('exit', (code, signal) => resolve(code ?? (signal ? -1 : null)))),
    tail: () => lines.join('\n'),
  };
  running.add(child);
  void child.exited.then(() => running.delete(child));
  return child;
}

/** SIGTERM, then SIGKILL if it does not exit within the grace period. Returns the exit code. */
export async function stopChild(child: Child, graceMs = 15_000): Promise<number | null> {
  if (child.process.exitCode !== null || child.process.signalCode !== null) return child.exited;
  child.process.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const killed = new Promise<number | null>((resolve) => {
    timer = setTimeout(() => {
      child.process.kill('SIGKILL');
      resolve(-9);
    }, graceMs);
  });
  const code = await Promise.race([child.exited, killed]);
  clearTimeout(timer);
  return code;
}

/** Only the processes this harness started, by their own pid. */
export function killAllChildren(): void {
  for (const child of running) {
    try {
      child.process.kill('SIGKILL');
    } catch {
      // Already gone.
    }
  }
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

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls until GET url answers 200, the child dies, or the time is up. */
export async function waitForHttp(url: string, child: Child, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let died = false;
  void child.exited.then(() => (died = true));
  while (Date.now() < deadline) {
    if (died) throw new Error(`${child.name} exited during start-up:\n${child.tail()}`);
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
