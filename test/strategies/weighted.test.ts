// weighted: p_i = (w_i - s) / Σ_j (w_j - s), s = min(0, min_j w_j), with w_i the filter strategy's
// weight of host i. Hosts h1..h3 with 8192, 16384, 24576 MB free; each request departs before the
// next, so every draw sees those values. RAMWeigher alone (minval 0): normalised x / max =
// 1/3, 2/3, 1.
import { describe, expect, it } from 'vitest';
import { weightedStrategy } from '../../strategies/weighted.ts';
import { simpleCluster } from '../helpers/cluster.ts';
import { choiceCounts } from './support.ts';

const spec = () => simpleCluster([{ memory_mb: 8192 }, { memory_mb: 16384 }, { memory_mb: 24576 }]);
const N = 6000;
const flavor = { vcpus: 1, memoryMb: 1024 };

function frequencies(counts: Record<string, number>): number[] {
  return ['h1', 'h2', 'h3'].map((h) => (counts[h] ?? 0) / N);
}

describe('weighted choice frequencies', () => {
  // Tolerance 0.03 per host: the largest standard error, p = 1/2 over N = 6000, is 0.0065 (4.6 of them).
  it('ram_weight_multiplier 1: w = 1/3, 2/3, 1, s = 0, p = 1/6, 2/6, 3/6', async () => {
    const { counts } = await choiceCounts(weightedStrategy, spec(), N, flavor, { seed: 21 });
    const f = frequencies(counts);
    [1 / 6, 2 / 6, 3 / 6].forEach((p, i) => {
      expect(Math.abs(f[i] - p)).toBeLessThan(0.03);
    });
  });

  it('ram_weight_multiplier -1: w = -1/3, -2/3, -1, s = -1, p = 2/3, 1/3, 0', async () => {
    const { counts } = await choiceCounts(weightedStrategy, spec(), N, flavor, {
      seed: 22,
      options: { ram_weight_multiplier: -1 },
    });
    const f = frequencies(counts);
    expect(Math.abs(f[0] - 2 / 3)).toBeLessThan(0.03);
    expect(Math.abs(f[1] - 1 / 3)).toBeLessThan(0.03);
    // Weight 0 after the shift: never drawn.
    expect(counts.h3).toBeUndefined();
  });

  it('no weighers: every weight 0, a uniform draw', async () => {
    const { counts } = await choiceCounts(weightedStrategy, spec(), N, flavor, {
      seed: 23,
      options: { weighers: [] },
    });
    for (const f of frequencies(counts)) expect(Math.abs(f - 1 / 3)).toBeLessThan(0.03);
  });

  it('keeps the filters: a host that is too small is never drawn', async () => {
    // 12000 MB fits only h2 and h3; RAM weights over them: 16384/24576 = 2/3 and 1 -> p 0.4, 0.6.
    const { counts } = await choiceCounts(
      weightedStrategy,
      spec(),
      N,
      { vcpus: 1, memoryMb: 12000 },
      {
        seed: 24,
      },
    );
    expect(counts.h1).toBeUndefined();
    expect(Math.abs(counts.h2 / N - 0.4)).toBeLessThan(0.03);
  });
});
