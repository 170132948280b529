import { spawn } from 'node:child_process';
import path from 'node:path';
import { generateApiKey } from '@hookline/db';
import { TEST_DATABASE_URL, TEST_REDIS_URL, TEST_SECRETS_KEY } from '../support/env';
import { testDb } from '../support/fixtures';

const ROOT = path.resolve(__dirname, '../..');

/** Starts the real API process with BOOTSTRAP_API_KEY, asks one question with the key, and stops it. */
async function startAndAsk(key: string): Promise<{ status: number; output: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'apps/api/src/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', DATABASE_URL: TEST_DATABASE_URL, REDIS_URL: TEST_REDIS_URL, PORT: '0', SECRETS_KEY: TEST_SECRETS_KEY, BOOTSTRAP_API_KEY: key, NODE_ENV: 'test' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  try {
    const deadline = Date.now() + 30_000;
    while (!output.includes('"api listening"')) {
      if (Date.now() > deadline) throw new Error(`the API did not start:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const port = Number(/"port":(\d+)/.exec(output)![1]);
    const answer = await fetch(`http://127.0.0.1:${port}/v1/documentations`, { headers: { authorization: `Bearer ${key}` } });
    return { status: answer.status, output };
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
}

describe('BOOTSTRAP_API_KEY', () => {
  it('creates the key once; a revoked bootstrap key stays revoked across restarts', async () => {
    const key = generateApiKey();
    expect((await startAndAsk(key)).status).toBe(200);
    const db = testDb();
    try {
      const prefix = key.split('_')[1]!;
      await db.prisma.apiKey.update({ where: { prefix }, data: { revokedAt: new Date() } });
      const restarted = await startAndAsk(key);
      expect(restarted.status).toBe(401);
      expect(restarted.output).toContain('BOOTSTRAP_API_KEY was revoked and stays revoked');
      const row = await db.prisma.apiKey.findUniqueOrThrow({ where: { prefix } });
      expect(row.revokedAt).not.toBeNull();
    } finally {
      await db.close();
    }
  }, 90_000);
});
