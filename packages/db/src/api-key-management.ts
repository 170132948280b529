import type { Db } from './client';
import { generateApiKey, storeApiKey } from './api-keys';
import { isUuid } from './ids';

export interface ApiKeyRow {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  createdAt: Date;
  lastUsedAt: Date | null;
}

const select = { id: true, name: true, prefix: true, scopes: true, createdAt: true, lastUsedAt: true } as const;

/** A new key of the organization: the row, and the plaintext the caller shows once. */
export async function createApiKey(db: Db, organizationId: string, input: { name: string; scopes: string[] }): Promise<{ key: ApiKeyRow; secret: string }> {
  const secret = generateApiKey();
  await storeApiKey(db, organizationId, secret, input.name, input.scopes);
  const prefix = secret.split('_')[1]!;
  const key = await db.prisma.apiKey.findUniqueOrThrow({ where: { prefix }, select });
  return { key, secret };
}

/** The organization's keys that still work, oldest first. */
export function listApiKeys(db: Db, organizationId: string): Promise<ApiKeyRow[]> {
  return db.prisma.apiKey.findMany({ where: { organizationId, revokedAt: null }, orderBy: { id: 'asc' }, select });
}

/** True when a live key of this organization was revoked. */
export async function revokeApiKey(db: Db, organizationId: string, id: string, now = new Date()): Promise<boolean> {
  if (!isUuid(id)) return false;
  const { count } = await db.prisma.apiKey.updateMany({ where: { id, organizationId, revokedAt: null }, data: { revokedAt: now } });
  return count === 1;
}

/**
 * Records that these keys were used, in one statement; a row written less
 * than `minIntervalMs` ago is left alone, so concurrent API processes do not
 * rewrite it on every request.
 */
export async function touchApiKeys(db: Db, ids: string[], now = new Date(), minIntervalMs = 60_000): Promise<void> {
  if (ids.length === 0) return;
  await db.pool.query(
    `UPDATE api_keys SET last_used_at = $2
      WHERE id = ANY($1::uuid[]) AND (last_used_at IS NULL OR last_used_at < $3)`,
    [ids, now, new Date(now.getTime() - minIntervalMs)],
  );
}
