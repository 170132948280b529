import type { AddressInfo } from 'node:net';
import { SecretBox, createDb, generateApiKey } from '@hookline/db';
import { DeliveryQueue, createRedis } from '@hookline/queue';
import { createLogger } from '@hookline/telemetry';
import { TEST_REDIS_URL, TEST_SECRETS_KEY } from '../../../../test/support/env';
import { testQueuePrefix } from '../../../../test/support/fixtures';
import { createApp } from '../app';
import { isDatabaseUnavailable } from './errors';

describe('PostgreSQL unreachable', () => {
  it('answers 503 problem+json with Retry-After, not 500', async () => {
    // Nothing listens on port 1: every query fails to connect, as during a restart.
    const db = createDb('postgresql://postgres@127.0.0.1:1/hookline', { max: 1 });
    const redis = createRedis(TEST_REDIS_URL, 'producer');
    const prefix = testQueuePrefix();
    const queue = new DeliveryQueue(redis, { prefix });
    const logs: string[] = [];
    const app = createApp({ config: { queuePrefix: prefix }, db, queue, redis, secretBox: new SecretBox(TEST_SECRETS_KEY), logger: createLogger('api', 'debug', {}, (line) => logs.push(line)) });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      const answer = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/documentations`, { headers: { authorization: `Bearer ${generateApiKey()}` } });
      expect(answer.status).toBe(503);
      expect(answer.headers.get('content-type')).toMatch(/application\/problem\+json/);
      expect(answer.headers.get('retry-after')).toBe('5');
      expect(((await answer.json()) as { type: string }).type).toMatch(/database-unavailable/);
      expect(logs.some((line) => line.includes('"level":"error"'))).toBe(false);
    } finally {
      server.close();
      await queue.close();
      await redis.quit();
      await db.close();
    }
  });

  it('tells connection failures from query errors', () => {
    expect(isDatabaseUnavailable(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }))).toBe(true);
    expect(isDatabaseUnavailable(Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }))).toBe(true);
    expect(isDatabaseUnavailable(new Error('wrapped', { cause: Object.assign(new Error('x'), { code: '08006' }) }))).toBe(true);
    expect(isDatabaseUnavailable(Object.assign(new Error("Can't reach database server at 127.0.0.1:5432"), { code: 'P1001' }))).toBe(true);
    expect(isDatabaseUnavailable(Object.assign(new Error('duplicate key value'), { code: '23505' }))).toBe(false);
    expect(isDatabaseUnavailable(Object.assign(new Error('Unique constraint failed'), { code: 'P2002' }))).toBe(false);
    expect(isDatabaseUnavailable(new TypeError('undefined is not a function'))).toBe(false);
  });
});
