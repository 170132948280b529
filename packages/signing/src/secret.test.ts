import { generateSecret, isValidSecret } from './index';

describe('generateSecret', () => {
  it('is whsec_ + canonical base64 of 32 bytes', () => {
    const secret = generateSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
    expect(key).toHaveLength(32);
    expect(key.toString('base64')).toBe(secret.slice('whsec_'.length));
    expect(isValidSecret(secret)).toBe(true);
  });

  it('does not repeat', () => {
    const seen = new Set(Array.from({ length: 1000 }, generateSecret));
    expect(seen.size).toBe(1000);
  });
});

describe('isValidSecret', () => {
  const body = Buffer.alloc(32, 7).toString('base64');

  it('accepts the generated shape', () => {
    expect(isValidSecret(`whsec_${body}`)).toBe(true);
  });

  it.each([
    ['no prefix', body],
    ['wrong prefix', `whsec-${body}`],
    ['upper-case prefix', `WHSEC_${body}`],
    ['empty key', 'whsec_'],
    ['24-byte key (valid for signing, not what we issue)', 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'],
    ['33-byte key', `whsec_${Buffer.alloc(33, 1).toString('base64')}`],
    ['missing padding', `whsec_${body.replace(/=+$/, '')}`],
    ['url-safe alphabet', `whsec_${Buffer.alloc(32, 0xfb).toString('base64url')}=`],
    ['junk character Buffer would silently skip', `whsec_${body.slice(0, 10)}!${body.slice(11)}`],
    ['trailing whitespace', `whsec_${body} `],
    ['non-string', 42],
    ['undefined', undefined],
  ])('rejects %s', (_name, value) => {
    expect(isValidSecret(value)).toBe(false);
  });
});
