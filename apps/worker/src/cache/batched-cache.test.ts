import { BatchedCache } from './batched-cache';

describe('BatchedCache', () => {
  const loader = () => {
    const calls: string[][] = [];
    const load = async (keys: string[]) => {
      calls.push([...keys]);
      return new Map(keys.filter((k) => k !== 'missing').map((k) => [k, `value-${k}`]));
    };
    return { calls, load };
  };

  it('loads every key missed in one tick with one call, and shares it between callers', async () => {
    const { calls, load } = loader();
    const cache = new BatchedCache(load, { ttlMs: 1000, maxEntries: 10 });
    const values = await Promise.all([cache.get('a'), cache.get('b'), cache.get('a'), cache.get('missing')]);
    expect(values).toEqual(['value-a', 'value-b', 'value-a', undefined]);
    expect(calls).toEqual([['a', 'b', 'missing']]);
    await cache.get('a');
    expect(calls).toHaveLength(1);
  });

  it('reloads after invalidate and after the TTL', async () => {
    const { calls, load } = loader();
    const cache = new BatchedCache(load, { ttlMs: 30, maxEntries: 10 });
    await cache.get('a');
    cache.invalidate('a');
    await cache.get('a');
    expect(calls).toHaveLength(2);
    await new Promise((r) => setTimeout(r, 40));
    await cache.get('a');
    expect(calls).toHaveLength(3);
  });

  it('does not keep a value loaded while it was being invalidated', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let version = 1;
    const cache = new BatchedCache(
      async (keys: string[]) => {
        const seen = version;
        await gate;
        return new Map(keys.map((k) => [k, seen]));
      },
      { ttlMs: 10_000, maxEntries: 10 },
    );
    const stale = cache.get('w');
    await new Promise((r) => setImmediate(r));
    version = 2;
    cache.invalidate('w');
    release();
    expect(await stale).toBe(1);
    expect(await cache.get('w')).toBe(2);
  });

  it('evicts the least recently used beyond its limits', async () => {
    const { calls, load } = loader();
    const cache = new BatchedCache(load, { ttlMs: 10_000, maxEntries: 2 });
    await cache.get('a');
    await cache.get('b');
    await cache.get('a');
    await cache.get('c');
    expect(cache.size).toBe(2);
    await cache.get('a');
    expect(calls.flat()).toEqual(['a', 'b', 'c']);
    await cache.get('b');
    expect(calls.flat()).toEqual(['a', 'b', 'c', 'b']);
  });
});
