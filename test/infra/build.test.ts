import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { TEST_DATABASE_URL, TEST_REDIS_URL, TEST_SECRETS_KEY } from '../support/env';

const root = path.resolve(__dirname, '../..');

/** A port nothing listens on now: the kernel picks it. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
const bundle = (app: string) => path.join(root, 'apps', app, 'dist', 'main.js');

describe('the bundled API and worker (what npm start and the container run)', () => {
  beforeAll(() => {
    execFileSync(process.execPath, [path.join(root, 'scripts/build.mjs')], { cwd: root, stdio: 'pipe' });
  });

  it.each(['api', 'worker'])('%s stops on a bad variable with one line naming it', (app) => {
    const run = spawnSync(process.execPath, [bundle(app)], { env: { ...process.env, REDIS_URL: 'http://not-redis' }, encoding: 'utf8', timeout: 20_000 });
    expect(run.status).toBe(78);
    expect(run.stderr.trim()).toBe('Invalid environment variable REDIS_URL: expected a redis or rediss URL');
  });

  it('serves the API from the bundle', async () => {
    const port = await freePort();
    const api = spawn(process.execPath, [bundle('api')], {
      env: { ...process.env, PORT: String(port), DATABASE_URL: TEST_DATABASE_URL, REDIS_URL: TEST_REDIS_URL, SECRETS_KEY: TEST_SECRETS_KEY, QUEUE_PREFIX: '{hookline-build-test}', LOG_LEVEL: 'error' },
      stdio: 'ignore',
    });
    try {
      let ready: Response | null = null;
      for (let i = 0; i < 100 && !ready?.ok; i++) {
        ready = await fetch(`http://127.0.0.1:${port}/readyz`, { signal: AbortSignal.timeout(1_000) }).catch(() => null);
        if (!ready?.ok) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(ready?.status).toBe(200);
      const unauthorized = await fetch(`http://127.0.0.1:${port}/v1/documentations`);
      expect(unauthorized.status).toBe(401);
      expect(unauthorized.headers.get('content-type')).toMatch(/application\/problem\+json/);
    } finally {
      api.kill('SIGTERM');
      await new Promise((resolve) => (api.exitCode === null ? api.once('exit', resolve) : resolve(null)));
    }
  }, 60_000);
});
