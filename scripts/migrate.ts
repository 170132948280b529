/** Creates the database if it is missing and applies every pending migration. */
import { z } from 'zod';
import { env, exitOnEnvError, parseEnv } from '@hookline/config';
import { applyMigrations } from '@hookline/db';

async function main(): Promise<void> {
  let config;
  try {
    config = parseEnv(z.object({ DATABASE_URL: env.databaseUrl }));
  } catch (error) {
    exitOnEnvError(error);
  }
  const result = await applyMigrations(config.DATABASE_URL);
  if (result.created) process.stdout.write('created the database\n');
  process.stdout.write(result.applied.length ? `applied ${result.applied.join(', ')}\n` : 'database is up to date\n');
}

main().catch((error) => {
  process.stderr.write(`migration failed: ${(error as Error).message}\n`);
  process.exit(1);
});
