import { EnvError } from '@hookline/config';
import { parseWorkerEnv } from './env';

describe('worker environment', () => {
  it('reads the cluster, the shards and the shards this worker consumes', () => {
    const config = parseWorkerEnv({ REDIS_CLUSTER_NODES: '127.0.0.1:7000,127.0.0.1:7001', QUEUE_SHARDS: '6', WORKER_SHARDS: '0-1,5' });
    expect(config).toMatchObject({ REDIS_CLUSTER_NODES: [{ host: '127.0.0.1', port: 7000 }, { host: '127.0.0.1', port: 7001 }], QUEUE_SHARDS: 6, WORKER_SHARDS: [0, 1, 5] });
    const defaults = parseWorkerEnv({});
    expect([defaults.REDIS_CLUSTER_NODES, defaults.QUEUE_SHARDS, defaults.WORKER_SHARDS]).toEqual([undefined, 1, undefined]);
  });

  it.each([
    [{ QUEUE_SHARDS: '3', WORKER_SHARDS: '2-4' }, 'WORKER_SHARDS', 'Invalid environment variable WORKER_SHARDS: "2-4" names shard 4, but QUEUE_SHARDS=3 has shards 0-2'],
    [{ REDIS_CLUSTER_NODES: '127.0.0.1' }, 'REDIS_CLUSTER_NODES', 'Invalid environment variable REDIS_CLUSTER_NODES: "127.0.0.1" is not host:port (expected e.g. 10.0.0.1:7000,10.0.0.2:7000)'],
    [{ QUEUE_SHARDS: '1000' }, 'QUEUE_SHARDS', 'Invalid environment variable QUEUE_SHARDS: expected at most 256'],
  ])('stops on %j with one line naming it', (env, variable, line) => {
    let error: unknown;
    try {
      parseWorkerEnv(env);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(EnvError);
    expect((error as EnvError).variable).toBe(variable);
    expect((error as EnvError).message).toBe(line);
  });
});

describe('parseWorkerEnv: fairness and limits', () => {
  it('defaults to half the slots per organization and 64 requests in flight per webhook', () => {
    expect(parseWorkerEnv({})).toMatchObject({ WORKER_TENANT_SHARE: 0.5, WEBHOOK_DEFAULT_MAX_CONCURRENCY: 64 });
    expect(parseWorkerEnv({ WORKER_TENANT_SHARE: '0.25', WEBHOOK_DEFAULT_MAX_CONCURRENCY: '8' })).toMatchObject({ WORKER_TENANT_SHARE: 0.25, WEBHOOK_DEFAULT_MAX_CONCURRENCY: 8 });
  });

  it.each([
    [{ WORKER_TENANT_SHARE: '0' }, 'WORKER_TENANT_SHARE'],
    [{ WORKER_TENANT_SHARE: '1.5' }, 'WORKER_TENANT_SHARE'],
    [{ WEBHOOK_DEFAULT_MAX_CONCURRENCY: '0' }, 'WEBHOOK_DEFAULT_MAX_CONCURRENCY'],
    [{ WEBHOOK_DEFAULT_MAX_CONCURRENCY: 'many' }, 'WEBHOOK_DEFAULT_MAX_CONCURRENCY'],
  ])('names the variable in error for %j', (env, variable) => {
    let error: unknown;
    try {
      parseWorkerEnv(env);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(EnvError);
    expect((error as EnvError).variable).toBe(variable);
  });
});
