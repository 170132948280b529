import { SecretBox, uuidv7, type Db } from '@hookline/db';
import { generateSecret } from '@hookline/signing';
import { TEST_SECRETS_KEY } from './env';
import { uniqueSuffix } from './fixtures';

export const testSecretBox = () => new SecretBox(TEST_SECRETS_KEY);

export async function seedDocumentation(db: Db, organizationId: string) {
  return db.prisma.documentation.create({
    data: { id: uuidv7(), organizationId, slug: `doc-${uniqueSuffix()}`, name: 'Payments API', description: 'Charges and refunds', humanUrl: 'https://docs.example.test/payments' },
  });
}

export async function seedWebhook(
  db: Db,
  doc: { id: string; organizationId: string },
  url: string,
  options: { breakingOnly?: boolean; enabled?: boolean } = {},
): Promise<{ id: string; secret: string }> {
  const id = uuidv7();
  const secret = generateSecret();
  await db.prisma.webhook.create({
    data: {
      id,
      organizationId: doc.organizationId,
      documentationId: doc.id,
      url,
      secretEncrypted: testSecretBox().seal(secret, id),
      breakingOnly: options.breakingOnly ?? false,
      enabled: options.enabled ?? true,
    },
  });
  return { id, secret };
}
