import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createDb, ensureOrganization, generateApiKey, storeApiKey, type Db } from '@hookline/db';
import { TEST_DATABASE_URL } from './env';

export const uniqueSuffix = () => randomBytes(5).toString('hex');

/** A queue prefix of its own per test file, so parallel or leftover jobs never cross. */
export const testQueuePrefix = () => `{hookline-test-${uniqueSuffix()}}`;

export function testDb(): Db {
  return createDb(TEST_DATABASE_URL, { max: 5 });
}

export interface TestTenant {
  organizationId: string;
  apiKey: string;
}

export async function createTenant(db: Db): Promise<TestTenant> {
  const organizationId = await ensureOrganization(db, `org-${uniqueSuffix()}`);
  const apiKey = generateApiKey();
  await storeApiKey(db, organizationId, apiKey, 'test');
  return { organizationId, apiKey };
}

/** The sample structural change from shared/fixtures, or a copy kept in the repo. */
export function structureChange(): { diff: Record<string, unknown> & { breaking: boolean } } {
  return JSON.parse(readFileSync(path.join(__dirname, '../fixtures/structure-change.json'), 'utf8'));
}
