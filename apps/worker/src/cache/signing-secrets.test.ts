import { signingSecrets, type CachedWebhook } from './delivery-sources';

const webhook = (overrides: Partial<CachedWebhook>): CachedWebhook => ({
  id: 'w',
  url: 'https://example.com',
  secret: 'whsec_next',
  previousSecret: 'whsec_old',
  previousSecretExpiresAt: 10_000,
  bumpSignsPrevious: true,
  enabled: true,
  deleted: false,
  organizationId: 'o',
  maxConcurrency: null,
  rateLimitPerSecond: null,
  ...overrides,
});

describe('signingSecrets during a staged rotation', () => {
  it('keeps X-Bump-Signature-256 on the old secret until activation, with both in webhook-signature', () => {
    expect(signingSecrets(webhook({}), 5_000)).toEqual({ secret: 'whsec_next', previousSecret: 'whsec_old', bumpSecret: 'whsec_old' });
  });

  it('switches X-Bump-Signature-256 at activation; webhook-signature keeps both until the overlap ends', () => {
    expect(signingSecrets(webhook({ bumpSignsPrevious: false }), 5_000)).toEqual({ secret: 'whsec_next', previousSecret: 'whsec_old', bumpSecret: 'whsec_next' });
  });

  it('switches everything to the next secret when the overlap ends, activated or not', () => {
    expect(signingSecrets(webhook({}), 10_001)).toEqual({ secret: 'whsec_next', previousSecret: null, bumpSecret: 'whsec_next' });
  });
});
