import path from 'node:path';
import { PrismaPg } from '@prisma/adapter-pg';
import { defineConfig } from 'prisma/config';

// schema.prisma reads env("DATABASE_URL"); `prisma generate` needs it set even though it never connects.
process.env.DATABASE_URL ??= 'postgresql://postgres@127.0.0.1:5432/hookline';
const connectionString = process.env.DATABASE_URL;

// A datamodel-to-datamodel `migrate diff` (migrate.test.ts) only compares two files, yet the
// WebAssembly engine still opens its adapter: point it at the server's maintenance database, which
// always exists, so the check works before `npm start` has created DATABASE_URL's database.
const args = process.argv.slice(2);
const filesOnly = args.includes('diff') && !args.some((arg) => /url|shadow|migrations|config-datasource/i.test(arg));
function maintenanceDatabase(url: string): string {
  const admin = new URL(url);
  admin.pathname = '/postgres';
  return admin.toString();
}

// The WebAssembly engines ("js") are the only ones that run offline with Prisma 6.19:
// the native schema engine is a download. Migrations are applied by scripts/migrate.ts.
export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: path.join('prisma', 'schema.prisma'),
  migrations: { path: path.join('prisma', 'migrations') },
  adapter: async () => new PrismaPg({ connectionString: filesOnly ? maintenanceDatabase(connectionString) : connectionString }),
});
