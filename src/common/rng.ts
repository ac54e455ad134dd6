import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';

/**
 * The one seeded random source of a replay. Every random decision draws from it, in decision
 * order, so the same seed gives the same decisions (never Math.random).
 */
export class SeededRng {
  private readonly gen;

  constructor(seed: number) {
    this.gen = xoroshiro128plus(seed | 0);
  }

  /** A uniform integer in [0, n). */
  int(n: number): number {
    return n <= 1 ? 0 : uniformInt(this.gen, 0, n - 1);
  }

  /** A uniform float in [0, 1). */
  float(): number {
    return uniformFloat64(this.gen);
  }
}
