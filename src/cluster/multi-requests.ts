import { IdIndex } from './id-index.ts';

/**
 * Multi-instance requests with live instances: request id -> its instance count and how many are
 * live, so `delete id` can find `id-*`. An IdIndex over reusable slots rather than a Map of
 * objects: the replay asks once per delete row and once per instance added or removed.
 */
export class MultiRequests {
  private readonly ids: string[] = [];
  private readonly index = new IdIndex(this.ids);
  private counts = new Int32Array(64);
  private lives = new Int32Array(64);
  private readonly free: number[] = [];

  /** Requests with live instances. */
  get size(): number {
    return this.index.size;
  }

  /** The instance count of request `id`, or 0 when none of its instances is live. */
  countOf(id: string): number {
    const s = this.index.get(id);
    return s < 0 ? 0 : this.counts[s];
  }

  /** Live instances of request `id` (0 for none). */
  liveOf(id: string): number {
    const s = this.index.get(id);
    return s < 0 ? 0 : this.lives[s];
  }

  /** An instance of request `id` (of `count` instances, as its first live one said) became live. */
  added(id: string, count: number): void {
    const s = this.index.get(id);
    if (s >= 0) {
      this.lives[s]++;
      return;
    }
    let slot = this.free.pop();
    if (slot === undefined) {
      slot = this.ids.length;
      this.ids.push(id);
      if (slot >= this.counts.length) this.grow();
    } else this.ids[slot] = id;
    this.index.add(id, slot);
    this.counts[slot] = count;
    this.lives[slot] = 1;
  }

  /** A live instance of request `id` went. */
  removed(id: string): void {
    const s = this.index.get(id);
    if (s < 0 || --this.lives[s] > 0) return;
    this.index.delete(s);
    this.ids[s] = '';
    this.free.push(s);
  }

  private grow(): void {
    const counts = new Int32Array(2 * this.counts.length);
    counts.set(this.counts);
    this.counts = counts;
    const lives = new Int32Array(2 * this.lives.length);
    lives.set(this.lives);
    this.lives = lives;
  }
}
