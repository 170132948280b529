import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { createApp, silentLogger } from '@hookline/api';
import type { Db } from '@hookline/db';
import { DeliveryQueue, createRedis } from '@hookline/queue';
import { createLogger } from '@hookline/telemetry';
import { VersionWorker } from '../../apps/worker/src/versions/version-worker';
import { TEST_REDIS_URL } from './env';
import { createTenant, testDb, testQueuePrefix, type TestTenant } from './fixtures';
import { Receiver, type Responder } from './receiver';
import { testSecretBox } from './seed';
import { startTestWorker } from './worker';

const ROOT = path.resolve(__dirname, '../..');
const DASHBOARD = path.join(ROOT, 'apps/dashboard');
export const DASHBOARD_DIST = path.join(DASHBOARD, 'dist');

/** Short, so a failing endpoint goes through its retries within a test. */
export const IN_PROCESS_RETRY_SCHEDULE = [0.3, 0.6];

function newestMtime(entry: string): number {
  if (!existsSync(entry)) return 0;
  const stat = statSync(entry);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(entry).reduce((latest, name) => Math.max(latest, newestMtime(path.join(entry, name))), 0);
}

/** The dashboard as `npm start` serves it: built once, again only when a source is newer than the build. */
export function buildDashboardIfStale(): void {
  const built = path.join(DASHBOARD_DIST, 'index.html');
  const sources = Math.max(...['src', 'index.html', 'vite.config.ts', 'package.json'].map((name) => newestMtime(path.join(DASHBOARD, name))));
  if (existsSync(built) && statSync(built).mtimeMs >= sources) return;
  const result = spawnSync('npm', ['run', 'build', '-w', '@hookline/dashboard'], { cwd: ROOT, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`the dashboard build failed:\n${result.stdout}\n${result.stderr}`);
}

export interface InProcessStack {
  baseUrl: string;
  db: Db;
  receiver: Receiver;
  tenant(): Promise<TestTenant>;
  /** A /v1 call with an API key, as a script or CI job would make it. */
  call<T = any>(key: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
  close(): Promise<void>;
}

/**
 * The whole of Hookline in this process, on real PostgreSQL and Redis: the
 * API app serving the built dashboard, one delivery worker on a queue prefix
 * of its own, and a receiver standing in for the user's endpoint.
 */
export async function startInProcessStack(respond?: Responder): Promise<InProcessStack> {
  buildDashboardIfStale();
  const db = testDb();
  const prefix = testQueuePrefix();
  const secretBox = testSecretBox();
  const redis = createRedis(TEST_REDIS_URL, 'producer');
  const queue = new DeliveryQueue(redis, { prefix });
  const app = createApp({ config: { queuePrefix: prefix, dashboardDir: DASHBOARD_DIST }, db, queue, redis, secretBox, logger: silentLogger });

  const server: Server = await new Promise((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const worker = await startTestWorker({ db, secretBox, prefix }, { retrySchedule: IN_PROCESS_RETRY_SCHEDULE, concurrency: 10 });
  const versionsRedis = createRedis(TEST_REDIS_URL, 'worker');
  const versions = new VersionWorker({ db, connection: versionsRedis, deliveries: worker.queue, logger: createLogger('versions-test', 'silent'), prefix });
  await versions.start();
  const receiver = new Receiver(respond);
  await receiver.start();

  const call: InProcessStack['call'] = async (key, method, route, body) => {
    const response = await fetch(baseUrl + route, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  };

  return {
    baseUrl,
    db,
    receiver,
    tenant: () => createTenant(db),
    call,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // The browser keeps connections alive; they would hold close() open.
      server.closeAllConnections();
      await closed;
      await versions.close();
      await versionsRedis.quit();
      await worker.close();
      await receiver.stop();
      await queue.obliterate();
      await queue.close();
      await redis.quit();
      await db.close();
    },
  };
}
