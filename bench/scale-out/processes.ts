import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';

/** CPU time (user + system) of a process and its threads, in ms, from /proc. */
export function processCpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of the whole line; clock ticks are 100 per second on Linux.
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return 0;
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const CPU_ROOT = '/sys/fs/cgroup/cpu';

/**
 * A CPU cap of `cores` for one process: cgroup v2 `cpu.max` when the unified
 * hierarchy is mounted with the cpu controller, else v1 `cpu.cfs_quota_us`.
 * Null (with the reason) when neither can be made here.
 */
export class CpuCap {
  private constructor(
    readonly dir: string,
    private readonly procsFile: string,
  ) {}

  static create(name: string, cores: number): CpuCap | string {
    const period = 100_000;
    const quota = Math.round(cores * period);
    try {
      const v2 = '/sys/fs/cgroup/cgroup.controllers';
      if (existsSync(v2) && readFileSync(v2, 'utf8').split(/\s+/).includes('cpu')) {
        const dir = path.join('/sys/fs/cgroup', name);
        if (!existsSync(dir)) mkdirSync(dir);
        writeFileSync(path.join(dir, 'cpu.max'), `${quota} ${period}`);
        return new CpuCap(dir, path.join(dir, 'cgroup.procs'));
      }
      if (existsSync(path.join(CPU_ROOT, 'cpu.cfs_quota_us'))) {
        const dir = path.join(CPU_ROOT, name);
        if (!existsSync(dir)) mkdirSync(dir);
        writeFileSync(path.join(dir, 'cpu.cfs_period_us'), String(period));
        writeFileSync(path.join(dir, 'cpu.cfs_quota_us'), String(quota));
        return new CpuCap(dir, path.join(dir, 'cgroup.procs'));
      }
      return 'no cgroup cpu controller (neither v2 cpu.max nor v1 cpu.cfs_quota_us)';
    } catch (error) {
      return `cannot make a cgroup: ${(error as Error).message}`;
    }
  }

  add(pid: number): void {
    writeFileSync(this.procsFile, String(pid));
  }

  remove(): void {
    try {
      rmdirSync(this.dir);
    } catch {
      // Still has a process (one that did not exit yet): left for the next run, which reuses it.
    }
  }
}

const children = new Set<ChildProcess>();

export function start(command: string, args: string[], env: NodeJS.ProcessEnv, log: string[]): ChildProcess {
  const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  const keep = (chunk: Buffer) => {
    log.push(chunk.toString());
    if (log.length > 200) log.shift();
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  child.once('exit', () => children.delete(child));
  return child;
}

export async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

export function killAll(): void {
  for (const child of children) child.kill('SIGKILL');
}

export async function waitForLine(log: string[], pattern: RegExp, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!log.some((line) => pattern.test(line))) {
    if (Date.now() > deadline) throw new Error(`${what} did not start: ${log.join('').slice(-500)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
