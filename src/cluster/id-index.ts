/**
 * Instance id -> slot, an open-addressing hash table over typed arrays (linear probing, deletion by
 * backward shift, so no tombstones pile up as instances come and go). Against a Map<string> it
 * compares a stored 32-bit hash before it touches a key string, and allocates nothing per entry:
 * the replay looks ids up two or three times per row.
 */
export class IdIndex {
  /** Bucket -> slot + 1 (0: empty). */
  private table = new Int32Array(1024);
  /** Bucket -> the hash of its entry's id. */
  private hashes = new Int32Array(1024);
  private mask = 1023;
  private count = 0;
  /** Slot -> the hash its id was added under, so a delete does not hash the id again. */
  private slotHash = new Int32Array(1024);
  /** The last id looked up and its hash: a create looks an id up, then adds it. */
  private lastId = '';
  private lastHash = hashId('');

  /** `keys[slot]` is the id stored at a live slot (the instance table's own array). */
  constructor(private readonly keys: readonly string[]) {}

  get size(): number {
    return this.count;
  }

  /** The slot of `id`, or -1. */
  get(id: string): number {
    const h = hashId(id);
    this.lastId = id;
    this.lastHash = h;
    const { table, hashes, mask } = this;
    for (let b = h & mask; ; b = (b + 1) & mask) {
      const e = table[b];
      if (e === 0) return -1;
      if (hashes[b] === h && this.keys[e - 1] === id) return e - 1;
    }
  }

  /** Index `slot` under `id`, which the caller has checked is absent. */
  add(id: string, slot: number): void {
    if (2 * (this.count + 1) > this.table.length) this.grow();
    const h = id === this.lastId ? this.lastHash : hashId(id);
    if (slot >= this.slotHash.length) {
      const bigger = new Int32Array(Math.max(slot + 1, this.slotHash.length * 2));
      bigger.set(this.slotHash);
      this.slotHash = bigger;
    }
    this.slotHash[slot] = h;
    this.insert(h, slot + 1);
    this.count++;
  }

  /** Drop the entry of `slot`. */
  delete(slot: number): void {
    const { table, hashes, mask } = this;
    let i = this.slotHash[slot] & mask;
    while (table[i] !== slot + 1) {
      if (table[i] === 0) return;
      i = (i + 1) & mask;
    }
    // Backward shift: pull later entries of the probe run into the hole when that keeps them
    // reachable from their home bucket.
    for (let j = (i + 1) & mask; table[j] !== 0; j = (j + 1) & mask) {
      const home = hashes[j] & mask;
      const stays = i <= j ? i < home && home <= j : i < home || home <= j;
      if (stays) continue;
      table[i] = table[j];
      hashes[i] = hashes[j];
      i = j;
    }
    table[i] = 0;
    this.count--;
  }

  private insert(h: number, entry: number): void {
    const { table, mask } = this;
    let b = h & mask;
    while (table[b] !== 0) b = (b + 1) & mask;
    table[b] = entry;
    this.hashes[b] = h;
  }

  private grow(): void {
    const oldTable = this.table;
    const oldHashes = this.hashes;
    const n = oldTable.length * 2;
    this.table = new Int32Array(n);
    this.hashes = new Int32Array(n);
    this.mask = n - 1;
    for (let b = 0; b < oldTable.length; b++) if (oldTable[b] !== 0) this.insert(oldHashes[b], oldTable[b]);
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
