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

  it('is safe when several processes migrate a fresh database at once', async () => {
    // A database of its own that nobody has migrated: each call has to create and migrate it, and
    // only the advisory lock keeps them from applying the same migration twice.
    const fresh = `${name}_race`;
    const freshUrl = `postgresql://postgres@127.0.0.1:5432/${fresh}`;
    try {
      // allSettled: every call has finished before the database is dropped, even when one failed.
      const settled = await Promise.allSettled(Array.from({ length: 4 }, () => applyMigrations(freshUrl)));
      expect(settled.filter((s) => s.status === 'rejected')).toEqual([]);
      const results = settled.map((s) => (s as PromiseFulfilledResult<Awaited<ReturnType<typeof applyMigrations>>>).value);
      expect(results.filter((r) => r.created)).toHaveLength(1);
      expect(results.flatMap((r) => r.applied).sort()).toEqual(listMigrations());
      const client = new Client({ connectionString: freshUrl });
      await client.connect();
      try {
        const recorded = await client.query('SELECT migration_name FROM "_prisma_migrations" ORDER BY migration_name');
        expect(recorded.rows.map((r) => r.migration_name)).toEqual(listMigrations());
      } finally {
        await client.end();
      }
    } finally {
      const admin = new Client({ connectionString: ADMIN_URL });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS "${fresh}" WITH (FORCE)`);
      await admin.end();
    }
  });

  it('has no schema change without its migration (schema.prisma equals the migrated snapshot)', () => {
    // --exit-code: 0 empty diff, 2 a difference, 1 an error. DATABASE_URL names a database that does
    // not exist, as on a machine where `npm start` never ran: comparing two files must not need it.
    const run = () =>
      execFileSync('npx', ['prisma', 'migrate', 'diff', '--from-schema-datamodel', 'prisma/schema.migrated.prisma', '--to-schema-datamodel', 'prisma/schema.prisma', '--exit-code'], {
        cwd: root,
        stdio: 'pipe',
        env: { ...process.env, DATABASE_URL: `postgresql://postgres@127.0.0.1:5432/${name}_never_created` },
      });
    expect(run).not.toThrow();
  });
});
