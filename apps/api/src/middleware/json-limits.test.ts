import { findJsonFault } from './json-limits';

describe('findJsonFault', () => {
  const nested = (levels: number) => JSON.parse('['.repeat(levels) + ']'.repeat(levels));

  it('counts objects and arrays, not scalars', () => {
    expect(findJsonFault({ a: { b: [1, 'x', null] } }, 3)).toBeNull();
    expect(findJsonFault({ a: { b: [{}] } }, 3)).toEqual({ kind: 'too-deep' });
    expect(findJsonFault('text', 0)).toBeNull();
  });

  it('measures very deep values without overflowing the stack', () => {
    expect(findJsonFault(nested(128), 128)).toBeNull();
    expect(findJsonFault(nested(129), 128)).toEqual({ kind: 'too-deep' });
    expect(findJsonFault(nested(200_000), 128)).toEqual({ kind: 'too-deep' });
  });

  it('finds NUL characters in values and keys, with their path', () => {
    expect(findJsonFault({ name: 'a\u0000b' }, 10)).toEqual({ kind: 'nul', path: 'name' });
    expect(findJsonFault({ diff: { details: [{ ['k\u0000']: 1 }] } }, 10)).toEqual({ kind: 'nul', path: 'diff.details.0.k\u0000' });
    expect(findJsonFault({ name: 'fine ünïcode' }, 10)).toBeNull();
  });

  it('finds lone surrogates in values and keys, and lets surrogate pairs through', () => {
    expect(findJsonFault({ name: '\ud800' }, 10)).toEqual({ kind: 'lone-surrogate', path: 'name' });
    expect(findJsonFault({ diff: { title: 'a\udfffb' } }, 10)).toEqual({ kind: 'lone-surrogate', path: 'diff.title' });
    expect(findJsonFault({ ['\udc00']: 1 }, 10)).toEqual({ kind: 'lone-surrogate', path: '\udc00' });
    expect(findJsonFault({ name: 'emoji \ud83d\ude00' }, 10)).toBeNull();
  });
});
