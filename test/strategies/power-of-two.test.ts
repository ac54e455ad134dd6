// power-of-two: per instance, d hosts sampled uniformly without replacement among the feasible ones,
// the better by the fit score wins (worst-fit by default: most capacity left).
import { describe, expect, it } from 'vitest';
import { BUILTIN_PLUGINS } from '../../src/framework/builtins.ts';
import { powerOfTwoStrategy } from '../../strategies/power-of-two.ts';
import { worstFitStrategy } from '../../strategies/worst-fit.ts';
import { cluster, simpleCluster } from '../helpers/cluster.ts';
import { choiceCounts, generated, run } from './support.ts';

// 8192, 16384, 32768 MB: with a 0-vCPU, 0-disk flavor the score ranks by RAM left: h3 > h2 > h1.
const spec = () => simpleCluster([{ memory_mb: 8192 }, { memory_mb: 16384 }, { memory_mb: 32768 }]);
const flavor = { vcpus: 0, memoryMb: 1024 };
const N = 3000;

describe('power-of-two', () => {
  it('d = 2 of 3: the best host wins whenever sampled (2/3), the middle one otherwise (1/3)', async () => {
    // The 3 pairs are equally likely: {h1,h2} -> h2, {h1,h3} -> h3, {h2,h3} -> h3. h1 never wins.
    // Tolerance 0.04: the standard error of p = 2/3 over 3000 draws is 0.0086.
    const { counts } = await choiceCounts(powerOfTwoStrategy, spec(), N, flavor, { seed: 31 });
    expect(counts.h1).toBeUndefined();
    expect(Math.abs(counts.h3 / N - 2 / 3)).toBeLessThan(0.04);
    expect(Math.abs(counts.h2 / N - 1 / 3)).toBeLessThan(0.04);
  });

  it('pick best-fit: the fuller host of the pair wins, so h3 never does', async () => {
    const { counts } = await choiceCounts(powerOfTwoStrategy, spec(), N, flavor, {
      seed: 32,
      options: { pick: 'best-fit' },
    });
    expect(counts.h3).toBeUndefined();
    expect(Math.abs(counts.h1 / N - 2 / 3)).toBeLessThan(0.04);
  });

  it('d = 1 is a uniform draw among feasible hosts; infeasible hosts are never sampled', async () => {
    // 12000 MB fits h2 and h3 only: 1/2 each.
    const { counts } = await choiceCounts(
      powerOfTwoStrategy,
      spec(),
      N,
      { vcpus: 0, memoryMb: 12000 },
      {
        seed: 33,
        options: { d: 1 },
      },
    );
    expect(counts.h1).toBeUndefined();
    expect(Math.abs(counts.h2 / N - 0.5)).toBeLessThan(0.04);
  });

  it('d >= the number of hosts samples them all: the same decisions as worst-fit', async () => {
    const lines = ['time,id,vcpus,memory_mb,disk_gb'];
    const sizes = [2048, 4096, 1024, 8192, 3072, 2048, 6144, 1024];
    for (const [i, m] of sizes.entries()) lines.push(`${i},r${i},1,${m},5`);
    const p2 = await run(powerOfTwoStrategy, spec(), lines, { options: { d: 3 } });
    const wf = await run(worstFitStrategy, spec(), lines);
    expect(p2.hosts).toEqual(wf.hosts);
  });

  it('sampling every host checks the filters one host at a time exactly as the scan does', async () => {
    // Generated traces: AZs, extra specs, hard and soft groups, hints, multi-instance requests and
    // deletes. With d at least the host count every feasible host is sampled, so the per-host checks
    // (filters run once per request keep their first instance's state) must find exactly the hosts
    // the filter scan keeps, and the best of them is worst-fit's choice.
    const every = {
      filters: [...BUILTIN_PLUGINS.filters.keys()],
      max_instances_per_host: 6,
      max_io_ops_per_host: 2,
    };
    for (const [seed, options] of [
      [51, {}],
      [52, every],
    ] as const) {
      const { spec: s, lines } = generated(seed, 30, 1200);
      const p2 = await run(powerOfTwoStrategy, s, lines, { seed, options: { d: 30, ...options } });
      const wf = await run(worstFitStrategy, s, lines, { seed, options });
      expect(p2.log.outcomes).toEqual(wf.log.outcomes);
      expect(p2.log.outcomes.filter((o) => o.host === '').length).toBeGreaterThan(0);
    }
  });

  it('costs about d host evaluations per instance when most hosts are feasible, whatever the cluster size', async () => {
    const big = cluster({
      allocation_ratios: { cpu: 16, ram: 1.5, disk: 1 },
      reserved: { memory_mb: 0, disk_gb: 0 },
      groups: [{ count: 500, prefix: 'h', vcpus: 64, memory_mb: 262144, disk_gb: 4000 }],
    });
    const lines = ['time,id,vcpus,memory_mb'];
    for (let i = 0; i < 200; i++) lines.push(`${i},r${i},1,1024`);
    const { r } = await run(powerOfTwoStrategy, big, lines);
    // Every host fits every request: exactly 2 hosts examined per instance (the filter strategy
    // examines all 500).
    expect(r.result.manager.hostEvaluations).toBe(2 * 200);
  });

  it('NoValidHost when no host is feasible', async () => {
    const { log } = await run(powerOfTwoStrategy, spec(), ['time,id,vcpus,memory_mb', '0,a,0,65536']);
    expect(log.outcomes.map((o) => [o.id, o.host, o.reason])).toEqual([
      ['a', '', 'No valid host was found.'],
    ]);
  });
});
