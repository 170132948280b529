import { isUuid, uuidv7 } from './ids';

describe('uuidv7', () => {
  it('makes RFC 9562 version 7 ids that sort in the order they were made', () => {
    const ids = Array.from({ length: 5_000 }, () => uuidv7());
    for (const id of ids) {
      expect(isUuid(id)).toBe(true);
      expect(id[14]).toBe('7');
      expect('89ab').toContain(id[19]!);
    }
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('carries the millisecond timestamp in its first 48 bits', () => {
    const at = Date.parse('2026-11-28T00:00:00Z');
    const id = uuidv7(at + 10_000);
    expect(parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBeGreaterThanOrEqual(at + 10_000);
  });

  it('uses fresh random bits in every id', () => {
    const tails = new Set(Array.from({ length: 1_000 }, () => uuidv7().slice(24)));
    expect(tails.size).toBe(1_000);
  });
});
