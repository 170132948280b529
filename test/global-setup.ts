import { applyMigrations } from '@hookline/db';
import { TEST_DATABASE_URL } from './support/env';

/** One migrated test database for the run; each test isolates itself with its own organization and queue prefix. */
export default async function globalSetup(): Promise<void> {
  await applyMigrations(TEST_DATABASE_URL);
}
