/**
 * Instance id -> slot, an open-addressing hash table over typed arrays (linear probing, deletion by
 * backward shift, so no tombstones pile up as instances come and go). Against a Map<string> it
 * compares a stored 32-bit hash before it touches a key string, and allocates nothing per entry:
 * the replay looks ids up two or three times per row.
 */
export class IdIndex {
  /**
   * Bucket b at [2b] (slot + 1, 0: empty) and [2b + 1] (the hash of its entry's id): a probe
   * reads one place in memory, not two (the table outgrows the caches on a long trace).
   */
  private table = new Int32Array(2 * 1024);
  private mask = 1023;
  private count = 0;
  /**
   * Slot -> the hash its id was added under, so a delete does not hash the id again (none when the
   * owner keeps the hashes itself and hands them to `delete`).
   */
  private slotHash: Int32Array;
  /** The last id looked up and its hash: a create looks an id up, then adds it. */
  private lastId = '';
  private lastHash = hashId('');

  /** `keys[slot]` is the id stored at a live slot; `ownHashes`: the caller keeps each slot's hash. */
  constructor(
    private readonly keys: readonly string[],
    private readonly ownHashes = false,
  ) {
    this.slotHash = new Int32Array(ownHashes ? 0 : 1024);
  }

  get size(): number {
    return this.count;
  }

  /** The slot of `id`, or -1. */
  get(id: string): number {
    const h = hashId(id);
    this.lastId = id;
    this.lastHash = h;
    const { table, mask } = this;
    for (let b = h & mask; ; b = (b + 1) & mask) {
      const e = table[2 * b];
      if (e === 0) return -1;
      if (table[2 * b + 1] === h && this.keys[e - 1] === id) return e - 1;
    }
  }

  /** Index `slot` under `id`, which the caller has checked is absent; returns the id's hash. */
  add(id: string, slot: number): number {
    if (2 * (this.count + 1) > this.mask + 1) this.grow();
    const h = id === this.lastId ? this.lastHash : hashId(id);
    if (!this.ownHashes) {
      if (slot >= this.slotHash.length) {
        const bigger = new Int32Array(Math.max(slot + 1, this.slotHash.length * 2));
        bigger.set(this.slotHash);
        this.slotHash = bigger;
      }
      this.slotHash[slot] = h;
    }
    this.insert(h, slot + 1);
    this.count++;
    return h;
  }

  /** Drop the entry of `slot`; `hash`: what `add` returned for it (required when the caller keeps the hashes). */
  delete(slot: number, hash = this.slotHash[slot]): void {
    const { table, mask } = this;
    let i = hash & mask;
    while (table[2 * i] !== slot + 1) {
      if (table[2 * i] === 0) return;
      i = (i + 1) & mask;
    }
    // Backward shift: pull later entries of the probe run into the hole when that keeps them
    // reachable from their home bucket.
    for (let j = (i + 1) & mask; table[2 * j] !== 0; j = (j + 1) & mask) {
      const home = table[2 * j + 1] & mask;
      const stays = i <= j ? i < home && home <= j : i < home || home <= j;
      if (stays) continue;
      table[2 * i] = table[2 * j];
      table[2 * i + 1] = table[2 * j + 1];
      i = j;
    }
    table[2 * i] = 0;
    this.count--;
  }

  private insert(h: number, entry: number): void {
    const { table, mask } = this;
    let b = h & mask;
    while (table[2 * b] !== 0) b = (b + 1) & mask;
    table[2 * b] = entry;
    table[2 * b + 1] = h;
  }

  private grow(): void {
    const old = this.table;
    const n = old.length; // buckets after doubling
    this.table = new Int32Array(2 * n);
    this.mask = n - 1;
    for (let b = 0; b < old.length; b += 2) if (old[b] !== 0) this.insert(old[b + 1], old[b]);
  }
}

/** FNV-1a over UTF-16 units, then murmur3's finaliser so sequential ids spread over buckets. */
export function hashId(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}
