import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';
import { TEST_SECRETS_KEY } from '../support/env';

const ROOT = path.resolve(__dirname, '../..');

/** A port nothing listens on: the kernel hands one out, and it is closed again at once. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function start(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
      cwd: ROOT,
      env: { ...process.env, NODE_ENV: 'development', SECRETS_KEY: TEST_SECRETS_KEY, BOOTSTRAP_API_KEY: '', PORT: '0', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), 45_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('npm start without its services', () => {
  it('names each unreachable service, its address and the command that starts it, without a stack trace', async () => {
    const [pgPort, redisPort] = [await closedPort(), await closedPort()];
    const run = await start({ DATABASE_URL: `postgresql://postgres@127.0.0.1:${pgPort}/hookline`, REDIS_URL: `redis://127.0.0.1:${redisPort}` });
    expect(run.code).toBe(1);
    const lines = run.stderr.trim().split('\n');
    expect(lines).toEqual([
      expect.stringMatching(new RegExp(`^PostgreSQL is not reachable at 127\\.0\\.0\\.1:${pgPort} \\(DATABASE_URL\\); start it with: (docker compose up -d postgres redis|pg_ctlcluster .* main start)$`)),
      expect.stringMatching(new RegExp(`^Redis is not reachable at 127\\.0\\.0\\.1:${redisPort} \\(REDIS_URL\\); start it with: (docker compose up -d postgres redis|redis-server --daemonize yes .*--port ${redisPort}.*)$`)),
    ]);
    expect(run.stderr).not.toMatch(/^\s+at /m);
  }, 60_000);

  it('names only the one that is down', async () => {
    const redisPort = await closedPort();
    const run = await start({ DATABASE_URL: process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/hookline_test', REDIS_URL: `redis://127.0.0.1:${redisPort}` });
    expect(run.code).toBe(1);
    expect(run.stderr.trim()).toMatch(new RegExp(`^Redis is not reachable at 127\\.0\\.0\\.1:${redisPort} \\(REDIS_URL\\); start it with: \\S.*$`));
  }, 60_000);
});
