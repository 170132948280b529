import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { EnvError } from '@hookline/config';
import { QUEUE_PREFIX } from '@hookline/queue';
import { loadApiConfig } from './env';

const KEY = Buffer.alloc(32, 9).toString('base64');
const tempFile = () => path.join(mkdtempSync(path.join(tmpdir(), 'hookline-env-')), 'nested', 'secrets.key');

describe('loadApiConfig', () => {
  it('applies the defaults of the contract', () => {
    const config = loadApiConfig({ SECRETS_KEY: KEY });
    expect(config).toMatchObject({
      databaseUrl: 'postgresql://postgres@127.0.0.1:5432/hookline',
      redisUrl: 'redis://127.0.0.1:6379',
      port: 3000,
      nodeEnv: 'development',
      bootstrapApiKey: undefined,
      secretsKey: KEY,
      queuePrefix: QUEUE_PREFIX,
    });
  });

  it('reads the quotas, 50 webhooks per documentation by default', () => {
    expect(loadApiConfig({ SECRETS_KEY: KEY }).quotas).toEqual({ webhooksPerDocumentation: 50, eventsPerOrganizationPerMinute: 600, redeliveriesPerDeliveryPerHour: 10 });
    expect(loadApiConfig({ SECRETS_KEY: KEY, QUOTA_EVENTS_PER_ORGANIZATION_PER_MINUTE: '6000' }).quotas?.eventsPerOrganizationPerMinute).toBe(6000);
  });

  it('reads QUEUE_PREFIX like the worker does', () => {
    expect(loadApiConfig({ SECRETS_KEY: KEY, QUEUE_PREFIX: '{bench-1}' }).queuePrefix).toBe('{bench-1}');
  });

  it('reads the cluster seed nodes and the number of shards', () => {
    const config = loadApiConfig({ SECRETS_KEY: KEY, REDIS_CLUSTER_NODES: '10.0.0.1:7000, redis-2:7001,[::1]:7002', QUEUE_SHARDS: '6' });
    expect(config.redisClusterNodes).toEqual([
      { host: '10.0.0.1', port: 7000 },
      { host: 'redis-2', port: 7001 },
      { host: '::1', port: 7002 },
    ]);
    expect(config.queueShards).toBe(6);
    expect(loadApiConfig({ SECRETS_KEY: KEY })).toMatchObject({ redisClusterNodes: undefined, queueShards: 1 });
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
    [{ REDIS_URL: 'http://x' }, 'REDIS_URL'],
    [{ SECRETS_KEY: 'short' }, 'SECRETS_KEY'],
    [{ QUEUE_SHARDS: 'many' }, 'QUEUE_SHARDS'],
    [{ BOOTSTRAP_API_KEY: 'letmein' }, 'BOOTSTRAP_API_KEY'],
    [{ NODE_ENV: 'production' }, 'SECRETS_KEY'],
    [{ QUEUE_PREFIX: 'no-braces' }, 'QUEUE_PREFIX'],
    [{ REDIS_CLUSTER_NODES: '127.0.0.1:7000,localhost' }, 'REDIS_CLUSTER_NODES'],
    [{ QUEUE_SHARDS: '0' }, 'QUEUE_SHARDS'],
    [{ QUOTA_WEBHOOKS_PER_DOCUMENTATION: '0' }, 'QUOTA_WEBHOOKS_PER_DOCUMENTATION'],
    [{ QUOTA_EVENTS_PER_ORGANIZATION_PER_MINUTE: 'lots' }, 'QUOTA_EVENTS_PER_ORGANIZATION_PER_MINUTE'],
    [{ QUOTA_REDELIVERIES_PER_DELIVERY_PER_HOUR: '1.5' }, 'QUOTA_REDELIVERIES_PER_DELIVERY_PER_HOUR'],
  ])('names the variable in error for %j', (env, variable) => {
    let error: unknown;
    try {
      loadApiConfig(env, { secretsKeyFile: tempFile(), warn: () => undefined });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(EnvError);
    expect((error as EnvError).variable).toBe(variable);
    expect((error as EnvError).message).toContain(variable);
  });

  it('in development without SECRETS_KEY, makes a key once, keeps it 0600, and warns in one line', () => {
    const file = tempFile();
    const warnings: string[] = [];
    const first = loadApiConfig({}, { secretsKeyFile: file, warn: (line) => warnings.push(line) });
    expect(Buffer.from(first.secretsKey, 'base64')).toHaveLength(32);
    expect(readFileSync(file, 'utf8').trim()).toBe(first.secretsKey);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const second = loadApiConfig({}, { secretsKeyFile: file, warn: (line) => warnings.push(line) });
    expect(second.secretsKey).toBe(first.secretsKey);
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/SECRETS_KEY/);
    expect(warnings[0]).not.toContain('\n');
  });

  it('refuses a damaged key file rather than silently making a new key', () => {
    const file = tempFile();
    loadApiConfig({}, { secretsKeyFile: file, warn: () => undefined });
    writeFileSync(file, 'garbage');
    expect(() => loadApiConfig({}, { secretsKeyFile: file, warn: () => undefined })).toThrow(EnvError);
  });
});
