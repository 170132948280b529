/**
 * `npm start`: one command from a fresh clone to a running Hookline — creates
 * the database if missing, applies migrations, builds the dashboard when its
 * sources changed, starts the API (with the dashboard) and one worker, and
 * prints where to go. More workers: `npm run worker`, on any host.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { env, exitOnEnvError, loadSecretsKey, parseEnv } from '@hookline/config';
import { applyMigrations, generateApiKey } from '@hookline/db';
import { checkServices } from './services';

const root = path.resolve(__dirname, '..');
const DEV_KEY_FILE = path.join(root, '.hookline/dev-api-key');

function developmentKey(): string {
  if (existsSync(DEV_KEY_FILE)) return readFileSync(DEV_KEY_FILE, 'utf8').trim();
  const key = generateApiKey();
  mkdirSync(path.dirname(DEV_KEY_FILE), { recursive: true, mode: 0o700 });
  writeFileSync(DEV_KEY_FILE, `${key}\n`, { mode: 0o600 });
  return key;
}

function newestMtime(dir: string): number {
  if (!existsSync(dir)) return 0;
  return readdirSync(dir, { withFileTypes: true }).reduce((latest, entry) => {
    const full = path.join(dir, entry.name);
    return Math.max(latest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }, 0);
}

function buildDashboardIfStale(): void {
  const app = path.join(root, 'apps/dashboard');
  if (!existsSync(path.join(app, 'package.json'))) return;
  const built = path.join(app, 'dist/index.html');
  const sources = Math.max(newestMtime(path.join(app, 'src')), statSync(path.join(app, 'index.html')).mtimeMs);
  if (existsSync(built) && statSync(built).mtimeMs >= sources) return;
  process.stdout.write('building the dashboard…\n');
  const result = spawnSync('npm', ['run', 'build', '-w', '@hookline/dashboard'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) throw new Error('the dashboard build failed');
}

async function waitForHealth(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`the API did not answer ${url} within ${timeoutMs / 1000} s`);
}

async function main(): Promise<void> {
  let config;
  let secretsKey: string;
  try {
    config = parseEnv(
      z.object({ DATABASE_URL: env.databaseUrl, REDIS_URL: env.redisUrl, PORT: env.port, NODE_ENV: env.nodeEnv, BOOTSTRAP_API_KEY: env.bootstrapApiKey, SECRETS_KEY: env.secretsKey }),
    );
    // Resolved once here (with its one warning in development) and handed to both processes.
    secretsKey = loadSecretsKey({ value: config.SECRETS_KEY, nodeEnv: config.NODE_ENV });
  } catch (error) {
    exitOnEnvError(error);
  }

  const unreachable = await checkServices(config.DATABASE_URL, config.REDIS_URL);
  if (unreachable.length) {
    process.stderr.write(unreachable.map((line) => `${line}\n`).join(''));
    process.exit(1);
  }

  const migration = await applyMigrations(config.DATABASE_URL);
  if (migration.created) process.stdout.write('created the database\n');
  if (migration.applied.length) process.stdout.write(`applied migrations: ${migration.applied.join(', ')}\n`);
  buildDashboardIfStale();

  const apiKey = config.BOOTSTRAP_API_KEY ?? (config.NODE_ENV === 'production' ? undefined : developmentKey());
  const childEnv = { ...process.env, SECRETS_KEY: secretsKey, ...(apiKey ? { BOOTSTRAP_API_KEY: apiKey } : {}) };
  const build = spawnSync(process.execPath, [path.join(root, 'scripts/build.mjs')], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) throw new Error('building the API and the worker failed');
  const start = (app: string) => spawn(process.execPath, ['--enable-source-maps', path.join(root, 'apps', app, 'dist/main.js')], { cwd: root, env: childEnv, stdio: 'inherit' });
  const children: ChildProcess[] = [start('api'), start('worker')];

  let stopping = false;
  const stop = (code: number) => {
    if (stopping) return;
    stopping = true;
    for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
    Promise.all(children.map((c) => (c.exitCode === null ? new Promise((r) => c.once('exit', r)) : null))).then(() => process.exit(code));
  };
  for (const child of children) child.once('exit', (code) => stop(code ?? 1));
  process.on('SIGINT', () => stop(0));
  process.on('SIGTERM', () => stop(0));

  const base = `http://localhost:${config.PORT}`;
  await waitForHealth(`${base}/healthz`, 60_000);
  const lines = [
    '',
    `Hookline is running: API ${base}/v1 · OpenAPI ${base}/openapi.json · one worker`,
    apiKey ? `Dashboard (signs you in): ${base}/#key=${apiKey}` : `Dashboard: ${base}/`,
    apiKey ? `API key: ${apiKey}` : 'No API key printed: set BOOTSTRAP_API_KEY.',
    apiKey ? `Try:  curl -H "Authorization: Bearer ${apiKey}" ${base}/v1/documentations` : '',
    'More workers: npm run worker   ·   Stop: Ctrl-C',
    '',
  ];
  process.stdout.write(lines.filter((l) => l !== undefined).join('\n'));
}

main().catch((error) => {
  process.stderr.write(`start failed: ${(error as Error).message}\n`);
  process.exit(1);
});
