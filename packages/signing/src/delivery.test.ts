import { Webhook } from 'standardwebhooks';
import { generateSecret, signBump, signDelivery, signStandard, verifyBump, verifyStandard } from './index';

describe('signDelivery', () => {
  const body = JSON.stringify({ event: 'page.updated', note: 'ünïcode ✓' });
  const deliveryId = 'dlv_123';

  it('produces exactly the four headers, verifiable by both schemes', () => {
    const secret = generateSecret();
    const timestamp = Math.floor(Date.now() / 1000);
    const headers = signDelivery({ deliveryId, timestamp, body, secret });
    expect(Object.keys(headers).sort()).toEqual(
      ['X-Bump-Signature-256', 'webhook-id', 'webhook-signature', 'webhook-timestamp'].sort(),
    );
    expect(headers['webhook-id']).toBe(deliveryId);
    expect(headers['webhook-timestamp']).toBe(String(timestamp));
    expect(headers['X-Bump-Signature-256']).toBe(signBump(secret, body));
    expect(headers['webhook-signature']).toBe(signStandard({ id: deliveryId, timestamp, body, secrets: [secret] }));
    expect(headers['webhook-signature'].split(' ')).toHaveLength(1);

    expect(verifyBump(secret, body, headers['X-Bump-Signature-256'])).toBe(true);
    expect(verifyStandard({ secret, headers, body })).toEqual({ id: deliveryId, timestamp });
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
  });

  it('during rotation: Bump uses the current secret only; webhook-signature lists current then previous', () => {
    const secret = generateSecret();
    const previousSecret = generateSecret();
    const timestamp = Math.floor(Date.now() / 1000);
    const headers = signDelivery({ deliveryId, timestamp, body: Buffer.from(body), secret, previousSecret });

    expect(headers['X-Bump-Signature-256']).toBe(signBump(secret, body));
    expect(verifyBump(previousSecret, body, headers['X-Bump-Signature-256'])).toBe(false);
    expect(headers['webhook-signature']).toBe(
      signStandard({ id: deliveryId, timestamp, body, secrets: [secret, previousSecret] }),
    );
    expect(verifyStandard({ secret, headers, body }).id).toBe(deliveryId);
    expect(verifyStandard({ secret: previousSecret, headers, body }).id).toBe(deliveryId);
    expect(() => new Webhook(previousSecret).verify(body, headers)).not.toThrow();
  });

  it('treats a null previousSecret as no rotation', () => {
    const secret = generateSecret();
    const headers = signDelivery({ deliveryId, timestamp: 1700000000, body, secret, previousSecret: null });
    expect(headers['webhook-signature'].split(' ')).toHaveLength(1);
  });

  it('rejects a millisecond-or-fractional timestamp instead of signing something unverifiable', () => {
    expect(() => signDelivery({ deliveryId, timestamp: 1700000000.25, body, secret: generateSecret() })).toThrow(RangeError);
    expect(() => signDelivery({ deliveryId, timestamp: Date.now(), body, secret: generateSecret() })).toThrow(RangeError);
  });
});
