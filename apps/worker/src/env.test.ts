import { EnvError } from '@hookline/config';
import { parseWorkerEnv } from './env';

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
