import { createHmac, timingSafeEqual } from 'node:crypto';
import { signBump, verifyBump } from './index';

// Independent re-implementation of what a Ruby receiver of the original
// Bump webhooks does, kept deliberately naive so it shares no code with ours:
//   expected = "sha256=" + OpenSSL::HMAC.hexdigest("SHA256", secret, raw_body)
//   Rack::Utils.secure_compare(expected, request.env["HTTP_X_BUMP_SIGNATURE_256"])
function rubyHexdigest(secret: string, rawBody: Buffer): string {
  return 'sha256=' + createHmac('sha256', Buffer.from(secret, 'utf8')).update(rawBody).digest('hex');
}
function rackSecureCompare(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  // Rack: `return false unless a.bytesize == b.bytesize`, then a constant-time loop.
  return x.length === y.length && timingSafeEqual(x, y);
}
function rubyReceiverAccepts(secret: string, rawBody: Buffer, header: string): boolean {
  return rackSecureCompare(rubyHexdigest(secret, rawBody), header);
}

const SECRET = 'whsec_dGhpcy1pcy1hLWZpeGVkLXRlc3Qtc2VjcmV0LTMyYnk=';

const BODIES: Array<[string, string]> = [
  ['json', '{"event":"page.updated","id":"evt_01HZX"}'],
  ['empty', ''],
  ['unicode', 'grüße ✓ 🚀'],
  ['whitespace and newlines', '  {\n  "a": [1, 2, 3]\n}\n'],
  ['large', 'x'.repeat(100_000)],
];

describe('signBump / verifyBump agree with the Ruby receiver algorithm', () => {
  it.each(BODIES)('%s body', (_name, body) => {
    const raw = Buffer.from(body, 'utf8');
    const header = signBump(SECRET, body);
    expect(header).toBe(rubyHexdigest(SECRET, raw));
    expect(signBump(SECRET, raw)).toBe(header);
    expect(rubyReceiverAccepts(SECRET, raw, header)).toBe(true);
    expect(verifyBump(SECRET, body, rubyHexdigest(SECRET, raw))).toBe(true);
    expect(verifyBump(SECRET, raw, header)).toBe(true);
  });
});

describe('known-answer vectors', () => {
  // Computed once on the dev machine (UTF-8 locale) with:
  //   printf '%s' "$BODY" | openssl dgst -sha256 -hmac 'whsec_dGhpcy1pcy1hLWZpeGVkLXRlc3Qtc2VjcmV0LTMyYnk='
  it.each([
    ['{"event":"page.updated","id":"evt_01HZX"}', '46afbeac4f130b16bbe958e183ce26e02ca9f102e1e69d61ec4cb08153519006'],
    ['grüße ✓ 🚀', '097a21ca60a930142ebefb1218211856b0c63f4ca339c3b0129f172daf9ff371'],
    ['', '5e197f47f0b131ffa5175b305cb87a297dc02f92e1485fae312b1bbf93bf463e'],
  ])('body %j', (body, hex) => {
    expect(signBump(SECRET, body)).toBe(`sha256=${hex}`);
    expect(verifyBump(SECRET, body, `sha256=${hex}`)).toBe(true);
  });
});

describe('verifyBump rejects', () => {
  const body = '{"event":"page.updated","id":"evt_01HZX"}';
  const good = signBump(SECRET, body);

  it('a tampered body', () => {
    expect(verifyBump(SECRET, body.replace('evt_01HZX', 'evt_01HZY'), good)).toBe(false);
    expect(verifyBump(SECRET, body + ' ', good)).toBe(false);
  });

  it('the wrong secret, including the decoded-key variant used by Standard Webhooks', () => {
    expect(verifyBump('whsec_' + 'A'.repeat(43) + '=', body, good)).toBe(false);
    const decodedKeyHeader =
      'sha256=' + createHmac('sha256', Buffer.from(SECRET.slice(6), 'base64')).update(body).digest('hex');
    expect(verifyBump(SECRET, body, decodedKeyHeader)).toBe(false);
  });

  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['bare hex without prefix', good.slice('sha256='.length)],
    ['truncated', good.slice(0, -1)],
    ['truncated to the prefix', 'sha256='],
    ['one hex digit too many', good + '0'],
    ['wrong algorithm prefix', good.replace('sha256=', 'sha1=')],
    ['non-hex garbage of the right length', 'sha256=' + 'z'.repeat(64)],
    ['short garbage', 'garbage'],
    ['much longer garbage', 'sha256=' + 'ab'.repeat(500)],
    ['two headers merged', `${good}, ${good}`],
  ])('a %s header without throwing', (_name, header) => {
    expect(() => verifyBump(SECRET, body, header)).not.toThrow();
    expect(verifyBump(SECRET, body, header)).toBe(false);
  });

  it('a header that differs in one digit (same length)', () => {
    const last = good.at(-1) === '0' ? '1' : '0';
    expect(verifyBump(SECRET, body, good.slice(0, -1) + last)).toBe(false);
  });
});

describe('verifyBump accepts', () => {
  const body = 'hello';
  it('upper-case hex and surrounding whitespace', () => {
    const good = signBump(SECRET, body);
    expect(verifyBump(SECRET, body, 'sha256=' + good.slice(7).toUpperCase())).toBe(true);
    expect(verifyBump(SECRET, body, ` ${good} `)).toBe(true);
  });

  it('a single-element array header but not an ambiguous repeated one', () => {
    const good = signBump(SECRET, body);
    expect(verifyBump(SECRET, body, [good])).toBe(true);
    expect(verifyBump(SECRET, body, [good, good])).toBe(false);
  });
});
