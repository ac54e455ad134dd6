// WeightHandler against nova/weights.py BaseWeightHandler.get_weighed_objects + normalize():
//   len(hosts) <= 1 -> every weight 0.0, no weigher called.
//   for each weigher: raw = [clamp(w, minval, maxval)]; lo = minval if set else min(raw);
//   hi = maxval if set else max(raw); lo == hi -> [0] * n; else (x - lo) / (hi - lo);
//   weight += multiplier(host) * normalised.
import { describe, expect, it } from 'vitest';
import type { FilterRequest, HostWeigher } from '../../src/framework/types.ts';
import { WeightHandler } from '../../src/framework/weight-handler.ts';
import { cluster } from '../helpers/cluster.ts';
import { replayLines } from '../helpers/replay.ts';

const REQ = {} as FilterRequest; // the fake weighers below never read the request

interface Fake extends HostWeigher {
  calls: number;
}

/** A weigher returning `values[host]`, with a per-host (or uniform) multiplier. */
function fake(
  values: readonly number[],
  opts: { minval?: number; maxval?: number; multiplier?: number | readonly number[] } = {},
): Fake {
  const m = opts.multiplier ?? 1;
  const w: Fake = {
    name: 'Fake',
    minval: opts.minval,
    maxval: opts.maxval,
    multipliers: Float64Array.from(values, (_, h) => (typeof m === 'number' ? m : m[h])),
    calls: 0,
    weigh: (h) => {
      w.calls++;
      return values[h];
    },
  };
  return w;
}

/** Weights of hosts listed in `order` (default: every host in host order), position by position. */
function weigh(weighers: HostWeigher[], hostCount: number, order?: number[]): number[] {
  const list = Int32Array.from(order ?? Array.from({ length: hostCount }, (_, i) => i));
  const weights = new Float64Array(hostCount).fill(Number.NaN);
  new WeightHandler(weighers, hostCount).weigh(list, list.length, REQ, weights);
  return [...weights.subarray(0, list.length)];
}

describe('WeightHandler normalisation', () => {
  it('lo is minval (0), not the list minimum', () => {
    // [4096, 8192], minval 0: (4096 - 0) / (8192 - 0) = 0.5, 8192 / 8192 = 1.
    expect(weigh([fake([4096, 8192], { minval: 0 })], 2)).toEqual([0.5, 1]);
  });

  it('without minval, lo is the list minimum', () => {
    // [4096, 8192]: (4096 - 4096) / 4096 = 0, 1.
    expect(weigh([fake([4096, 8192])], 2)).toEqual([0, 1]);
    // [-2, -1, 0]: lo -2, hi 0: 0 / 2 = 0, 1 / 2 = 0.5, 2 / 2 = 1.
    expect(weigh([fake([-2, -1, 0])], 3)).toEqual([0, 0.5, 1]);
  });

  it('all equal -> all 0 when lo == hi', () => {
    expect(weigh([fake([5, 5, 5])], 3)).toEqual([0, 0, 0]);
    expect(weigh([fake([0, 0], { minval: 0 })], 2)).toEqual([0, 0]);
  });

  it('all equal but above minval -> all 1 (lo = 0 != hi = 5)', () => {
    // (5 - 0) / (5 - 0) = 1 for each.
    expect(weigh([fake([5, 5, 5], { minval: 0 })], 3)).toEqual([1, 1, 1]);
  });

  it('clamps values below minval before normalising (negative free RAM counts as 0)', () => {
    // [-1904, 0, 1000] -> [0, 0, 1000]; lo 0, hi 1000 -> [0, 0, 1].
    expect(weigh([fake([-1904, 0, 1000], { minval: 0 })], 3)).toEqual([0, 0, 1]);
    // Stacking (multiplier -1): 0.0 + -1 * [0, 0, 1] = [0.0 + -0.0, 0.0 + -0.0, -1] = [0, 0, -1]
    // (0.0 + -0.0 is +0.0, in Python too); unclamped, -1904 would have scored +1.904.
    const w = weigh([fake([-1904, 0, 1000], { minval: 0, multiplier: -1 })], 3);
    expect(w).toEqual([0, 0, -1]);
  });

  it('clamps to maxval, and uses it as hi', () => {
    // [5, 15], minval 0, maxval 10 -> [5, 10]; (5 - 0) / 10 = 0.5, 10 / 10 = 1.
    expect(weigh([fake([5, 15], { minval: 0, maxval: 10 })], 2)).toEqual([0.5, 1]);
    // [20, 30], maxval 10, no minval -> [10, 10]; lo = min = 10 = hi -> zeros.
    expect(weigh([fake([20, 30], { maxval: 10 })], 2)).toEqual([0, 0]);
  });

  it('applies each host’s own multiplier', () => {
    // [4096, 8192], minval 0 -> [0.5, 1]; multipliers [2, 1] -> [1, 1].
    expect(weigh([fake([4096, 8192], { minval: 0, multiplier: [2, 1] })], 2)).toEqual([1, 1]);
  });

  it('negative multipliers reverse the order (stacking)', () => {
    // [2048, 4096, 8192], minval 0: [0.25, 0.5, 1] * -1 -> [-0.25, -0.5, -1]: host 0 is best.
    expect(weigh([fake([2048, 4096, 8192], { minval: 0, multiplier: -1 })], 3)).toEqual([-0.25, -0.5, -1]);
  });

  it('two weighers: normalisation changes the winner compared with summing raw values', () => {
    // RAM [8192, 8000], CPU [1, 16], both minval 0.
    // Raw sums: 8193 vs 8016 -> host 0 would win.
    // Normalised: RAM [1, 8000/8192 = 0.9765625], CPU [1/16 = 0.0625, 1]
    //   -> [1.0625, 1.9765625]: host 1 wins.
    const w = weigh([fake([8192, 8000], { minval: 0 }), fake([1, 16], { minval: 0 })], 2);
    expect(w).toEqual([1.0625, 1.9765625]);
    expect(w[1]).toBeGreaterThan(w[0]);
  });

  it('normalises over the candidates only, and writes weights by list position', () => {
    // Hosts 0..3 hold [100, 400, 200, 800]; candidates in order [2, 0, 1] (host 3 filtered out).
    // minval 0, hi = max(200, 100, 400) = 400 -> [0.5, 0.25, 1].
    expect(weigh([fake([100, 400, 200, 800], { minval: 0 })], 4, [2, 0, 1])).toEqual([0.5, 0.25, 1]);
  });

  it('one candidate: nothing is weighed, the weight is 0', () => {
    const w = fake([100, 400], { minval: 0 });
    expect(weigh([w], 2, [1])).toEqual([0]);
    expect(w.calls).toBe(0);
  });

  it('a weigher with multiplier 0 everywhere contributes nothing (and is not even called)', () => {
    // RAM alone: [0.5, 1]. A CPU weigher with multiplier 0 would have added [1, 0.25].
    const cpu = fake([16, 4], { minval: 0, multiplier: 0 });
    expect(weigh([fake([4096, 8192], { minval: 0 }), cpu], 2)).toEqual([0.5, 1]);
    expect(cpu.calls).toBe(0);
  });

  it('a multiplier of 0 on some hosts zeroes only their share', () => {
    // [16, 4] minval 0 -> [1, 0.25]; multipliers [0, 2] -> [0, 0.5]. Plus RAM [0.5, 1] -> [0.5, 1.5].
    const w = weigh([fake([4096, 8192], { minval: 0 }), fake([16, 4], { minval: 0, multiplier: [0, 2] })], 2);
    expect(w).toEqual([0.5, 1.5]);
  });
});

describe('WeightHandler end to end (RAMWeigher + CPUWeigher)', () => {
  const host = (name: string, vcpus: number, memory_mb: number, extra: Record<string, unknown> = {}) => ({
    name,
    vcpus,
    memory_mb,
    disk_gb: 100,
    ...extra,
  });

  it('minval 0 decides: lo = 0 gives h2, lo = list minimum would tie and give h1', async () => {
    // cpu ratio 1. h1: 16 vCPUs, 4096 MB; h2: 12 vCPUs, 8192 MB. The request uses nothing yet.
    // lo = 0:   RAM [4096/8192 = 0.5, 1], CPU [1, 12/16 = 0.75] -> [1.5, 1.75] -> h2.
    // lo = min: RAM [0, 1], CPU [1, 0] -> [1, 1] -> tie -> h1.
    const spec = cluster({
      allocation_ratios: { cpu: 1, ram: 1, disk: 1 },
      reserved: { memory_mb: 0, disk_gb: 0 },
      hosts: [host('h1', 16, 4096), host('h2', 12, 8192)],
    });
    const { log } = await replayLines(spec, ['time,id,vcpus,memory_mb', '0,a,1,1024'], {
      options: { weighers: ['RAMWeigher', 'CPUWeigher'] },
    });
    expect(log.hosts()).toEqual({ a: 'h2' });
  });

  it('cpu_weight_multiplier 0 leaves RAM alone to decide', async () => {
    // cpu ratio 1. h1: 64 vCPUs, 4096 MB; h2: 1 vCPU, 8192 MB.
    // Multiplier 1: RAM [0.5, 1] + CPU [1, 1/64 = 0.015625] -> [1.5, 1.015625] -> h1.
    // Multiplier 0: RAM [0.5, 1] -> h2.
    const spec = cluster({
      allocation_ratios: { cpu: 1, ram: 1, disk: 1 },
      reserved: { memory_mb: 0, disk_gb: 0 },
      hosts: [host('h1', 64, 4096), host('h2', 1, 8192)],
    });
    const lines = ['time,id,vcpus,memory_mb', '0,a,1,1024'];
    const weighers = ['RAMWeigher', 'CPUWeigher'];
    const one = await replayLines(spec, lines, { options: { weighers } });
    const zero = await replayLines(spec, lines, { options: { weighers, cpu_weight_multiplier: 0 } });
    expect(one.log.hosts()).toEqual({ a: 'h1' });
    expect(zero.log.hosts()).toEqual({ a: 'h2' });
  });

  it('negative free RAM is clamped to 0 when stacking', async () => {
    // ram ratio 1.5, nothing reserved, three 4096 MB hosts pinned by zone for the fillers:
    //   f1 4096 on h1: free 0.  f2, f3 3000 each on h2 (f3: 6144 - 3000 = 3144 >= 3000): free -1904.
    //   f4 3096 on h3: free 1000.
    // a (100 MB, any zone) fits everywhere (h2: 6144 - 6000 = 144 >= 100).
    // ram_weight_multiplier -1: clamped [0, 0, 1000] -> [0, 0, 1] -> weights [0, 0, -1]:
    //   h1 and h2 tie, cluster order -> h1. Unclamped, h2 would score -1 * (-1904 / 1000) = 1.904.
    const spec = cluster({
      allocation_ratios: { cpu: 16, ram: 1.5, disk: 1 },
      reserved: { memory_mb: 0, disk_gb: 0 },
      hosts: [
        host('h1', 8, 4096, { az: 'z1' }),
        host('h2', 8, 4096, { az: 'z2' }),
        host('h3', 8, 4096, { az: 'z3' }),
      ],
    });
    const { log } = await replayLines(
      spec,
      [
        'time,id,vcpus,memory_mb,az',
        '0,f1,1,4096,z1',
        '1,f2,1,3000,z2',
        '2,f3,1,3000,z2',
        '3,f4,1,3096,z3',
        '4,a,1,100,',
      ],
      { options: { ram_weight_multiplier: -1 } },
    );
    expect(log.hosts()).toEqual({ f1: 'h1', f2: 'h2', f3: 'h2', f4: 'h3', a: 'h1' });
  });
});
