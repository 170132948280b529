import { deliveryBackoff, RetryLater, UNEXPECTED_ERROR_MAX_BACKOFF_MS } from './processor';
import { decodeResponseBody, storableHeaders, storableText } from './response-text';

describe('decodeResponseBody', () => {
  it('keeps valid UTF-8 as it is', () => {
    expect(decodeResponseBody(Buffer.from('{"ok":"été 🎉"}'), 'application/json')).toEqual({ text: '{"ok":"été 🎉"}', encoding: 'utf8' });
  });

  it('replaces NUL and invalid UTF-8 in a textual body, and says so', () => {
    expect(decodeResponseBody(Buffer.from('a\u0000b'), 'text/plain')).toEqual({ text: 'a\uFFFDb', encoding: 'utf8-replaced' });
    expect(decodeResponseBody(Buffer.from([0x61, 0xff, 0x62]), undefined)).toEqual({ text: 'a\uFFFDb', encoding: 'utf8-replaced' });
    expect(decodeResponseBody(Buffer.from([0x63, 0x61, 0x66, 0xe9]), 'text/html; charset=latin1').encoding).toBe('utf8-replaced');
  });

  it('keeps a binary body as a base64 excerpt', () => {
    const bytes = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0xff]);
    expect(decodeResponseBody(bytes, 'image/png')).toEqual({ text: bytes.toString('base64'), encoding: 'base64' });
    expect(decodeResponseBody(Buffer.alloc(10_000, 0), 'application/octet-stream').text.length).toBe(Math.ceil(4096 / 3) * 4);
  });

  it('does not count a character cut by the size cap as invalid', () => {
    const cut = Buffer.from('aé').subarray(0, 2);
    expect(decodeResponseBody(cut, 'text/plain', true)).toEqual({ text: 'a', encoding: 'utf8' });
    expect(decodeResponseBody(cut, 'text/plain', false).encoding).toBe('utf8-replaced');
  });
});

describe('storable text and headers', () => {
  it('replaces NUL and lone surrogates, keeps pairs', () => {
    expect(storableText('a\u0000\ud800\ud83d\ude00')).toBe('a\uFFFD\uFFFD\ud83d\ude00');
  });

  it('caps the headers stored and says how many were left out', () => {
    const many = Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`x-h-${i}`, 'v']));
    const stored = storableHeaders(many);
    expect(Object.keys(stored)).toHaveLength(101);
    expect(stored['x-hookline-headers-truncated']).toBe('9900 more headers not stored');
  });
});

describe('deliveryBackoff', () => {
  it('uses the classified delay of an attempt', () => {
    expect(deliveryBackoff(1, 'custom', new RetryLater(1234))).toBe(1234);
  });

  it('backs off exponentially after unexpected errors, up to an hour, instead of every 5 s', () => {
    const delays = [1, 2, 3, 4, 20].map((n) => deliveryBackoff(n, 'custom', new Error('boom')));
    expect(delays.slice(0, 4)).toEqual([5_000, 10_000, 20_000, 40_000]);
    expect(delays[4]).toBe(UNEXPECTED_ERROR_MAX_BACKOFF_MS);
  });
});
