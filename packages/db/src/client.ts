import { PrismaPg } from '@prisma/adapter-pg';
import { Pool } from 'pg';
import { PrismaClient } from './generated/prisma/client';

export type Prisma = PrismaClient;

/**
 * Prisma for everything ordinary; the same pg pool for the few hot-path
 * statements that move whole batches through unnest() arrays, which Prisma's
 * createMany does ten times slower.
 */
export interface Db {
  prisma: PrismaClient;
  pool: Pool;
  close(): Promise<void>;
}

export interface DbOptions {
  /** Pool size. The worker's batched writes need few connections; the API wants more. */
  max?: number;
}

/** One per process; created by main(), never at import time. */
export function createDb(databaseUrl: string, options: DbOptions = {}): Db {
  const pool = new Pool({ connectionString: databaseUrl, max: options.max ?? 10, connectionTimeoutMillis: 5_000 });
  // A dropped idle connection (PostgreSQL restarted) must not crash the process.
  pool.on('error', () => undefined);
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  let closed = false;
  return {
    prisma,
    pool,
    async close() {
      if (closed) return;
      closed = true;
      await prisma.$disconnect();
      await pool.end();
    },
  };
}
