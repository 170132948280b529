import { ApiKeyCache } from './auth';

describe('ApiKeyCache', () => {
  const principal = { organizationId: 'org', apiKeyId: 'key' };

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
