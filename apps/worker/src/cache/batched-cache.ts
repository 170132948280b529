export interface BatchedCacheOptions<V> {
  ttlMs: number;
  /** Entries kept at most; the least recently used go first. */
  maxEntries: number;
  /** Weight of an entry against maxWeight (e.g. bytes of an event body). */
  weigh?: (value: V) => number;
  maxWeight?: number;
}

interface Entry<V> {
  value: V | undefined;
  expiresAt: number;
  weight: number;
}

/**
 * A read-through cache whose misses are loaded together: every key missed in
 * the same tick of the event loop goes to the database in one query, and
 * concurrent misses of one key share that query.
 */
export class BatchedCache<K, V> {
  private readonly entries = new Map<K, Entry<V>>();
  private pending = new Map<K, Array<{ resolve: (v: V | undefined) => void; reject: (e: unknown) => void }>>();
  private scheduled = false;
  private weight = 0;
  private generation = 0;

  constructor(
    private readonly loadMany: (keys: K[]) => Promise<Map<K, V>>,
    private readonly options: BatchedCacheOptions<V>,
  ) {}

  get(key: K): Promise<V | undefined> {
    const entry = this.entries.get(key);
    if (entry && entry.expiresAt > Date.now()) {
      // Refresh recency: Map iteration order is insertion order.
      this.entries.delete(key);
      this.entries.set(key, entry);
      return Promise.resolve(entry.value);
    }
    return new Promise((resolve, reject) => {
      const waiters = this.pending.get(key);
      if (waiters) waiters.push({ resolve, reject });
      else this.pending.set(key, [{ resolve, reject }]);
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  invalidate(key: K): void {
    this.drop(key);
    // A load already in flight may carry the old value; do not cache its answer.
    this.generation += 1;
  }

  clear(): void {
    this.entries.clear();
    this.weight = 0;
    this.generation += 1;
  }

  get size(): number {
    return this.entries.size;
  }

  private async flush(): Promise<void> {
    this.scheduled = false;
    const batch = this.pending;
    this.pending = new Map();
    const generation = this.generation;
    let loaded: Map<K, V>;
    try {
      loaded = await this.loadMany([...batch.keys()]);
    } catch (error) {
      for (const waiters of batch.values()) for (const w of waiters) w.reject(error);
      return;
    }
    for (const [key, waiters] of batch) {
      const value = loaded.get(key);
      if (generation === this.generation) this.store(key, value);
      for (const w of waiters) w.resolve(value);
    }
  }

  private store(key: K, value: V | undefined): void {
    this.drop(key);
    const weight = value !== undefined && this.options.weigh ? this.options.weigh(value) : 1;
    this.entries.set(key, { value, expiresAt: Date.now() + this.options.ttlMs, weight });
    this.weight += weight;
    const maxWeight = this.options.maxWeight ?? Infinity;
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.options.maxEntries && this.weight <= maxWeight) break;
      this.drop(oldest);
    }
  }

  private drop(key: K): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.weight -= entry.weight;
    this.entries.delete(key);
  }
}
