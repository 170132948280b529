import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SecretBox, type Db } from '@hookline/db';
import { DeliveryQueue, createRedis } from '@hookline/queue';
import { createApp } from '../../../apps/api/src/app';
import { createLogger } from '../../../apps/api/src/logger';
import { TEST_REDIS_URL, TEST_SECRETS_KEY } from '../../support/env';
import { testDb, testQueuePrefix } from '../../support/fixtures';

export interface InProcessApi {
  baseUrl: string;
  db: Db;
  queue: DeliveryQueue;
  /** Every line the API logged (level debug). */
  logs: string[];
  close(): Promise<void>;
}

/** The real app (createApp) on a random loopback port, against the test database and Redis, with a queue prefix of its own. */
export async function startInProcessApi(): Promise<InProcessApi> {
  const db = testDb();
  const redis = createRedis(TEST_REDIS_URL, 'producer');
  const prefix = testQueuePrefix();
  const queue = new DeliveryQueue(redis, { prefix });
  const logs: string[] = [];
  const app = createApp({
    config: { queuePrefix: prefix },
    db,
    queue,
    redis,
    secretBox: new SecretBox(TEST_SECRETS_KEY),
    logger: createLogger('debug', (line) => logs.push(line)),
  });
  const server: Server = await new Promise((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    db,
    queue,
    logs,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await queue.obliterate();
      await queue.close();
      await redis.quit();
      await db.close();
    },
  };
}
