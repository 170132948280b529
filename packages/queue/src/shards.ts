/**
 * Delivery queues split over K shards, each under its own hash tag, so that on
 * Redis Cluster they land on different slots and so on different primaries.
 * A delivery's shard is a stable function of its webhook id: one webhook's
 * deliveries stay in one queue, in order of arrival.
 */

export const CLUSTER_SLOTS = 16384;
export const MAX_QUEUE_SHARDS = 256;

// CRC16-XMODEM, the function Redis Cluster maps keys to slots with.
const CRC16_TABLE = (() => {
  const table = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    let crc = i << 8;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
    table[i] = crc;
  }
  return table;
})();

function crc16(text: string): number {
  let crc = 0;
  for (const byte of Buffer.from(text, 'utf8')) crc = ((crc << 8) & 0xffff) ^ CRC16_TABLE[((crc >> 8) ^ byte) & 0xff]!;
  return crc;
}

/** The cluster slot of a key, honouring `{hash tags}` as Redis does. */
export function keySlot(key: string): number {
  const open = key.indexOf('{');
  if (open !== -1) {
    const close = key.indexOf('}', open + 1);
    if (close > open + 1) return crc16(key.slice(open + 1, close)) % CLUSTER_SLOTS;
  }
  return crc16(key) % CLUSTER_SLOTS;
}

/** FNV-1a: stable across processes, versions and platforms, unlike anything seeded. */
export function shardOf(webhookId: string, shards: number): number {
  if (shards <= 1) return 0;
  let hash = 0x811c9dc5;
  for (let i = 0; i < webhookId.length; i++) {
    hash ^= webhookId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % shards;
}

/**
 * The hash tags of K shards. K = 1 keeps the base tag itself, so a single
 * Redis keeps today's key names. For K > 1, shard i's tag is searched so its
 * slot falls near (i + ½) · 16384 / K, within an eighth of the spacing: the
 * shards are spread evenly over the slot space, and a cluster whose primaries
 * own equal slot ranges (what `redis-cli --cluster create` makes) gets at
 * least one shard on every primary as soon as K ≥ its number of primaries.
 * Deterministic, so every process computes the same tags.
 */
export function shardPrefixes(basePrefix: string, shards: number): string[] {
  if (shards <= 1) return [basePrefix];
  const inner = basePrefix.replace(/^\{|\}$/g, '');
  const spacing = CLUSTER_SLOTS / shards;
  const window = spacing / 8;
  return Array.from({ length: shards }, (_, i) => {
    const centre = (i + 0.5) * spacing;
    for (let n = 0; ; n++) {
      const tag = `{${inner}-${shards}.${i}.${n}}`;
      if (Math.abs(keySlot(tag) - centre) <= window) return tag;
    }
  });
}

/**
 * WORKER_SHARDS: "0-3", "1,5", "0-1,4". Throws with a message naming the
 * bad part; every shard must be below `shards`.
 */
export function parseShardList(value: string, shards: number): number[] {
  const picked = new Set<number>();
  for (const raw of value.split(',')) {
    const part = raw.trim();
    const match = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!match) throw new Error(`"${part}" is not a shard or a range (expected e.g. 0-3 or 1,5)`);
    const from = Number(match[1]);
    const to = match[2] === undefined ? from : Number(match[2]);
    if (to < from) throw new Error(`"${part}" is an empty range`);
    if (to >= shards) throw new Error(`"${part}" names shard ${to}, but QUEUE_SHARDS=${shards} has shards 0-${shards - 1}`);
    for (let s = from; s <= to; s++) picked.add(s);
  }
  return [...picked].sort((a, b) => a - b);
}
