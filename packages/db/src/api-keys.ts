import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Db } from './client';
import { uuidv7 } from './ids';

const KEY_FORMAT = /^hk_([A-Za-z0-9]{12})_([A-Za-z0-9_-]{20,})$/;
const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export interface Principal {
  organizationId: string;
  apiKeyId: string;
  scopes: string[];
}

const hashKey = (key: string) => createHash('sha256').update(key).digest();

export function generateApiKey(): string {
  const bytes = randomBytes(12);
  const prefix = Array.from(bytes, (b) => ALPHANUMERIC[b % ALPHANUMERIC.length]).join('');
  return `hk_${prefix}_${randomBytes(24).toString('base64url')}`;
}

export const isApiKeyFormat = (key: string): boolean => KEY_FORMAT.test(key);

/** Stores the key hashed; the plaintext is shown once, by the caller. */
export async function storeApiKey(db: Db, organizationId: string, key: string, name: string, scopes: string[] = ['admin']): Promise<void> {
  const match = KEY_FORMAT.exec(key);
  if (!match) throw new Error('API key has the wrong format');
  await db.prisma.apiKey.upsert({
    where: { prefix: match[1]! },
    create: { id: uuidv7(), organizationId, name, scopes, prefix: match[1]!, hash: hashKey(key).toString('hex') },
    // A revoked key stays revoked across restarts, even when it is the bootstrap key.
    update: { organizationId, hash: hashKey(key).toString('hex') },
  });
}

export type BootstrapKeyState = 'created' | 'exists' | 'revoked';

/**
 * BOOTSTRAP_API_KEY at start-up: creates the key only if it never existed.
 * A key that was revoked stays revoked however often the process restarts
 * with it in its environment; revoking is how an operator retires it.
 */
export async function ensureBootstrapApiKey(db: Db, organizationId: string, key: string): Promise<BootstrapKeyState> {
  const match = KEY_FORMAT.exec(key);
  if (!match) throw new Error('API key has the wrong format');
  const { rows } = await db.pool.query<{ revoked: boolean; inserted: boolean }>(
    `WITH inserted AS (
       INSERT INTO api_keys (id, organization_id, name, prefix, hash) VALUES ($1, $2, 'bootstrap', $3, $4)
       ON CONFLICT (prefix) DO NOTHING RETURNING true AS inserted
     )
     SELECT true AS inserted, false AS revoked FROM inserted
     UNION ALL
     SELECT false, revoked_at IS NOT NULL FROM api_keys WHERE prefix = $3 AND NOT EXISTS (SELECT 1 FROM inserted)`,
    [uuidv7(), organizationId, match[1]!, hashKey(key).toString('hex')],
  );
  const row = rows[0];
  if (!row || row.inserted) return 'created';
  return row.revoked ? 'revoked' : 'exists';
}

/**
 * Looks the key up by its public prefix and compares the hashes in constant
 * time, so response timing says nothing about how much of a guess was right.
 */
export async function authenticateApiKey(db: Db, key: string): Promise<Principal | null> {
  const match = KEY_FORMAT.exec(key);
  if (!match) return null;
  const row = await db.prisma.apiKey.findUnique({ where: { prefix: match[1]! }, select: { id: true, organizationId: true, hash: true, revokedAt: true, scopes: true } });
  const presented = hashKey(key);
  const stored = row ? Buffer.from(row.hash, 'hex') : Buffer.alloc(presented.length);
  const equal = stored.length === presented.length && timingSafeEqual(stored, presented);
  if (!row || !equal || row.revokedAt) return null;
  return { organizationId: row.organizationId, apiKeyId: row.id, scopes: row.scopes };
}

/** The organization `slug`, created on first use. */
export async function ensureOrganization(db: Db, slug: string, name = slug): Promise<string> {
  const org = await db.prisma.organization.upsert({ where: { slug }, create: { id: uuidv7(), slug, name }, update: {}, select: { id: true } });
  return org.id;
}
