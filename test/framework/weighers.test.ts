// Weighers (nova/scheduler/weights/*.py): raw values, minval, and per-host multipliers.
//   RAMWeigher      free_ram_mb                                  minval 0
//   CPUWeigher      vcpus_total * cpu_allocation_ratio - vcpus_used  minval 0
//   DiskWeigher     free_disk_mb                                 minval 0
//   IoOpsWeigher    num_io_ops                                   minval 0
//   NumInstancesWeigher  num_instances
//   ServerGroupSoftAffinityWeigher      members of a soft-affinity group on the host (else 0)
//   ServerGroupSoftAntiAffinityWeigher  -1 * members of a soft-anti-affinity group on the host
// Multiplier: utils.get_weight_multiplier: min(float(v)) over the host's aggregates' values of the
// key; no value -> the config option; any ValueError -> the config option.
import { describe, expect, it } from 'vitest';
import { cluster, simpleCluster } from '../helpers/cluster.ts';
import { replayLines } from '../helpers/replay.ts';
import { bench, group, makeWeigher, multipliers, place, rawWeights, request } from './support.ts';

const agg = (name: string, metadata: Record<string, string>) => ({ name, metadata });

// cpu 16, ram 1.5, disk 1.0; 512 MB and 10 GB reserved per host.
const usage = () => {
  const b = bench(
    cluster({
      allocation_ratios: { cpu: 16, ram: 1.5, disk: 1.0 },
      reserved: { memory_mb: 512, disk_gb: 10 },
      hosts: [
        {
          name: 'h1',
          vcpus: 8,
          memory_mb: 8192,
          disk_gb: 100,
          aggregates: [
            agg('a', { ram_weight_multiplier: '2.0' }),
            agg('b', { ram_weight_multiplier: '0.5' }),
          ],
        },
        {
          name: 'h2',
          vcpus: 4,
          memory_mb: 4096,
          disk_gb: 50,
          aggregates: [
            agg('c', { ram_weight_multiplier: '3', cpu_weight_multiplier: 'abc' }),
            agg('d', { ram_weight_multiplier: 'x' }),
          ],
        },
        {
          name: 'h3',
          vcpus: 0,
          memory_mb: 2048,
          disk_gb: 20,
          az: 'az1',
          aggregates: [agg('e', { disk_weight_multiplier: ' -1.5 ', io_ops_weight_multiplier: '1e1' })],
        },
      ],
    }),
    { ram_weight_multiplier: 2, cpu_weight_multiplier: 3 },
  );
  // h1 runs x (3 vCPUs, 1000 MB, 20 GB) and y (empty flavor).
  place(b, 'h1', 'x', { vcpus: 3, memoryMb: 1000, diskGb: 20 });
  place(b, 'h1', 'y');
  return b;
};

describe('raw weigher values', () => {
  it('RAMWeigher: free_ram_mb = memory_mb - reserved - Σ instance RAM', () => {
    // h1 8192 - 512 - 1000 = 6680; h2 4096 - 512 = 3584; h3 2048 - 512 = 1536.
    const b = usage();
    expect(rawWeights(b, 'RAMWeigher', request(b))).toEqual({ h1: 6680, h2: 3584, h3: 1536 });
  });

  it('CPUWeigher: vcpus_total * cpu_ratio - vcpus_used', () => {
    // h1 8 * 16 - 3 = 125; h2 4 * 16 - 0 = 64; h3 0 * 16 - 0 = 0.
    const b = usage();
    expect(rawWeights(b, 'CPUWeigher', request(b))).toEqual({ h1: 125, h2: 64, h3: 0 });
  });

  it('DiskWeigher: free_disk_mb = (disk_gb - reserved) * 1024 - Σ 1024 * instance disk', () => {
    // h1 (100 - 10) * 1024 - 20 * 1024 = 71680; h2 (50 - 10) * 1024 = 40960; h3 (20 - 10) * 1024 = 10240.
    const b = usage();
    expect(rawWeights(b, 'DiskWeigher', request(b))).toEqual({ h1: 71680, h2: 40960, h3: 10240 });
  });

  it('IoOpsWeigher: builds in flight (each claim adds one)', () => {
    const b = usage();
    expect(rawWeights(b, 'IoOpsWeigher', request(b))).toEqual({ h1: 2, h2: 0, h3: 0 });
  });

  it('NumInstancesWeigher: live instances', () => {
    const b = usage();
    expect(rawWeights(b, 'NumInstancesWeigher', request(b))).toEqual({ h1: 2, h2: 0, h3: 0 });
  });

  it('RAMWeigher returns a negative free_ram_mb as is (clamping is the handler’s job)', () => {
    // ram 1.5, no reservation, 4096 MB: two 3000 MB instances fit (limit 6144 - used 3000 >= 3000),
    // free = 4096 - 6000 = -1904.
    const b = bench(
      simpleCluster([{ memory_mb: 4096 }], { allocation_ratios: { cpu: 16, ram: 1.5, disk: 1 } }),
    );
    place(b, 'h1', 'a', { memoryMb: 3000 });
    place(b, 'h1', 'b', { memoryMb: 3000 });
    expect(rawWeights(b, 'RAMWeigher', request(b))).toEqual({ h1: -1904 });
  });

  describe('server-group soft weighers', () => {
    const groups = () => {
      const b = bench(simpleCluster([{}, {}, {}]));
      const soft = group(b, 'soft', 'soft-affinity');
      const anti = group(b, 'anti', 'soft-anti-affinity');
      const hard = group(b, 'hard', 'affinity');
      place(b, 'h1', 's1', {}, soft);
      place(b, 'h1', 's2', {}, soft);
      place(b, 'h2', 's3', {}, soft);
      place(b, 'h3', 'n1', {}, anti);
      place(b, 'h3', 'n2', {}, anti);
      place(b, 'h2', 'n3', {}, anti);
      place(b, 'h1', 'f1', {}, hard);
      return { b, soft, anti, hard };
    };

    it('soft-affinity: members of the request’s soft-affinity group on each host', () => {
      const { b, soft } = groups();
      expect(rawWeights(b, 'ServerGroupSoftAffinityWeigher', request(b, { group: soft }))).toEqual({
        h1: 2,
        h2: 1,
        h3: 0,
      });
    });

    it('soft-anti-affinity: minus the members on each host', () => {
      const { b, anti } = groups();
      const raw = rawWeights(b, 'ServerGroupSoftAntiAffinityWeigher', request(b, { group: anti }));
      expect(raw).toEqual({ h1: 0, h2: -1, h3: -2 });
      // -1 * 0 is 0 in Python (an int); no negative zero here.
      expect(Object.is(raw.h1, 0)).toBe(true);
    });

    it('each weigher weighs only its own policy (and no group is 0)', () => {
      const { b, soft, anti, hard } = groups();
      const zero = { h1: 0, h2: 0, h3: 0 };
      expect(rawWeights(b, 'ServerGroupSoftAffinityWeigher', request(b, { group: anti }))).toEqual(zero);
      expect(rawWeights(b, 'ServerGroupSoftAffinityWeigher', request(b, { group: hard }))).toEqual(zero);
      expect(rawWeights(b, 'ServerGroupSoftAffinityWeigher', request(b))).toEqual(zero);
      expect(rawWeights(b, 'ServerGroupSoftAntiAffinityWeigher', request(b, { group: soft }))).toEqual(zero);
      expect(rawWeights(b, 'ServerGroupSoftAntiAffinityWeigher', request(b))).toEqual(zero);
    });
  });
});

describe('minval / maxval', () => {
  it.each([
    ['RAMWeigher', 0],
    ['CPUWeigher', 0],
    ['DiskWeigher', 0],
    ['IoOpsWeigher', 0],
    // Upstream nova/scheduler/weights/num_instances.py (2023.2) sets no minval.
    ['NumInstancesWeigher', undefined],
    ['ServerGroupSoftAffinityWeigher', undefined],
    ['ServerGroupSoftAntiAffinityWeigher', undefined],
  ])('%s has minval %s and no maxval', (name, minval) => {
    const w = makeWeigher(bench(simpleCluster([{}])), name);
    expect(w.minval).toBe(minval);
    expect(w.maxval).toBeUndefined();
  });
});

describe('multipliers: config value, or the minimum over the host’s aggregates', () => {
  it('RAMWeigher: min(2.0, 0.5) on h1; a non-numeric value anywhere -> the config value', () => {
    // h1: {'2.0', '0.5'} -> 0.5. h2: {'3', 'x'}: float('x') raises -> config 2. h3: no key -> 2.
    expect(multipliers(usage(), 'RAMWeigher')).toEqual({ h1: 0.5, h2: 2, h3: 2 });
  });

  it("CPUWeigher: 'abc' falls back to the config value 3", () => {
    expect(multipliers(usage(), 'CPUWeigher')).toEqual({ h1: 3, h2: 3, h3: 3 });
  });

  it("DiskWeigher: float(' -1.5 ') = -1.5 (float() strips)", () => {
    expect(multipliers(usage(), 'DiskWeigher')).toEqual({ h1: 1, h2: 1, h3: -1.5 });
  });

  it("IoOpsWeigher: default -1.0; '1e1' = 10", () => {
    expect(multipliers(usage(), 'IoOpsWeigher')).toEqual({ h1: -1, h2: -1, h3: 10 });
  });

  it('defaults: NumInstances 0.0, soft-affinity 1.0, soft-anti-affinity 1.0', () => {
    const b = bench(simpleCluster([{}]));
    expect(multipliers(b, 'NumInstancesWeigher')).toEqual({ h1: 0 });
    expect(multipliers(b, 'ServerGroupSoftAffinityWeigher')).toEqual({ h1: 1 });
    expect(multipliers(b, 'ServerGroupSoftAntiAffinityWeigher')).toEqual({ h1: 1 });
  });

  it('end to end: an aggregate multiplier of -1 turns the biggest host into the least wanted', async () => {
    // RAM raw: h1 8192, h2 4096; lo = minval 0, hi 8192 -> h1 1.0, h2 0.5.
    // Multipliers: h1 -1 (aggregate), h2 1 (config) -> h1 -1.0, h2 0.5 -> h2.
    const spec = cluster({
      allocation_ratios: { cpu: 16, ram: 1, disk: 1 },
      reserved: { memory_mb: 0, disk_gb: 0 },
      hosts: [
        {
          name: 'h1',
          vcpus: 8,
          memory_mb: 8192,
          disk_gb: 100,
          aggregates: [agg('s', { ram_weight_multiplier: '-1' })],
        },
        { name: 'h2', vcpus: 8, memory_mb: 4096, disk_gb: 100 },
      ],
    });
    const { log } = await replayLines(spec, ['time,id,vcpus,memory_mb', '0,a,1,1024']);
    expect(log.hosts()).toEqual({ a: 'h2' });
  });

  it('end to end: one non-numeric aggregate value voids the override', async () => {
    // h1 values {'-1', 'fast'}: float('fast') raises -> config 1.0 -> h1 1.0 > h2 0.5 -> h1.
    const spec = cluster({
      allocation_ratios: { cpu: 16, ram: 1, disk: 1 },
      reserved: { memory_mb: 0, disk_gb: 0 },
      hosts: [
        {
          name: 'h1',
          vcpus: 8,
          memory_mb: 8192,
          disk_gb: 100,
          aggregates: [
            agg('s', { ram_weight_multiplier: '-1' }),
            agg('t', { ram_weight_multiplier: 'fast' }),
          ],
        },
        { name: 'h2', vcpus: 8, memory_mb: 4096, disk_gb: 100 },
      ],
    });
    const { log } = await replayLines(spec, ['time,id,vcpus,memory_mb', '0,a,1,1024']);
    expect(log.hosts()).toEqual({ a: 'h1' });
  });
});

describe('weighers end to end', () => {
  const host = (name: string, extra: Record<string, unknown>) => ({
    name,
    vcpus: 8,
    memory_mb: 8192,
    disk_gb: 100,
    ...extra,
  });
  const flat = (hosts: Record<string, unknown>[]) =>
    cluster({
      allocation_ratios: { cpu: 16, ram: 1, disk: 1 },
      reserved: { memory_mb: 0, disk_gb: 0 },
      hosts,
    });

  it('CPUWeigher alone prefers the most free vCPUs after the ratio', async () => {
    // h1 8 * 16 = 128, h2 16 * 16 = 256 -> h2 (RAM is equal and not weighed).
    const spec = flat([host('h1', {}), host('h2', { vcpus: 16 })]);
    const { log } = await replayLines(spec, ['time,id,vcpus,memory_mb', '0,a,1,1024'], {
      options: { weighers: ['CPUWeigher'] },
    });
    expect(log.hosts()).toEqual({ a: 'h2' });
  });

  it('DiskWeigher alone prefers the most free disk', async () => {
    const spec = flat([host('h1', {}), host('h2', { disk_gb: 200 })]);
    const { log } = await replayLines(spec, ['time,id,vcpus,memory_mb', '0,a,1,1024'], {
      options: { weighers: ['DiskWeigher'] },
    });
    expect(log.hosts()).toEqual({ a: 'h2' });
  });

  it('IoOpsWeigher (-1.0) moves the next instance of a request off a busy host', async () => {
    // a-0: io [0, 0, 0] -> lo 0 = hi 0 -> all 0 -> h1. a-1: io [1, 0, 0] -> [1, 0, 0] * -1 ->
    // [-1, 0, 0]; input [h1, h2, h3] sorts to [h2, h3, h1] -> h2.
    // b: a new request, io back to 0 -> all 0 -> h1.
    const spec = flat([host('h1', {}), host('h2', {}), host('h3', {})]);
    const { log } = await replayLines(
      spec,
      ['time,id,vcpus,memory_mb,count', '0,a,1,1024,2', '1,b,1,1024,1'],
      {
        options: { weighers: ['IoOpsWeigher'] },
      },
    );
    expect(log.hosts()).toEqual({ 'a-0': 'h1', 'a-1': 'h2', b: 'h1' });
  });

  it('NumInstancesWeigher normalises from the list minimum (no minval)', async () => {
    // Fillers (0 MB, pinned by zone): 2 instances on h1, 3 on h2. Then a, any zone.
    // RAM [8192, 4096], minval 0 -> [1, 0.5].
    // num_instances [2, 3], no minval -> lo 2, hi 3 -> [0, 1]; multiplier 1 -> sums [1, 1.5] -> h2.
    // (With minval 0 it would be [2/3, 1] -> sums [1.667, 1.5] -> h1.)
    const spec = flat([host('h1', { az: 'z1' }), host('h2', { memory_mb: 4096, az: 'z2' })]);
    const { log } = await replayLines(
      spec,
      [
        'time,id,vcpus,memory_mb,az',
        '0,f1,1,0,z1',
        '0,f2,1,0,z1',
        '0,g1,1,0,z2',
        '0,g2,1,0,z2',
        '0,g3,1,0,z2',
        '1,a,1,0,',
      ],
      { options: { weighers: ['RAMWeigher', 'NumInstancesWeigher'], num_instances_weight_multiplier: 1 } },
    );
    expect(log.hosts().a).toBe('h2');
  });

  it('soft-anti-affinity spreads against RAM, in proportion to its multiplier', async () => {
    // h1 16384 MB, h2 8192. a: RAM [1, 0.5], members [0, 0] -> lo = hi -> 0 -> h1 (15360 left).
    // b: RAM [15360/15360 = 1, 8192/15360 = 0.5333]; raw [-1, 0] -> lo -1, hi 0 -> [0, 1].
    //   multiplier 1.0: [1, 1.5333] -> h2.   multiplier 0.4: [1, 0.9333] -> h1.
    const spec = flat([host('h1', { memory_mb: 16384 }), host('h2', {})]);
    const lines = [
      'time,id,vcpus,memory_mb,group,group_policy',
      '0,a,1,1024,g,soft-anti-affinity',
      '1,b,1,1024,g,',
    ];
    const weighers = ['RAMWeigher', 'ServerGroupSoftAntiAffinityWeigher'];
    const full = await replayLines(spec, lines, { options: { weighers } });
    const weak = await replayLines(spec, lines, {
      options: { weighers, soft_anti_affinity_weight_multiplier: 0.4 },
    });
    expect(full.log.hosts()).toEqual({ a: 'h1', b: 'h2' });
    expect(weak.log.hosts()).toEqual({ a: 'h1', b: 'h1' });
  });

  it('soft-affinity pulls toward the members against RAM, in proportion to its multiplier', async () => {
    // Two 8192 MB hosts. a: tie -> h1 (7168 left).
    // b: RAM [7168/8192 = 0.875, 1]; members raw [1, 0] -> lo 0, hi 1 -> [1, 0].
    //   multiplier 1.0: [1.875, 1] -> h1 (RAM alone would say h2).
    //   multiplier 0.1: [0.975, 1] -> h2.
    const spec = flat([host('h1', {}), host('h2', {})]);
    const lines = [
      'time,id,vcpus,memory_mb,group,group_policy',
      '0,a,1,1024,g,soft-affinity',
      '1,b,1,1024,g,',
    ];
    const weighers = ['RAMWeigher', 'ServerGroupSoftAffinityWeigher'];
    const full = await replayLines(spec, lines, { options: { weighers } });
    const weak = await replayLines(spec, lines, {
      options: { weighers, soft_affinity_weight_multiplier: 0.1 },
    });
    expect(full.log.hosts()).toEqual({ a: 'h1', b: 'h1' });
    expect(weak.log.hosts()).toEqual({ a: 'h1', b: 'h2' });
  });
});
