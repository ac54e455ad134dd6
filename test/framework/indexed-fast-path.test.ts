// The indexed fast path against the reference loop (filterHosts + WeightHandler + NovaSelection):
// seeded random clusters and traces replayed twice, once through a pipeline whose only fast path
// is the index, once with `reference_scan`, with every ctx call compared. The big property test
// (every fast path, fast-check) is test/framework/fast-path-equivalence.test.ts.
import { describe, expect, it } from 'vitest';
import { clusterFromObject } from '../../src/cluster/cluster-spec.ts';
import { ClusterState } from '../../src/cluster/cluster-state.ts';
import { SeededRng } from '../../src/common/rng.ts';
import { buildFilters, buildWeighers } from '../../src/framework/build.ts';
import { BUILTIN_PLUGINS } from '../../src/framework/builtins.ts';
import { indexedFastPath } from '../../src/framework/fast/indexed.ts';
import type { DecisionFastPath } from '../../src/framework/fast-path.ts';
import { DEFAULT_FILTER_OPTIONS, type FilterOptions } from '../../src/framework/options.ts';
import { FilterPipeline } from '../../src/framework/pipeline.ts';
import { WeightHandler } from '../../src/framework/weight-handler.ts';
import type { Flavor } from '../../src/model/flavor.ts';
import type { DriverContext } from '../../src/scheduler/driver.ts';
import { NO_RETRY, plainRequestSpec, type RequestSpec } from '../../src/scheduler/request-spec.ts';
import { HostCache } from '../../strategies/caching/host-cache.ts';
import { NovaSelection } from '../../strategies/filter/nova-selection.ts';

interface Shape {
  readonly seed: number;
  readonly hosts: number;
  readonly gpus: boolean;
  /** Per-AZ RAM multiplier overrides (uniform inside each zone). */
  readonly zoneMultipliers: boolean;
  /** One RAM multiplier override for every host (uniform), e.g. a subnormal that makes weights tie. */
  readonly everyHost?: string;
}

/** A random cluster: few distinct sizes (ties), zones, an ssd aggregate, disabled hosts, GPUs. */
function randomCluster(s: Shape, rng: SeededRng): ClusterState {
  const hosts = [];
  for (let i = 0; i < s.hosts; i++) {
    const zone = rng.int(3);
    const aggregates = [];
    if (zone > 0) {
      const metadata: Record<string, string> = { availability_zone: `az${zone}` };
      if (s.zoneMultipliers) metadata.ram_weight_multiplier = zone === 1 ? '2.5' : '-1';
      aggregates.push({ name: `zone${zone}`, metadata });
    }
    if (rng.int(2) === 0) aggregates.push({ name: 'ssd', metadata: { ssd: 'true' } });
    if (s.everyHost) aggregates.push({ name: 'all', metadata: { ram_weight_multiplier: s.everyHost } });
    const gpus = s.gpus && rng.int(2) === 0 ? 1 + rng.int(4) : 0;
    hosts.push({
      name: `h${i}`,
      vcpus: [0, 4, 8, 16][rng.int(4)],
      memory_mb: [2048, 4096, 8192][rng.int(3)],
      disk_gb: [20, 40, 80][rng.int(3)],
      aggregates,
      enabled: rng.int(10) !== 0,
      gpus,
      gpu_model: gpus > 0 ? ['a100', 'v100'][rng.int(2)] : '',
    });
  }
  return new ClusterState(
    clusterFromObject({
      hosts,
      allocation_ratios: { cpu: 2, ram: 1.5, disk: 1 },
      reserved: { memory_mb: 512 },
    }),
  );
}

function randomFlavor(rng: SeededRng, gpus: boolean): Flavor {
  const g = gpus && rng.int(3) === 0 ? 1 + rng.int(2) : 0;
  return {
    vcpus: [0, 1, 2, 4][rng.int(4)],
    memoryMb: [0, 512, 1024, 2048, 4096][rng.int(5)],
    diskGb: [0, 10, 20][rng.int(3)],
    gpus: g,
    gpuMilli: g === 0 ? 0 : g === 2 ? 1000 : [250, 500, 1000][rng.int(3)],
  };
}

/** One side of the comparison: a cluster (with or without a cache) and its pipeline. */
class Side {
  readonly log: string[] = [];
  readonly live: number[] = [];
  readonly truth: ClusterState;
  readonly cache: HostCache | undefined;
  readonly pipeline: FilterPipeline;
  readonly ctx: DriverContext;
  hits = 0;
  /** Hits on requests with a server group, and on multi-instance rows. */
  groupHits = 0;
  multiHits = 0;
  /** Hits on requests in a soft-affinity or soft-anti-affinity group with live members. */
  softHits = 0;
  /** Hits on affinity requests whose members are on two hosts or more (weighed explicitly). */
  spreadAffinityHits = 0;

  constructor(s: Shape, options: FilterOptions, indexed: boolean, cached: boolean) {
    this.truth = randomCluster(s, new SeededRng(s.seed));
    this.cache = cached ? new HostCache(this.truth) : undefined;
    const cluster = this.cache ? this.cache.cluster : this.truth;
    const filters = buildFilters(options.filters, cluster, options, BUILTIN_PLUGINS);
    const weighers = buildWeighers(options.weighers, cluster, options, BUILTIN_PLUGINS);
    const n = cluster.hosts.size;
    const fast: DecisionFastPath[] = [];
    const made = indexed ? indexedFastPath({ cluster, options, filters, weighers }) : undefined;
    if (indexed && made === undefined) throw new Error('the index declined the configuration');
    if (made) {
      fast.push({
        name: made.name,
        tryScheduleRunInstance: (ctx, spec, props) => {
          const hit = made.tryScheduleRunInstance(ctx, spec, props);
          if (hit) this.hits++;
          if (hit && spec.group !== undefined) this.groupHits++;
          if (hit && spec.group?.policy === 'affinity' && spec.group.membersOnHost.size > 1)
            this.spreadAffinityHits++;
          if (hit && spec.instanceIds.length > 1) this.multiHits++;
          if (hit && spec.group?.policy.startsWith('soft') && spec.group.liveMembers > 0) this.softHits++;
          return hit;
        },
      });
    }
    const selection = new NovaSelection(new WeightHandler(weighers, n), 1, n);
    this.pipeline = new FilterPipeline('filter', cluster, filters, selection, fast);
    let spec: RequestSpec | undefined;
    this.ctx = {
      cluster,
      rng: new SeededRng(1),
      provision: (k, h, gpu) => {
        this.log.push(`${spec!.instanceIds[k]} -> h${h} gpu ${gpu}`);
        this.cache?.consume(h, spec!.flavor, gpu);
        const slot = this.truth.claim(h, spec!.instanceIds[k], spec!.flavor, spec!.group, '', 1, gpu);
        if (slot >= 0) this.live.push(slot);
        return slot >= 0;
      },
      noValidHost: (k, reason, emptiedBy) =>
        this.log.push(`${spec!.instanceIds[k]} NoValidHost ${reason} ${emptiedBy}`),
      placement: undefined,
      alternates: () => {},
      countHostEvaluations: (n) => this.log.push(`count ${n}`),
    };
    this.schedule = (sp) => {
      spec = sp;
      this.pipeline.scheduleRunInstance(this.ctx, sp, NO_RETRY);
    };
  }

  schedule: (spec: RequestSpec) => void;
}

/** What the random trace holds beyond single plain creates. */
interface TraceMix {
  /** Percent of creates with a server group (two groups of each policy). */
  readonly groupPercent?: number;
  /** Percent of creates with 2-5 instances. */
  readonly multiPercent?: number;
  /** Builds complete now and then (finishBuilds on a random host: its io ops drop to 0). */
  readonly finishBuilds?: boolean;
}

const POLICIES = ['anti-affinity', 'affinity', 'soft-anti-affinity', 'soft-affinity'] as const;

/** Replay a random trace of creates and deletes on both sides; returns the indexed side's hits. */
function compare(
  s: Shape,
  options: FilterOptions,
  steps: number,
  cached = false,
  mix: TraceMix = {},
): number {
  return compareSides(s, options, steps, cached, mix).hits;
}

function compareSides(s: Shape, options: FilterOptions, steps: number, cached: boolean, mix: TraceMix): Side {
  const ref = new Side(s, { ...options, reference_scan: true }, false, cached);
  const idx = new Side(s, options, true, cached);
  const rng = new SeededRng(s.seed * 7919 + 1);
  if (mix.groupPercent !== undefined) {
    // Members already spread over a few hosts (as a replayed trace may start), for one group of
    // each policy, kept for the whole run (not among the instances deleted at random).
    const tiny: Flavor = { vcpus: 0, memoryMb: 256, diskGb: 0, gpus: 0, gpuMilli: 0 };
    for (let g = 0; g < POLICIES.length; g++) {
      for (let k = 2 + rng.int(2); k > 0; k--) {
        const h = rng.int(ref.truth.hosts.size);
        for (const side of [ref, idx]) {
          const group = side.truth.groups.intern(`g${g}`, POLICIES[g % POLICIES.length]);
          side.truth.claim(h, `pre-${g}-${k}`, tiny, group);
          side.cache?.refresh();
        }
      }
    }
  }
  for (let i = 0; i < steps; i++) {
    const r = rng.int(10);
    if (r < 3 && ref.live.length > 0) {
      const j = rng.int(ref.live.length);
      for (const side of [ref, idx]) {
        const slot = side.live[j];
        side.live.splice(j, 1);
        side.truth.release(slot);
      }
      continue;
    }
    if (mix.finishBuilds && r === 8) {
      const h = rng.int(ref.truth.hosts.size);
      for (const side of [ref, idx]) side.truth.finishBuilds([h]);
      continue;
    }
    if (cached && r === 9) {
      ref.cache!.refresh();
      idx.cache!.refresh();
      continue;
    }
    const zone = rng.int(4);
    const grouped = mix.groupPercent !== undefined && rng.int(100) < mix.groupPercent;
    const g = grouped ? rng.int(2 * POLICIES.length) : -1;
    const count = mix.multiPercent !== undefined && rng.int(100) < mix.multiPercent ? 2 + rng.int(4) : 1;
    const ids = [];
    for (let k = 0; k < count; k++) ids.push(count === 1 ? `r${i}` : `r${i}-${k}`);
    const spec: RequestSpec = {
      requestId: `r${i}`,
      instanceIds: ids,
      flavor: randomFlavor(rng, s.gpus),
      time: i,
      availabilityZone: zone === 0 ? undefined : zone === 3 ? 'nova' : `az${zone}`,
      group: undefined,
      extraSpecs: rng.int(4) === 0 ? { key: 'ssd=true', entries: [['ssd', 'true']] } : undefined,
      gpuSpec: s.gpus && rng.int(3) === 0 ? ['a100'] : undefined,
      sameHost: undefined,
      differentHost: undefined,
    };
    for (const side of [ref, idx]) {
      const group = g < 0 ? undefined : side.truth.groups.intern(`g${g}`, POLICIES[g % POLICIES.length]);
      side.schedule({ ...spec, group });
    }
  }
  expect(idx.log).toEqual(ref.log);
  return idx;
}

const withGpu: FilterOptions = {
  ...DEFAULT_FILTER_OPTIONS,
  filters: [
    ...DEFAULT_FILTER_OPTIONS.filters.slice(0, 6),
    'GpuFilter',
    ...DEFAULT_FILTER_OPTIONS.filters.slice(6),
  ],
};

describe('indexed fast path = reference scan', () => {
  it('default filters and RAMWeigher, random clusters filling up with deletes', () => {
    for (let seed = 1; seed <= 6; seed++) {
      const hits = compare(
        { seed, hosts: 40 + seed * 7, gpus: false, zoneMultipliers: false },
        DEFAULT_FILTER_OPTIONS,
        400,
      );
      expect(hits).toBeGreaterThan(200);
    }
  });

  it('GPUs with gpu_spec, AZs, extra specs, disabled hosts', () => {
    for (let seed = 1; seed <= 4; seed++) {
      const hits = compare({ seed, hosts: 50, gpus: true, zoneMultipliers: false }, withGpu, 400);
      expect(hits).toBeGreaterThan(200);
    }
  });

  it('negative, zero and several weighers', () => {
    const variants: Partial<FilterOptions>[] = [
      { ram_weight_multiplier: -1 },
      { ram_weight_multiplier: 0 },
      { weighers: ['RAMWeigher', 'CPUWeigher', 'DiskWeigher'] },
      {
        weighers: ['RAMWeigher', 'CPUWeigher', 'DiskWeigher'],
        ram_weight_multiplier: -2,
        disk_weight_multiplier: 0.5,
      },
      { weighers: ['CPUWeigher', 'DiskWeigher'], cpu_weight_multiplier: -1 },
    ];
    for (const v of variants) {
      for (let seed = 1; seed <= 3; seed++) {
        const hits = compare(
          { seed, hosts: 45, gpus: false, zoneMultipliers: false },
          { ...DEFAULT_FILTER_OPTIONS, ...v },
          300,
        );
        expect(hits).toBeGreaterThan(150);
      }
    }
  });

  it('per-zone multipliers: exact inside a zone, declined across zones', () => {
    for (let seed = 1; seed <= 3; seed++) {
      const hits = compare(
        { seed, hosts: 45, gpus: false, zoneMultipliers: true },
        DEFAULT_FILTER_OPTIONS,
        300,
      );
      // Requests for az1 or az2 alone are uniform; the rest fall back.
      expect(hits).toBeGreaterThan(50);
    }
  });

  it('weights that round to equal values for different free RAM (subnormal multipliers)', () => {
    // 5e-324 × q is 5e-324 for every q in [0.5, 1]: hosts with different free RAM tie, the leftmost wins.
    for (const m of ['5e-324', '-5e-324', '1e-310']) {
      for (let seed = 1; seed <= 3; seed++) {
        const hits = compare(
          { seed, hosts: 45, gpus: false, zoneMultipliers: false, everyHost: m },
          DEFAULT_FILTER_OPTIONS,
          300,
        );
        expect(hits).toBeGreaterThan(150);
      }
    }
  });

  it('the caching strategy: cache refreshes rewrite the usage wholesale', () => {
    for (let seed = 1; seed <= 3; seed++) {
      const hits = compare({ seed, hosts: 40, gpus: true, zoneMultipliers: false }, withGpu, 400, true);
      expect(hits).toBeGreaterThan(150);
    }
  });
});

describe('indexed fast path = reference scan, server groups and multi-instance rows', () => {
  it('groups of every policy under the default filters', () => {
    for (let seed = 1; seed <= 6; seed++) {
      const idx = compareSides(
        { seed, hosts: 30 + seed * 5, gpus: false, zoneMultipliers: false },
        DEFAULT_FILTER_OPTIONS,
        500,
        false,
        { groupPercent: 60 },
      );
      expect(idx.groupHits).toBeGreaterThan(200);
      expect(idx.spreadAffinityHits).toBeGreaterThan(5);
    }
  });

  it('groups with GPUs, several weighers, negative multipliers and the cache', () => {
    const variants: [FilterOptions, boolean][] = [
      [withGpu, false],
      [withGpu, true],
      [{ ...DEFAULT_FILTER_OPTIONS, ram_weight_multiplier: -1 }, false],
      [{ ...DEFAULT_FILTER_OPTIONS, weighers: ['RAMWeigher', 'CPUWeigher', 'DiskWeigher'] }, false],
      // The affinity filter first: emptiedBy's prefixes see the member restriction early.
      [{ ...DEFAULT_FILTER_OPTIONS, filters: [...DEFAULT_FILTER_OPTIONS.filters].reverse() }, false],
    ];
    for (const [options, cached] of variants) {
      for (let seed = 1; seed <= 3; seed++) {
        const idx = compareSides(
          { seed, hosts: 40, gpus: true, zoneMultipliers: false },
          options,
          400,
          cached,
          {
            groupPercent: 60,
          },
        );
        expect(idx.groupHits).toBeGreaterThan(120);
      }
    }
  });

  it('multi-instance rows (2-5 instances), with and without groups', () => {
    for (let seed = 1; seed <= 6; seed++) {
      const idx = compareSides(
        { seed, hosts: 30 + seed * 5, gpus: false, zoneMultipliers: false },
        DEFAULT_FILTER_OPTIONS,
        500,
        false,
        { groupPercent: 40, multiPercent: 50 },
      );
      expect(idx.multiHits).toBeGreaterThan(150);
    }
  });

  it('multi-instance rows: GPUs, the cache, stacking, no weigher, rounding ties, filters reversed', () => {
    const variants: [FilterOptions, boolean, string | undefined][] = [
      [withGpu, false, undefined],
      [withGpu, true, undefined],
      [{ ...DEFAULT_FILTER_OPTIONS, ram_weight_multiplier: -1 }, false, undefined],
      [{ ...DEFAULT_FILTER_OPTIONS, ram_weight_multiplier: 0 }, false, undefined],
      [{ ...DEFAULT_FILTER_OPTIONS, weighers: ['DiskWeigher'] }, false, undefined],
      [DEFAULT_FILTER_OPTIONS, false, '5e-324'],
      [DEFAULT_FILTER_OPTIONS, false, '-1e-310'],
      [
        { ...DEFAULT_FILTER_OPTIONS, filters: [...DEFAULT_FILTER_OPTIONS.filters].reverse() },
        false,
        undefined,
      ],
    ];
    for (const [options, cached, everyHost] of variants) {
      for (let seed = 1; seed <= 3; seed++) {
        const idx = compareSides(
          { seed, hosts: 40, gpus: true, zoneMultipliers: false, everyHost },
          options,
          400,
          cached,
          { groupPercent: 40, multiPercent: 50 },
        );
        expect(idx.multiHits).toBeGreaterThan(80);
      }
    }
  });

  it('multi-instance rows under several weighers: declined, still the reference', () => {
    const idx = compareSides(
      { seed: 2, hosts: 40, gpus: false, zoneMultipliers: false },
      { ...DEFAULT_FILTER_OPTIONS, weighers: ['RAMWeigher', 'CPUWeigher'] },
      300,
      false,
      { groupPercent: 40, multiPercent: 50 },
    );
    expect(idx.multiHits).toBe(0);
    expect(idx.hits).toBeGreaterThan(100);
  });
});

describe('indexed fast path declines what it cannot decide exactly', () => {
  const shape: Shape = { seed: 3, hosts: 20, gpus: false, zoneMultipliers: false };
  const spec = (over: Partial<RequestSpec> = {}): RequestSpec => ({
    ...plainRequestSpec({ vcpus: 1, memoryMb: 512, diskGb: 1, gpus: 0, gpuMilli: 0 }),
    ...over,
  });
  function tryOnce(options: FilterOptions, s: RequestSpec, retryHosts?: number[]): boolean | undefined {
    const cluster = randomCluster(shape, new SeededRng(shape.seed));
    const filters = buildFilters(options.filters, cluster, options, BUILTIN_PLUGINS);
    const weighers = buildWeighers(options.weighers, cluster, options, BUILTIN_PLUGINS);
    const fast = indexedFastPath({ cluster, options, filters, weighers });
    if (fast === undefined) return undefined;
    const touched: string[] = [];
    const ctx: DriverContext = {
      cluster,
      rng: new SeededRng(1),
      provision: () => touched.push('provision') > 0,
      noValidHost: () => touched.push('noValidHost'),
      placement: undefined,
      alternates: () => {},
      countHostEvaluations: () => touched.push('count'),
    };
    const props = retryHosts ? { retry: { numAttempts: 1, hosts: retryHosts } } : NO_RETRY;
    const hit = fast.tryScheduleRunInstance(ctx, s, props);
    expect(touched.length > 0).toBe(hit);
    return hit;
  }

  it('takes plain requests, groups and rows of 2, declines retries, rows of 9 and non-finite flavors', () => {
    const cluster = randomCluster(shape, new SeededRng(shape.seed));
    expect(tryOnce(DEFAULT_FILTER_OPTIONS, spec())).toBe(true);
    expect(tryOnce(DEFAULT_FILTER_OPTIONS, spec(), [0])).toBe(false);
    // An empty retry list: RetryFilter is skipped, so the index decides.
    expect(tryOnce(DEFAULT_FILTER_OPTIONS, spec(), [])).toBe(true);
    // A server group under the group filters: decided (their rules are indexed).
    expect(
      tryOnce(DEFAULT_FILTER_OPTIONS, spec({ group: cluster.groups.intern('g', 'anti-affinity') })),
    ).toBe(true);
    const ids = (k: number) => Array.from({ length: k }, (_, i) => `r-${i}`);
    expect(tryOnce(DEFAULT_FILTER_OPTIONS, spec({ instanceIds: ids(2) }))).toBe(true);
    expect(tryOnce(DEFAULT_FILTER_OPTIONS, spec({ instanceIds: ids(9) }))).toBe(false);
    const nan = { vcpus: 1, memoryMb: Number.NaN, diskGb: 1, gpus: 0, gpuMilli: 0 };
    expect(tryOnce(DEFAULT_FILTER_OPTIONS, spec({ flavor: nan }))).toBe(false);
  });

  it('is not built for host_subset_size > 1; takes the count filters and weighers', () => {
    const more = (o: Partial<FilterOptions>) => ({ ...DEFAULT_FILTER_OPTIONS, ...o });
    expect(tryOnce(more({ host_subset_size: 2 }), spec())).toBeUndefined();
    expect(
      tryOnce(more({ filters: [...DEFAULT_FILTER_OPTIONS.filters, 'NumInstancesFilter'] }), spec()),
    ).toBe(true);
    expect(tryOnce(more({ weighers: ['RAMWeigher', 'IoOpsWeigher'] }), spec())).toBe(true);
    // A weigher with multiplier 0 everywhere is skipped by the weight handler: still indexed.
    expect(tryOnce(more({ weighers: ['RAMWeigher', 'NumInstancesWeigher'] }), spec())).toBe(true);
  });
});

describe('indexed fast path = reference scan, every filter and weigher', () => {
  const every: FilterOptions = {
    ...DEFAULT_FILTER_OPTIONS,
    filters: [...BUILTIN_PLUGINS.filters.keys()],
    weighers: [...BUILTIN_PLUGINS.weighers.keys()],
    num_instances_weight_multiplier: 1,
  };
  it('count filters and weighers, soft groups, builds finishing, any sign', () => {
    const variants: [Partial<FilterOptions>, boolean][] = [
      [{}, false],
      [{ max_io_ops_per_host: 2, max_instances_per_host: 5 }, false],
      [{ num_instances_weight_multiplier: -1, io_ops_weight_multiplier: 2 }, false],
      [
        {
          ram_weight_multiplier: -1,
          soft_affinity_weight_multiplier: 2,
          soft_anti_affinity_weight_multiplier: 0.5,
        },
        false,
      ],
      [
        { weighers: ['NumInstancesWeigher', 'ServerGroupSoftAffinityWeigher'], max_io_ops_per_host: 1 },
        false,
      ],
      [{ filters: [...BUILTIN_PLUGINS.filters.keys()].reverse() }, false],
      [{}, true],
    ];
    for (const [v, cached] of variants) {
      for (let seed = 1; seed <= 3; seed++) {
        const idx = compareSides(
          { seed, hosts: 40, gpus: true, zoneMultipliers: false },
          { ...every, ...v },
          400,
          cached,
          { groupPercent: 60, multiPercent: 20, finishBuilds: !cached },
        );
        // Requests with extra specs (ComputeCapabilitiesFilter in force) and rows under soft
        // weighers are declined; the rest is decided by the index.
        expect(idx.hits).toBeGreaterThan(100);
        expect(idx.softHits).toBeGreaterThan(20);
      }
    }
  });

  it('multi-instance rows under one count weigher, every filter (the soft weighers off)', () => {
    for (const weighers of [['NumInstancesWeigher'], ['IoOpsWeigher'], []]) {
      for (const m of [1, -1]) {
        const idx = compareSides(
          { seed: 4 + m, hosts: 40, gpus: false, zoneMultipliers: false },
          {
            ...every,
            weighers,
            num_instances_weight_multiplier: m,
            io_ops_weight_multiplier: m,
            max_io_ops_per_host: 3,
          },
          400,
          false,
          { groupPercent: 40, multiPercent: 50, finishBuilds: true },
        );
        expect(idx.multiHits).toBeGreaterThan(40);
      }
    }
  });
});
