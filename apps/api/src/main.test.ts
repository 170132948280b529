import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { generateApiKey } from '@hookline/db';
import { TEST_DATABASE_URL, TEST_REDIS_URL, TEST_SECRETS_KEY } from '../../../test/support/env';

const ROOT = path.resolve(__dirname, '../../..');

function start(env: Record<string, string>): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'apps/api/src/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

async function waitFor(predicate: () => boolean, what: string, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('main', () => {
  it('stops with one line naming a bad variable and exit code 78', async () => {
    const run = start({ PORT: 'eighty', SECRETS_KEY: TEST_SECRETS_KEY });
    expect(await run.exited).toBe(78);
    const lines = run.output().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^Invalid environment variable PORT: /);
  });

  it('refuses to start in production without SECRETS_KEY', async () => {
    const run = start({ NODE_ENV: 'production' });
    expect(await run.exited).toBe(78);
    expect(run.output()).toMatch(/^Invalid environment variable SECRETS_KEY: is required when NODE_ENV=production/);
  });

  it('bootstraps its API key, serves, and shuts down cleanly on SIGTERM', async () => {
    const key = generateApiKey();
    const run = start({ DATABASE_URL: TEST_DATABASE_URL, REDIS_URL: TEST_REDIS_URL, PORT: '0', SECRETS_KEY: TEST_SECRETS_KEY, BOOTSTRAP_API_KEY: key, NODE_ENV: 'test' });
    try {
      await waitFor(() => run.output().includes('"api listening"'), 'the server to listen');
      const port = Number(/"port":(\d+)/.exec(run.output())![1]);
      let ready = await fetch(`http://127.0.0.1:${port}/readyz`);
      for (let i = 0; i < 20 && ready.status !== 200; i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        ready = await fetch(`http://127.0.0.1:${port}/readyz`);
      }
      expect(ready.status).toBe(200);
      const list = await fetch(`http://127.0.0.1:${port}/v1/documentations`, { headers: { authorization: `Bearer ${key}` } });
      expect(list.status).toBe(200);

      run.child.kill('SIGTERM');
      run.child.kill('SIGTERM');
      expect(await run.exited).toBe(0);
      expect(run.output()).toContain('"stopped"');
      expect(run.output().match(/"shutting down"/g)).toHaveLength(1);
    } finally {
      run.child.kill('SIGKILL');
    }
  });
});
