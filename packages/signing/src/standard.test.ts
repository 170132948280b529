import { Webhook } from 'standardwebhooks';
import {
  WebhookVerificationError,
  generateSecret,
  signStandard,
  verifyStandard,
  type WebhookVerificationReason,
} from './index';

// Published test vector from the Standard Webhooks reference libraries.
const VECTOR = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: 1614265330,
  payload: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};
const VECTOR_NOW_MS = VECTOR.timestamp * 1000;

function vectorHeaders(signature = VECTOR.signature, timestamp = String(VECTOR.timestamp)) {
  return { 'webhook-id': VECTOR.id, 'webhook-timestamp': timestamp, 'webhook-signature': signature };
}

function reasonOf(fn: () => unknown): WebhookVerificationReason | 'did_not_throw' {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(WebhookVerificationError);
    return (err as WebhookVerificationError).reason;
  }
  return 'did_not_throw';
}

describe('Standard Webhooks test vector', () => {
  it('signStandard reproduces the published signature', () => {
    const sig = signStandard({ id: VECTOR.id, timestamp: VECTOR.timestamp, body: VECTOR.payload, secrets: [VECTOR.secret] });
    expect(sig).toBe(VECTOR.signature);
    const fromBuffer = signStandard({
      id: VECTOR.id,
      timestamp: VECTOR.timestamp,
      body: Buffer.from(VECTOR.payload),
      secrets: [VECTOR.secret],
    });
    expect(fromBuffer).toBe(VECTOR.signature);
  });

  it('verifyStandard accepts it at that timestamp', () => {
    expect(
      verifyStandard({ secret: VECTOR.secret, headers: vectorHeaders(), body: VECTOR.payload, now: VECTOR_NOW_MS }),
    ).toEqual({ id: VECTOR.id, timestamp: VECTOR.timestamp });
  });

  it('verifyStandard looks headers up case-insensitively and accepts fetch Headers and arrays', () => {
    const mixedCase = {
      'Webhook-Id': VECTOR.id,
      'WEBHOOK-TIMESTAMP': String(VECTOR.timestamp),
      'Webhook-Signature': VECTOR.signature,
    };
    expect(verifyStandard({ secret: VECTOR.secret, headers: mixedCase, body: VECTOR.payload, now: VECTOR_NOW_MS }).id).toBe(
      VECTOR.id,
    );
    const fetchHeaders = new Headers(mixedCase);
    expect(
      verifyStandard({ secret: VECTOR.secret, headers: fetchHeaders, body: VECTOR.payload, now: VECTOR_NOW_MS }).timestamp,
    ).toBe(VECTOR.timestamp);
    const arrays = {
      'webhook-id': [VECTOR.id],
      'webhook-timestamp': [String(VECTOR.timestamp)],
      'webhook-signature': ['v1,bm90LXRoZS1zaWduYXR1cmU=', VECTOR.signature],
    };
    expect(verifyStandard({ secret: VECTOR.secret, headers: arrays, body: VECTOR.payload, now: VECTOR_NOW_MS }).id).toBe(
      VECTOR.id,
    );
  });
});

describe('interop with the standardwebhooks npm library', () => {
  const payload = JSON.stringify({ type: 'page.updated', data: { path: '/docs/ünïcode', n: 1 } });

  it('the library accepts a signature we make', () => {
    const secret = generateSecret();
    const id = 'dlv_01J0000000000000000000';
    const timestamp = Math.floor(Date.now() / 1000);
    const headers = { 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': signStandard({ id, timestamp, body: payload, secrets: [secret] }) };
    expect(new Webhook(secret).verify(payload, headers)).toEqual(JSON.parse(payload));
    expect(() => new Webhook(generateSecret()).verify(payload, headers)).toThrow();
  });

  it('we accept a signature the library makes', () => {
    const secret = generateSecret();
    const wh = new Webhook(secret);
    const id = 'msg_from_library';
    const date = new Date();
    const headers = {
      'webhook-id': id,
      'webhook-timestamp': String(Math.floor(date.getTime() / 1000)),
      'webhook-signature': wh.sign(id, date, payload),
    };
    expect(verifyStandard({ secret, headers, body: payload }).id).toBe(id);
    expect(verifyStandard({ secret, headers, body: Buffer.from(payload) }).id).toBe(id);
    expect(reasonOf(() => verifyStandard({ secret: generateSecret(), headers, body: payload }))).toBe('no_matching_signature');
  });

  it('with two secrets (rotation) the library accepts with either secret, and so do we', () => {
    const current = generateSecret();
    const previous = generateSecret();
    const id = 'msg_rotation';
    const timestamp = Math.floor(Date.now() / 1000);
    const signature = signStandard({ id, timestamp, body: payload, secrets: [current, previous] });
    const entries = signature.split(' ');
    expect(entries).toHaveLength(2);
    expect(entries[0]).toBe(signStandard({ id, timestamp, body: payload, secrets: [current] }));
    expect(entries[1]).toBe(signStandard({ id, timestamp, body: payload, secrets: [previous] }));

    const headers = { 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': signature };
    expect(new Webhook(current).verify(payload, headers)).toEqual(JSON.parse(payload));
    expect(new Webhook(previous).verify(payload, headers)).toEqual(JSON.parse(payload));
    expect(() => new Webhook(generateSecret()).verify(payload, headers)).toThrow();
    expect(verifyStandard({ secret: current, headers, body: payload }).id).toBe(id);
    expect(verifyStandard({ secret: previous, headers, body: payload }).id).toBe(id);
  });
});

describe('verifyStandard rejects', () => {
  const verify = (headers: Record<string, string | undefined>, body = VECTOR.payload, now = VECTOR_NOW_MS, secret = VECTOR.secret) =>
    reasonOf(() => verifyStandard({ secret, headers, body, now }));

  it('a tampered body', () => {
    expect(verify(vectorHeaders(), '{"test": 2432232315}')).toBe('no_matching_signature');
    expect(verify(vectorHeaders(), VECTOR.payload + '\n')).toBe('no_matching_signature');
  });

  it('a tampered id or timestamp', () => {
    expect(verify({ ...vectorHeaders(), 'webhook-id': 'msg_other' })).toBe('no_matching_signature');
    expect(verify(vectorHeaders(VECTOR.signature, String(VECTOR.timestamp + 1)))).toBe('no_matching_signature');
  });

  it('the wrong secret', () => {
    expect(verify(vectorHeaders(), VECTOR.payload, VECTOR_NOW_MS, generateSecret())).toBe('no_matching_signature');
  });

  it.each(['webhook-id', 'webhook-timestamp', 'webhook-signature'])('missing %s', (name) => {
    const headers: Record<string, string | undefined> = vectorHeaders();
    delete headers[name];
    expect(verify(headers)).toBe('missing_header');
    expect(verify({ ...vectorHeaders(), [name]: '' })).toBe('missing_header');
  });

  it('no headers at all', () => {
    expect(verify({})).toBe('missing_header');
  });

  it.each(['abc', '1614265330abc', '1.6e9', '-1614265330', '1614265330.0'])('invalid timestamp %j', (ts) => {
    expect(verify(vectorHeaders(VECTOR.signature, ts))).toBe('invalid_timestamp');
  });

  it('a timestamp 301 s old and 301 s in the future, but not 300 s', () => {
    expect(verify(vectorHeaders(), VECTOR.payload, VECTOR_NOW_MS + 301_000)).toBe('timestamp_too_old');
    expect(verify(vectorHeaders(), VECTOR.payload, VECTOR_NOW_MS - 301_000)).toBe('timestamp_in_future');
    expect(verify(vectorHeaders(), VECTOR.payload, VECTOR_NOW_MS + 300_000)).toBe('did_not_throw');
    expect(verify(vectorHeaders(), VECTOR.payload, VECTOR_NOW_MS - 300_000)).toBe('did_not_throw');
  });

  it('honours a custom tolerance', () => {
    const run = (toleranceSeconds: number) =>
      reasonOf(() =>
        verifyStandard({ secret: VECTOR.secret, headers: vectorHeaders(), body: VECTOR.payload, now: VECTOR_NOW_MS + 61_000, toleranceSeconds }),
      );
    expect(run(60)).toBe('timestamp_too_old');
    expect(run(61)).toBe('did_not_throw');
    // NaN must not silently disable the window (every comparison would be false).
    expect(() =>
      verifyStandard({ secret: VECTOR.secret, headers: vectorHeaders(), body: VECTOR.payload, now: VECTOR_NOW_MS, toleranceSeconds: Number.NaN }),
    ).toThrow(RangeError);
    expect(() =>
      verifyStandard({ secret: VECTOR.secret, headers: vectorHeaders(), body: VECTOR.payload, now: Number.NaN }),
    ).toThrow(RangeError);
  });

  it('a correct signature under an unknown version prefix only', () => {
    const sig = VECTOR.signature.slice('v1,'.length);
    expect(verify(vectorHeaders(`v2,${sig}`))).toBe('no_matching_signature');
    expect(verify(vectorHeaders(`v1a,${sig}`))).toBe('no_matching_signature');
    expect(verify(vectorHeaders(sig))).toBe('no_matching_signature');
    // ...while v1 is still found when listed after an unknown version.
    expect(verify(vectorHeaders(`v2,${sig} ${VECTOR.signature}`))).toBe('did_not_throw');
  });

  it.each([
    ['truncated', VECTOR.signature.slice(0, -2)],
    ['longer', VECTOR.signature + 'AAAA'],
    ['empty v1 entry', 'v1,'],
    ['garbage', 'not a signature at all'],
    ['very long', 'v1,' + 'A'.repeat(10_000)],
    ['comma-merged duplicate headers', `${VECTOR.signature},${VECTOR.signature}`],
  ])('a %s signature of a different length without a timingSafeEqual throw', (_name, signature) => {
    expect(verify(vectorHeaders(signature))).toBe('no_matching_signature');
  });

  it('rotation header where neither entry matches', () => {
    const other = signStandard({ id: VECTOR.id, timestamp: VECTOR.timestamp, body: VECTOR.payload, secrets: [generateSecret(), generateSecret()] });
    expect(verify(vectorHeaders(other))).toBe('no_matching_signature');
    expect(verify(vectorHeaders(`${other} ${VECTOR.signature}`))).toBe('did_not_throw');
  });
});

describe('input validation', () => {
  it('signStandard refuses fractional or millisecond timestamps and an empty secret list', () => {
    const base = { id: 'msg', body: '{}', secrets: [VECTOR.secret] };
    expect(() => signStandard({ ...base, timestamp: 1614265330.5 })).toThrow(RangeError);
    expect(() => signStandard({ ...base, timestamp: Date.now() })).toThrow(RangeError);
    expect(() => signStandard({ ...base, timestamp: 1, secrets: [] })).toThrow(TypeError);
  });

  it('a malformed configured secret is a TypeError, not a verification failure', () => {
    expect(() => signStandard({ id: 'm', timestamp: 1, body: '', secrets: ['whsec_not base64!'] })).toThrow(TypeError);
    expect(() => signStandard({ id: 'm', timestamp: 1, body: '', secrets: ['whsec_'] })).toThrow(TypeError);
    let caught: unknown;
    try {
      verifyStandard({ secret: 'whsec_***', headers: vectorHeaders(), body: VECTOR.payload, now: VECTOR_NOW_MS });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(TypeError);
    expect(caught).not.toBeInstanceOf(WebhookVerificationError);
  });

  it('WebhookVerificationError carries its reason and name', () => {
    const err = new WebhookVerificationError('timestamp_too_old', 'old');
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe('WebhookVerificationError');
    expect(err.reason).toBe('timestamp_too_old');
  });
});
