import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

const root = path.resolve(__dirname, '../..');
type Service = { command?: string[]; ports?: string[]; container_name?: string; restart?: string; depends_on?: Record<string, { condition: string }>; environment?: Record<string, string> };

describe('docker-compose.yml (parsed: no Docker engine runs here)', () => {
  const compose = parse(readFileSync(path.join(root, 'docker-compose.yml'), 'utf8'), { merge: true }) as { services: Record<string, Service> };
  const { services } = compose;

  it('runs postgres, redis, a one-shot migrate step, the api and a worker', () => {
    expect(Object.keys(services).sort()).toEqual(['api', 'migrate', 'postgres', 'redis', 'worker']);
    expect(services.migrate!.restart).toBe('no');
    expect(services.migrate!.command).toEqual(expect.arrayContaining(['scripts/migrate.ts']));
  });

  it('starts the api and workers only after migrations succeeded', () => {
    for (const name of ['api', 'worker']) {
      expect(services[name]!.depends_on?.migrate?.condition).toBe('service_completed_successfully');
      expect(services[name]!.environment?.DATABASE_URL).toMatch(/^postgresql:\/\/.*@postgres:5432\//);
      expect(services[name]!.environment?.REDIS_URL).toBe('redis://redis:6379');
    }
    expect(services.api!.command).toEqual(expect.arrayContaining(['apps/api/dist/main.js']));
    expect(services.worker!.command).toEqual(expect.arrayContaining(['apps/worker/dist/main.js']));
  });

  it('lets `--scale worker=N` work: no fixed name and no published port on the worker', () => {
    expect(services.worker!.container_name).toBeUndefined();
    expect(services.worker!.ports).toBeUndefined();
  });

  it('refuses to start without a SECRETS_KEY in production', () => {
    expect(services.worker!.environment?.NODE_ENV).toBe('production');
    expect(services.worker!.environment?.SECRETS_KEY).toMatch(/^\$\{SECRETS_KEY:\?/);
  });
});

describe('.ci/run', () => {
  const script = readFileSync(path.join(root, '.ci/run'), 'utf8');
  it('installs from scratch, starts PostgreSQL and Redis when down, and runs npm test', () => {
    expect(script).toMatch(/^npm ci\b/m);
    expect(script).toMatch(/pg_ctlcluster --skip-systemctl-redirect/);
    expect(script).toMatch(/redis-server --daemonize yes/);
    expect(script.trim().split('\n').pop()).toBe('npm test');
  });
});
