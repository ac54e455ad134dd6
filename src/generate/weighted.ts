import type { SeededRng } from '../common/rng.ts';

/**
 * Draws an index by weight. Equal weights draw with `rng.int(n)`, so a uniform mix consumes the
 * random source exactly as the generator always has (same seed, same bytes).
 */
export class WeightedPick {
  private readonly cumulative: Float64Array;
  private readonly uniform: boolean;

  constructor(weights: readonly number[]) {
    if (weights.length === 0) throw new Error('WeightedPick: no weights');
    this.cumulative = new Float64Array(weights.length);
    let sum = 0;
    weights.forEach((w, i) => {
      sum += w;
      this.cumulative[i] = sum;
    });
    if (!(sum > 0)) throw new Error('WeightedPick: the weights sum to 0');
    this.uniform = weights.every((w) => w === weights[0]);
  }

  get size(): number {
    return this.cumulative.length;
  }

  draw(rng: SeededRng): number {
    const n = this.cumulative.length;
    if (this.uniform) return rng.int(n);
    const u = rng.float() * this.cumulative[n - 1];
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.cumulative[mid] > u) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  /** The share of index i. */
  share(i: number): number {
    const n = this.cumulative.length;
    return (this.cumulative[i] - (i > 0 ? this.cumulative[i - 1] : 0)) / this.cumulative[n - 1];
  }
}
