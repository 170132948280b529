import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { SecretBox, type Db } from '@hookline/db';
import { DeliveryQueue, createRedis, type RedisClient } from '@hookline/queue';
import type { Tracing } from '@hookline/telemetry';
import IORedis, { type Redis } from 'ioredis';
import { createTenant, testDb, testQueuePrefix, type TestTenant } from '../../../../test/support/fixtures';
import { TEST_REDIS_URL, TEST_SECRETS_KEY } from '../../../../test/support/env';
import { createApp } from '../app';
import type { AppConfig } from '../context';
import { createLogger, type Logger } from '../logger';

/**
 * The real app on a random port, against the real test database and Redis,
 * with a queue prefix of its own. Tests talk to it over HTTP with fetch.
 */
export interface TestApi {
  baseUrl: string;
  db: Db;
  redis: RedisClient;
  queue: DeliveryQueue;
  secretBox: SecretBox;
  prefix: string;
  logs: string[];
  tenant(): Promise<TestTenant>;
  call(path: string, options?: CallOptions): Promise<Answer>;
  close(): Promise<void>;
}

export interface CallOptions {
  method?: string;
  key?: string;
  /** An object is sent as JSON; a string as it is. */
  body?: unknown;
  headers?: Record<string, string>;
}

export interface Answer {
  status: number;
  headers: Headers;
  // Tests read whatever fields they assert on.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

export interface TestApiOptions {
  /** A queue on another Redis client (e.g. an unreachable one); closed by close() too. */
  queue?: (prefix: string) => DeliveryQueue;
  /** The client the app announces on and checks readiness with (default: the working one); disconnected by close(). */
  appRedis?: () => Redis;
  redisTimeoutMs?: number;
  dashboardDir?: string;
  quotas?: AppConfig['quotas'];
  /** Limits of the definition routes (DEFINITION_MAX_BYTES, DIFF_PREVIEW_MAX_BYTES). */
  definitionMaxBytes?: number;
  diffPreviewMaxBytes?: number;
  inlineDeployBelowBytes?: number;
  /** Share a queue prefix (and so the invalidation channels) with another app: two API processes of one deployment. */
  prefix?: string;
  /** Default: off. */
  tracing?: Tracing;
}

export async function startTestApi(options: TestApiOptions = {}): Promise<TestApi> {
  const db = testDb();
  const redis = createRedis(TEST_REDIS_URL, 'producer');
  // A producer client refuses commands until connected (no offline queue); tests start from a connected one.
  if (redis.status !== 'ready') await once(redis, 'ready');
  const prefix = options.prefix ?? testQueuePrefix();
  const queue = options.queue ? options.queue(prefix) : new DeliveryQueue(redis, { prefix });
  const ownQueue = options.queue ? new DeliveryQueue(redis, { prefix }) : queue;
  const secretBox = new SecretBox(TEST_SECRETS_KEY);
  const logs: string[] = [];
  const logger: Logger = createLogger('debug', (line) => logs.push(line));
  const appRedis = options.appRedis ? options.appRedis() : redis;
  // Cache invalidations arrive here; with an unreachable appRedis the app runs without caches, as it would in an outage.
  const subscriber = options.appRedis ? null : createRedis(TEST_REDIS_URL, 'worker');
  const app = createApp({ config: {
      queuePrefix: prefix,
      redisTimeoutMs: options.redisTimeoutMs,
      dashboardDir: options.dashboardDir,
      quotas: options.quotas,
      definitionMaxBytes: options.definitionMaxBytes,
      diffPreviewMaxBytes: options.diffPreviewMaxBytes,
      inlineDeployBelowBytes: options.inlineDeployBelowBytes,
    }, db, queue, redis: appRedis, subscriber: subscriber ?? undefined, secretBox, logger, tracing: options.tracing });
  const server: Server = await new Promise((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const call = async (path: string, { method = 'GET', key, body, headers = {} }: CallOptions = {}): Promise<Answer> => {
    const init: RequestInit = { method, headers: { ...headers } };
    const sent = init.headers as Record<string, string>;
    if (key) sent.authorization = `Bearer ${key}`;
    if (body !== undefined) {
      init.body = typeof body === 'string' ? body : JSON.stringify(body);
      sent['content-type'] ??= 'application/json';
    }
    const response = await fetch(baseUrl + path, init);
    const text = await response.text();
    const type = response.headers.get('content-type') ?? '';
    return { status: response.status, headers: response.headers, body: type.includes('json') && text ? JSON.parse(text) : text };
  };

  return {
    baseUrl,
    db,
    redis,
    queue: ownQueue,
    secretBox,
    prefix,
    logs,
    tenant: () => createTenant(db),
    call,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await ownQueue.obliterate();
      await ownQueue.close();
      if (queue !== ownQueue) await queue.close();
      if (appRedis !== redis) appRedis.disconnect();
      await subscriber?.quit();
      await redis.quit();
      await db.close();
    },
  };
}

export interface StartedTestApi {
  api: TestApi;
  tenant: TestTenant;
  /** The tenant's API key. */
  key: string;
}

/**
 * The usual set-up of an API test file (or describe block): the app started
 * before its tests with one tenant, closed after them. `ready` hands them over,
 * e.g. `useTestApi((s) => ({ api, key } = s))`.
 */
export function useTestApi(ready: (started: StartedTestApi) => unknown, options: TestApiOptions = {}): void {
  let api: TestApi | undefined;
  beforeAll(async () => {
    api = await startTestApi(options);
    const tenant = await api.tenant();
    await ready({ api, tenant, key: tenant.apiKey });
  });
  afterAll(() => api?.close());
}

/** A documentation with `webhooks` webhooks, made through the API. */
export async function seedDocumentation(api: TestApi, key: string, webhooks: Array<{ breakingOnly?: boolean }> = [{}]) {
  const slug = `doc-${Math.random().toString(36).slice(2, 10)}`;
  const doc = await api.call('/v1/documentations', { method: 'POST', key, body: { slug, name: 'Payments API', humanUrl: 'https://docs.example.com/payments' } });
  if (doc.status !== 201) throw new Error(`seed documentation: ${doc.status} ${JSON.stringify(doc.body)}`);
  const created = [];
  for (const webhook of webhooks) {
    const answer = await api.call(`/v1/documentations/${slug}/webhooks`, { method: 'POST', key, body: { url: 'https://receiver.example.com/hooks', ...webhook } });
    if (answer.status !== 201) throw new Error(`seed webhook: ${answer.status} ${JSON.stringify(answer.body)}`);
    created.push(answer.body as { id: string; secret: string });
  }
  return { documentation: doc.body as { id: string; slug: string }, webhooks: created };
}

/**
 * Like createRedis(…, 'producer') but pointed at a closed port: commands fail
 * or wait, as during an outage. Short timeouts so no timer outlives a test.
 */
export function unreachableRedis(): Redis {
  const redis = new IORedis('redis://127.0.0.1:1', { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 200, disconnectTimeout: 50, retryStrategy: () => 100 });
  redis.on('error', () => undefined);
  return redis;
}

/** For startTestApi({ queue }): a delivery queue on an unreachable Redis, as during an outage; close() also drops its client. */
export function unreachableQueue(prefix: string): DeliveryQueue {
  const dead = unreachableRedis();
  const queue = new DeliveryQueue(dead, { prefix });
  queue.onError(() => undefined);
  const close = queue.close.bind(queue);
  queue.close = async () => {
    await close();
    dead.disconnect();
  };
  return queue;
}
