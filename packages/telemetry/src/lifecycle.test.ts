import { spawn } from 'node:child_process';
import path from 'node:path';

const SCRIPT = path.join(__dirname, 'testing/lifecycle-process.ts');

/** Runs the script as its own Node process; `signal` is sent once it says ready. */
function run(mode: string, signal?: NodeJS.Signals): Promise<{ code: number | null; lines: string[] }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT, mode], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk;
      if (signal && out.includes('ready\n')) child.kill(signal);
    });
    child.stderr.on('data', (chunk: Buffer) => (out += chunk));
    // Generous: a loaded machine can take seconds just to start tsx.
    const timer = setTimeout(() => child.kill('SIGKILL'), 45_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, lines: out.trim().split('\n') });
    });
  });
}

const messages = (lines: string[]) => lines.map((line) => (line.startsWith('{') ? (JSON.parse(line) as { msg: string }).msg : line));

// Concurrent: each case is a process of its own, and most of its time is starting tsx.
describe('the process lifecycle of the API and the worker', () => {
  it.concurrent('logs an unhandled rejection, stops gracefully, and exits 1', async () => {
    const { code, lines } = await run('reject');
    expect(messages(lines)).toEqual(['ready', 'unhandled promise rejection', 'shutting down', 'closed after unhandledRejection', 'stopped']);
    expect(lines.find((l) => l.includes('unhandled promise rejection'))).toContain('nobody awaited this');
    expect(code).toBe(1);
  }, 60_000);

  it.concurrent('logs an uncaught exception, stops gracefully, and exits 1', async () => {
    const { code, lines } = await run('throw');
    expect(messages(lines)).toEqual(['ready', 'uncaught exception', 'shutting down', 'closed after uncaughtException', 'stopped']);
    expect(code).toBe(1);
  }, 60_000);

  it.concurrent('logs a failing stop instead of rejecting unhandled, and still exits 1', async () => {
    const { code, lines } = await run('stop-fails');
    expect(messages(lines)).toEqual(['ready', 'unhandled promise rejection', 'shutting down', 'shutdown failed']);
    expect(lines.find((l) => l.includes('shutdown failed'))).toContain('cannot stop after unhandledRejection');
    expect(code).toBe(1);
  }, 60_000);

  it.concurrent('stops once on SIGTERM and ends by itself with 0', async () => {
    const { code, lines } = await run('wait', 'SIGTERM');
    expect(messages(lines)).toEqual(['ready', 'shutting down', 'closed after SIGTERM', 'stopped']);
    expect(code).toBe(0);
  }, 60_000);
});
