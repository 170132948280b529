/**
 * Authors a migration offline: the SQL is the difference between the schema
 * as of the newest migration (prisma/schema.migrated.prisma) and
 * prisma/schema.prisma, computed by Prisma's WebAssembly schema engine.
 *
 *   npm run migration:new -- add_webhook_labels
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ensureDatabase } from '@hookline/db';

const root = path.resolve(__dirname, '..');
const schema = path.join(root, 'prisma/schema.prisma');
const snapshot = path.join(root, 'prisma/schema.migrated.prisma');
const SNAPSHOT_HEADER =
  '// The schema as of the newest migration in prisma/migrations. Written by `npm run migration:new`;\n' +
  '// never edit it by hand: the next migration is the difference between it and schema.prisma.\n';

async function main(): Promise<void> {
  const name = process.argv[2];
  if (!name || !/^[a-z0-9_]+$/.test(name)) {
    process.stderr.write('usage: npm run migration:new -- <name in snake_case>\n');
    process.exit(64);
  }
  // Prisma's CLI connects through the adapter in prisma.config.ts even to diff two files.
  await ensureDatabase(process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/hookline');
  const sql = execFileSync(
    'npx',
    ['prisma', 'migrate', 'diff', '--from-schema-datamodel', snapshot, '--to-schema-datamodel', schema, '--script'],
    { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
  );
  if (!/\S/.test(sql.replace(/^--.*$/gm, ''))) {
    process.stdout.write('schema.prisma has no change since the newest migration: nothing to write.\n');
    return;
  }
  const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
  const dir = path.join(root, 'prisma/migrations', `${stamp}_${name}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'migration.sql'), sql);
  writeFileSync(snapshot, SNAPSHOT_HEADER + readFileSync(schema, 'utf8'));
  process.stdout.write(`wrote ${path.relative(root, dir)}/migration.sql — review it, then \`npm run migrate\`.\n`);
}

main().catch((error) => {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(1);
});
