// Selection (nova/scheduler/manager.py _get_sorted_hosts and _schedule):
//   weighed = sorted(hosts, key=weight, reverse=True)   (stable: ties keep the input order)
//   subset = weighed[:host_subset_size]; chosen = random.choice(subset)
//   return [chosen] + (weighed without chosen)  -> the input list of the next instance
// Instance 0 starts from every host in cluster order; instance k+1 from instance k's list, after
// instance k has been consumed on its host.
import { describe, expect, it } from 'vitest';
import { replayMode } from '../framework/support.ts';
import { cluster, simpleCluster } from '../helpers/cluster.ts';
import { replayLines } from '../helpers/replay.ts';

describe('stable tie order', () => {
  it('equal weights go to the first host in cluster order (not name order)', async () => {
    const spec = simpleCluster([{ name: 'zz' }, { name: 'mm' }, { name: 'aa' }]);
    const { log } = await replayLines(spec, ['time,id,vcpus,memory_mb', '0,a,1,1024']);
    expect(log.hosts()).toEqual({ a: 'zz' });
  });

  it('ties among the best hosts only: the first of them in cluster order', async () => {
    // Free RAM 4096, 8192, 8192: h2 and h3 tie for best -> h2.
    const spec = simpleCluster([{ memory_mb: 4096 }, { memory_mb: 8192 }, { memory_mb: 8192 }]);
    const { log } = await replayLines(spec, ['time,id,vcpus,memory_mb', '0,a,1,1024']);
    expect(log.hosts()).toEqual({ a: 'h2' });
  });

  it('without weighers every host weighs 0: the first host that passes the filters', async () => {
    const spec = simpleCluster([{ memory_mb: 1024 }, { memory_mb: 2048 }, { memory_mb: 8192 }]);
    const { log } = await replayLines(spec, ['time,id,vcpus,memory_mb', '0,a,1,2000'], {
      options: { weighers: [] },
    });
    // h1 (1024 MB) fails RamFilter; h2 is first of the rest.
    expect(log.hosts()).toEqual({ a: 'h2' });
  });
});

describe('multi-instance requests: the next instance starts from the previous sorted list', () => {
  // Free RAM (ratio 1, nothing reserved): h1 2048, h2 3072, h3 2048. Every instance takes 1024.
  const spec = () => simpleCluster([{ memory_mb: 2048 }, { memory_mb: 3072 }, { memory_mb: 2048 }]);

  it('ties on instance k+1 keep instance k’s order, chosen host first', async () => {
    // a-0: sorted [h2 3072, h1 2048, h3 2048] -> h2 (2048 left); input for a-1: [h2, h1, h3].
    // a-1: all 2048; RAM lo 0, hi 2048 -> 1, 1, 1: a tie, the order stays [h2, h1, h3] -> h2.
    //      (Re-sorting in cluster order would have picked h1.)
    // a-2: h2 1024, h1 2048, h3 2048 -> [h1, h3, h2] -> h1.
    const { log } = await replayLines(spec(), ['time,id,vcpus,memory_mb,count', '0,a,1,1024,3']);
    expect(log.hosts()).toEqual({ 'a-0': 'h2', 'a-1': 'h2', 'a-2': 'h1' });
  });

  it('the same three instances as separate requests each start from cluster order', async () => {
    // b: h2 (2048 left). c: all 2048 -> tie in cluster order -> h1 (1024 left).
    // d: h1 1024, h2 2048, h3 2048 -> h2 and h3 tie, h2 first in cluster order -> h2.
    const { log } = await replayLines(spec(), [
      'time,id,vcpus,memory_mb',
      '0,b,1,1024',
      '1,c,1,1024',
      '2,d,1,1024',
    ]);
    expect(log.hosts()).toEqual({ b: 'h2', c: 'h1', d: 'h2' });
  });
});

describe('host_subset_size', () => {
  // Free RAM 8192 > 7168 > 6144 > 5120: the weights rank h1, h2, h3, h4.
  const spec = () =>
    cluster({
      allocation_ratios: { cpu: 16, ram: 1, disk: 1 },
      reserved: { memory_mb: 0, disk_gb: 0 },
      hosts: [8192, 7168, 6144, 5120].map((m, i) => ({
        name: `h${i + 1}`,
        vcpus: 8,
        memory_mb: m,
        disk_gb: 100,
      })),
    });
  const one = ['time,id,vcpus,memory_mb', '0,a,1,1024'];

  async function picks(subset: number, seeds: number, lines = one): Promise<string[]> {
    const out: string[] = [];
    for (let seed = 0; seed < seeds; seed++) {
      const { log } = await replayLines(spec(), lines, { seed, options: { host_subset_size: subset } });
      out.push(log.hosts().a);
    }
    return out;
  }

  it('1: always the best host, whatever the seed', async () => {
    expect(new Set(await picks(1, 8))).toEqual(new Set(['h1']));
  });

  it('2: only the two best hosts are ever chosen, and both are', async () => {
    expect(new Set(await picks(2, 40))).toEqual(new Set(['h1', 'h2']));
  });

  it('3: only the three best hosts', async () => {
    expect(new Set(await picks(3, 60))).toEqual(new Set(['h1', 'h2', 'h3']));
  });

  it('larger than the candidate list: any candidate, and only candidates', async () => {
    // 1024 MB fits on all four hosts, so all four are candidates. Subset 10 > 4: any of them.
    expect(new Set(await picks(10, 80))).toEqual(new Set(['h1', 'h2', 'h3', 'h4']));
    // 5121 MB: h4 (5120) fails RamFilter; the subset is the three others.
    const big = ['time,id,vcpus,memory_mb', '0,a,1,5121'];
    expect(new Set(await picks(10, 60, big))).toEqual(new Set(['h1', 'h2', 'h3']));
  });

  it('is deterministic per seed', async () => {
    const lines = [
      'time,id,vcpus,memory_mb,count',
      '0,a,1,1024,3',
      '1,b,1,512,1',
      '2,c,1,2048,2',
      '3,d,1,256,4',
    ];
    for (const seed of [0, 1, 7, 12345]) {
      const first = await replayLines(spec(), lines, { seed, options: { host_subset_size: 3 } });
      const again = await replayLines(spec(), lines, { seed, options: { host_subset_size: 3 } });
      expect(again.log.hosts()).toEqual(first.log.hosts());
    }
  });

  it('never chooses a host outside the top N of the instance’s own ranking', async () => {
    // subset 2, four instances of 1024 in one request. After each choice the chosen host has
    // 1024 MB less; whatever the draws, each instance goes to one of the two hosts with the most
    // free RAM at that moment (ties broken by the order of the list it starts from).
    for (let seed = 0; seed < 20; seed++) {
      const { log } = await replayLines(spec(), ['time,id,vcpus,memory_mb,count', '0,a,1,1024,4'], {
        seed,
        options: { host_subset_size: 2 },
      });
      const free: Record<string, number> = { h1: 8192, h2: 7168, h3: 6144, h4: 5120 };
      for (const o of log.outcomes) {
        const ranked = Object.values(free).sort((x, y) => y - x);
        // The chosen host's free RAM must be at least the second-highest value.
        expect(free[o.host]).toBeGreaterThanOrEqual(ranked[1]);
        free[o.host] -= 1024;
      }
    }
  });
});

describe('a multi-instance request that runs out of hosts', () => {
  // One 4096 MB host (ratio 1, nothing reserved); a asks for 3 x 2048, then b for 4096.
  const lines = ['time,id,vcpus,memory_mb,count', '0,a,1,2048,3', '1,b,1,4096,1'];

  it("multi_create 'each' (the contract): earlier instances stay, the rest is NoValidHost", async () => {
    // a-0: 4096 >= 2048 -> h1 (2048 left). a-1: h1 (0 left). a-2: 0 < 2048 -> no host.
    // b: h1 has 0 left -> NoValidHost.
    const { log } = await replayMode(simpleCluster([{ memory_mb: 4096 }]), lines);
    expect(log.hosts()).toEqual({ 'a-0': 'h1', 'a-1': 'h1', 'a-2': '', b: '' });
  });

  it("multi_create 'all-or-nothing' (Nova 26 _ensure_sufficient_hosts): the whole request fails and is freed", async () => {
    // 2 hosts selected for 3 instances -> NoValidHost for all three; a-0 and a-1 are given back,
    // so b finds 4096 free on h1.
    const { log } = await replayMode(simpleCluster([{ memory_mb: 4096 }]), lines, {
      multiCreate: 'all-or-nothing',
    });
    expect(log.hosts()).toEqual({ 'a-0': '', 'a-1': '', 'a-2': '', b: 'h1' });
  });

  it("'all-or-nothing' changes nothing when every instance finds a host", async () => {
    // Two 4096 MB hosts: a-0 h1 (tie), a-1: h2 4096 > h1 2048 -> h2, a-2: tie at 2048 in the
    // order [h2, h1] -> h2. b (4096): nowhere.
    const spec = simpleCluster([{ memory_mb: 4096 }, { memory_mb: 4096 }]);
    const each = await replayMode(spec, lines);
    const all = await replayMode(spec, lines, { multiCreate: 'all-or-nothing' });
    const expected = { 'a-0': 'h1', 'a-1': 'h2', 'a-2': 'h2', b: '' };
    expect(each.log.hosts()).toEqual(expected);
    expect(all.log.hosts()).toEqual(expected);
  });
});
