import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { Client } from 'pg';
import { applyMigrations, listMigrations } from './migrate';

const ADMIN_URL = 'postgresql://postgres@127.0.0.1:5432/postgres';
const root = path.resolve(__dirname, '../../..');

describe('migrations', () => {
  const name = `hookline_migrate_${process.pid}_${Date.now()}`;
  const url = `postgresql://postgres@127.0.0.1:5432/${name}`;

  afterAll(async () => {
    const admin = new Client({ connectionString: ADMIN_URL });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
  });

  it('creates a missing database, applies every migration once, and records them like Prisma does', async () => {
    const first = await applyMigrations(url);
    expect(first.created).toBe(true);
    expect(first.applied).toEqual(listMigrations());
    expect(first.applied.length).toBeGreaterThan(0);

    const again = await applyMigrations(url);
    expect(again).toEqual({ created: false, applied: [] });

    const client = new Client({ connectionString: url });
    await client.connect();
    try {
      const recorded = await client.query('SELECT migration_name, checksum, finished_at FROM "_prisma_migrations" ORDER BY migration_name');
      expect(recorded.rows.map((r) => r.migration_name)).toEqual(first.applied);
      expect(recorded.rows.every((r) => /^[0-9a-f]{64}$/.test(r.checksum) && r.finished_at)).toBe(true);
      const tables = await client.query(`SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`);
      expect(tables.rows.map((r) => r.tablename)).toEqual(
        expect.arrayContaining(['organizations', 'api_keys', 'documentations', 'webhooks', 'events', 'deliveries', 'attempts']),
      );
    } finally {
      await client.end();
    }
  });

  it('is safe when several processes migrate at once', async () => {
    const results = await Promise.all([applyMigrations(url), applyMigrations(url), applyMigrations(url)]);
    expect(results.every((r) => r.applied.length === 0)).toBe(true);
  });

  it('has no schema change without its migration (schema.prisma equals the migrated snapshot)', () => {
    // --exit-code: 0 empty diff, 2 a difference, 1 an error.
    const run = () =>
      execFileSync('npx', ['prisma', 'migrate', 'diff', '--from-schema-datamodel', 'prisma/schema.migrated.prisma', '--to-schema-datamodel', 'prisma/schema.prisma', '--exit-code'], {
        cwd: root,
        stdio: 'pipe',
      });
    expect(run).not.toThrow();
  });
});
