import { ApiKeyCache } from './auth';

describe('ApiKeyCache', () => {
  const principal = { organizationId: 'org', apiKeyId: 'key', scopes: ['admin'] };

  it('forgets an entry after its time to live', () => {
    let now = 1_000;
    const cache = new ApiKeyCache(30_000, () => now);
    cache.set('hash', principal);
    now += 29_999;
    expect(cache.get('hash')).toEqual(principal);
    now += 1;
    expect(cache.get('hash')).toBeUndefined();
  });

  it('knows nothing it was not told', () => {
    const cache = new ApiKeyCache(30_000);
    cache.set('a', principal);
    expect(cache.get('b')).toBeUndefined();
  });
});

describe('ApiKeyCache invalidation', () => {
  it('drops the entries of a revoked key, whatever hash they are cached under', () => {
    const cache = new ApiKeyCache(30_000);
    cache.set('a', { organizationId: 'org', apiKeyId: 'revoked', scopes: ['read'] });
    cache.set('b', { organizationId: 'org', apiKeyId: 'kept', scopes: ['read'] });
    cache.deleteWhere((principal) => principal.apiKeyId === 'revoked');
    expect(cache.get('a')).toBeUndefined();
    expect(cache.get('b')?.apiKeyId).toBe('kept');
  });
});
