// The fused fast path (src/framework/fast/fused*.ts) against the reference loop (reference_scan),
// and each built-in filter's and weigher's fused form against its scalar method.

import { describe, expect, it } from 'vitest';
import { clusterFromObject } from '../../src/cluster/cluster-spec.ts';
import { ClusterState } from '../../src/cluster/cluster-state.ts';
import type { ServerGroup } from '../../src/cluster/groups.ts';
import { SeededRng } from '../../src/common/rng.ts';
import { BUILTIN_PLUGINS } from '../../src/framework/builtins.ts';
import { FusedDecision } from '../../src/framework/fast/fused.ts';
import { FusedPredicate } from '../../src/framework/fast/fused-predicate.ts';
import { FusedWeigher } from '../../src/framework/fast/fused-weigh.ts';
import { MAX_INSTANCES } from '../../src/framework/fast/indexed-history.ts';
import { DEFAULT_FILTER_OPTIONS, type FilterOptions } from '../../src/framework/options.ts';
import { reusableFilterRequest } from '../../src/framework/request.ts';
import { WeightHandler } from '../../src/framework/weight-handler.ts';
import { GROUP_POLICIES } from '../../src/model/group-policy.ts';
import type { DriverContext } from '../../src/scheduler/driver.ts';
import {
  type FilterProperties,
  plainRequestSpec,
  type RequestSpec,
} from '../../src/scheduler/request-spec.ts';
import { FilterScheduler } from '../../strategies/filter/index.ts';
import { simpleCluster } from '../helpers/cluster.ts';

const FILTERS = [...BUILTIN_PLUGINS.filters.keys()];
const WEIGHERS = [...BUILTIN_PLUGINS.weighers.keys()];
const ZONES = ['az1', 'az2', 'nova', undefined];
const SPECS = [
  undefined,
  { key: 'ssd=true', entries: [['ssd', 'true']] as [string, string][] },
  {
    key: 'aggregate_instance_extra_specs:ssd=true;capabilities:cpu_arch=s== x86_64',
    entries: [
      ['aggregate_instance_extra_specs:ssd', 'true'],
      ['capabilities:cpu_arch', 's== x86_64'],
    ] as [string, string][],
  },
  { key: 'free_ram_mb=>= 4096', entries: [['free_ram_mb', '>= 4096']] as [string, string][] },
];

/** A random cluster: zones, an ssd aggregate (some with a RAM multiplier override), traits, GPUs. */
function randomCluster(rng: SeededRng, hosts: number): ClusterState {
  const file = {
    allocation_ratios: { cpu: 1 + rng.int(3), ram: 1, disk: 1 },
    hosts: Array.from({ length: hosts }, (_, i) => {
      const aggregates = [];
      if (rng.int(2) === 0) aggregates.push({ name: 'ssd', metadata: { ssd: 'true' } });
      if (rng.int(4) === 0) aggregates.push({ name: 'heavy', metadata: { ram_weight_multiplier: '-2.5' } });
      return {
        name: `h${i}`,
        vcpus: 4 << rng.int(3),
        memory_mb: 4096 << rng.int(3),
        disk_gb: 40 << rng.int(3),
        gpus: rng.int(3) === 0 ? 2 : 0,
        gpu_model: rng.int(2) === 0 ? 'A' : 'B',
        enabled: rng.int(10) !== 0,
        ...(rng.int(4) === 0 ? {} : { az: rng.int(2) === 0 ? 'az1' : 'az2' }),
        aggregates,
        traits: { cpu_arch: rng.int(3) === 0 ? 'arm64' : 'x86_64' },
      };
    }),
  };
  return new ClusterState(clusterFromObject(file, 'fused-test'));
}

/** Every ctx call, in order, plus the rng draws (the rng is wrapped). */
function recordingContext(cluster: ClusterState, rng: SeededRng, log: string[], spec: () => RequestSpec) {
  const ctx: DriverContext = {
    cluster,
    rng: {
      int: (n: number) => {
        const r = rng.int(n);
        log.push(`rng ${n} ${r}`);
        return r;
      },
    } as unknown as SeededRng,
    provision: (k, h, gpu) => {
      log.push(`provision ${k} ${h} ${gpu}`);
      const s = spec();
      return cluster.claim(h, s.instanceIds[k], s.flavor, s.group) >= 0;
    },
    noValidHost: (k, reason, emptiedBy) => log.push(`nvh ${k} ${reason} ${emptiedBy}`),
    placement: undefined,
    alternates: () => {},
    countHostEvaluations: (n) => log.push(`count ${n}`),
  };
  return ctx;
}

/** Replay a random trace of `steps` requests and deletes; the log of every ctx call. */
function replayLog(seed: number, options: FilterOptions, steps: number): string[] {
  const rng = new SeededRng(seed);
  const cluster = randomCluster(rng, 5 + rng.int(40));
  const groups: ServerGroup[] = GROUP_POLICIES.map((p) => cluster.groups.intern(p, p));
  const sched = new FilterScheduler(cluster, options);
  const log: string[] = [];
  let spec: RequestSpec = undefined as never;
  const ctx = recordingContext(cluster, new SeededRng(seed + 1), log, () => spec);
  const ids: string[] = [];
  for (let step = 0; step < steps; step++) {
    if (ids.length > 0 && rng.int(4) === 0) {
      const id = ids.splice(rng.int(ids.length), 1)[0];
      const slot = cluster.instances.slotOf(id);
      if (slot >= 0) cluster.release(slot);
      continue;
    }
    if (rng.int(3) === 0) cluster.finishBuilds(Array.from({ length: cluster.hosts.size }, (_, h) => h));
    const count = rng.int(4) === 0 ? 2 + rng.int(3) : 1;
    const id = `r${step}`;
    const instanceIds = count === 1 ? [id] : Array.from({ length: count }, (_, k) => `${id}-${k}`);
    const pick = () => (ids.length > 0 && rng.int(3) === 0 ? [ids[rng.int(ids.length)]] : undefined);
    const gpus = rng.int(6) === 0 ? 1 : 0;
    spec = {
      requestId: id,
      instanceIds,
      flavor: {
        vcpus: 1 + rng.int(4),
        memoryMb: 512 << rng.int(4),
        diskGb: 5 << rng.int(3),
        gpus,
        gpuMilli: gpus ? 500 : 0,
      },
      time: step,
      availabilityZone: ZONES[rng.int(ZONES.length)],
      group: rng.int(3) === 0 ? groups[rng.int(groups.length)] : undefined,
      extraSpecs: SPECS[rng.int(SPECS.length)],
      gpuSpec: gpus && rng.int(2) === 0 ? ['A'] : undefined,
      sameHost: rng.int(8) === 0 ? pick() : undefined,
      differentHost: pick(),
    };
    const retryHosts = rng.int(6) === 0 ? [rng.int(cluster.hosts.size)] : undefined;
    const props: FilterProperties = { retry: retryHosts ? { numAttempts: 2, hosts: retryHosts } : undefined };
    log.push(`request ${id}`);
    sched.scheduleRunInstance(ctx, spec, props);
    ids.push(...instanceIds);
  }
  return log;
}

/** A random subset of `names` in a random order (never empty for filters when `min` is 1). */
function subset(rng: SeededRng, names: readonly string[], min: number): string[] {
  const out = names.filter(() => rng.int(2) === 0);
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out.length < min ? [names[rng.int(names.length)]] : out;
}

const MULTIPLIERS = [1, -1, 0, 2.5, -0.5];

function randomOptions(rng: SeededRng): FilterOptions {
  const m = () => MULTIPLIERS[rng.int(MULTIPLIERS.length)];
  return {
    ...DEFAULT_FILTER_OPTIONS,
    filters: rng.int(4) === 0 ? [...DEFAULT_FILTER_OPTIONS.filters] : subset(rng, FILTERS, 1),
    weighers: subset(rng, WEIGHERS, 0),
    host_subset_size: rng.int(4) === 0 ? 2 + rng.int(3) : 1,
    ram_weight_multiplier: m(),
    cpu_weight_multiplier: m(),
    disk_weight_multiplier: m(),
    io_ops_weight_multiplier: m(),
    num_instances_weight_multiplier: m(),
    soft_affinity_weight_multiplier: Math.abs(m()),
    soft_anti_affinity_weight_multiplier: Math.abs(m()),
    max_instances_per_host: 1 + rng.int(6),
    max_io_ops_per_host: 1 + rng.int(4),
  };
}

describe('FusedDecision', () => {
  it('makes every ctx call the reference loop makes, on random clusters, configs and traces', () => {
    let nvh = 0;
    let provisions = 0;
    for (let seed = 1; seed <= 150; seed++) {
      const options = randomOptions(new SeededRng(1000 + seed));
      const ref = replayLog(seed, { ...options, reference_scan: true }, 60);
      const fused = replayLog(seed, { ...options, reference_scan: false }, 60);
      expect(
        fused,
        `seed ${seed} ${JSON.stringify(options.filters)} ${JSON.stringify(options.weighers)}`,
      ).toEqual(ref);
      nvh += ref.filter((l) => l.startsWith('nvh')).length;
      provisions += ref.filter((l) => l.startsWith('provision')).length;
    }
    // The traces exercise both outcomes, and multi-instance / subset draws.
    expect(nvh).toBeGreaterThan(100);
    expect(provisions).toBeGreaterThan(1000);
  });

  it('is what the scheduler uses without reference_scan, for what the index declines', () => {
    const cluster = randomCluster(new SeededRng(3), 8);
    const withFast = new FilterScheduler(cluster, DEFAULT_FILTER_OPTIONS);
    // More instances than the index tracks: it declines the row, so the request reaches the fused pass.
    const spec = plainRequestSpec(
      { vcpus: 1, memoryMb: 512, diskGb: 1, gpus: 0, gpuMilli: 0 },
      'x',
      Array.from({ length: MAX_INSTANCES + 1 }, (_, i) => `x${i}`),
    );
    let fastCalls = 0;
    const fused = (withFast.pipeline as unknown as { fastPaths: FusedDecision[] }).fastPaths.find(
      (p) => p.name === 'fused',
    )!;
    const inner = fused.tryScheduleRunInstance.bind(fused);
    fused.tryScheduleRunInstance = (...a) => {
      fastCalls++;
      return inner(...a);
    };
    withFast.scheduleRunInstance(
      {
        cluster,
        rng: new SeededRng(1),
        provision: () => true,
        noValidHost: () => {},
        placement: undefined,
        alternates: () => {},
        countHostEvaluations: () => {},
      },
      spec,
      { retry: undefined },
    );
    expect(fastCalls).toBe(1);
  });
});

describe('FusedDecision by hand', () => {
  // h1 8192 MB / 8 vCPUs, h2 4096 / 16, h3 2048 / 4, h4 1024 / 8; a 2048 MB request leaves h1-h3.
  // RAM normalised over [0, 8192]: 1, 0.5, 0.25; CPU over [0, 16] (1 vCPU not yet taken): 0.5, 1, 0.25.
  const hosts = [
    { memory_mb: 8192, vcpus: 8 },
    { memory_mb: 4096, vcpus: 16 },
    { memory_mb: 2048, vcpus: 4 },
    { memory_mb: 1024, vcpus: 8 },
  ];
  const spec = plainRequestSpec({ vcpus: 1, memoryMb: 2048, diskGb: 1, gpus: 0, gpuMilli: 0 }, 'x');
  function chosen(ram: number, cpu: number): number[] {
    const cluster = new ClusterState(simpleCluster(hosts));
    const n = cluster.hosts.size;
    const path = new FusedDecision(
      cluster,
      BUILTIN_PLUGINS.filters.get('RamFilter')
        ? [BUILTIN_PLUGINS.filters.get('RamFilter')!.create({ cluster, options: {} })]
        : [],
      ['RAMWeigher', 'CPUWeigher'].map((w, i) =>
        BUILTIN_PLUGINS.weighers.get(w)!.create({
          cluster,
          options: i === 0 ? { ram_weight_multiplier: ram } : { cpu_weight_multiplier: cpu },
        }),
      ),
      1,
    );
    const out: number[] = [];
    const ctx: DriverContext = {
      cluster,
      rng: new SeededRng(1),
      provision: (_k, h) => {
        out.push(h);
        return true;
      },
      noValidHost: () => {},
      placement: undefined,
      alternates: () => {},
      countHostEvaluations: (c) => out.push(-c),
    };
    expect(path.tryScheduleRunInstance(ctx, spec, { retry: undefined })).toBe(true);
    expect(n).toBe(4);
    return out;
  }
  it('sums normalised weights in weigher order and keeps the leftmost of a tie', () => {
    // 1.5, 1.5, 0.5: h1 and h2 tie, h1 is first.
    expect(chosen(1, 1)).toEqual([-4, 0]);
    // 2, 2.5, 0.75: h2.
    expect(chosen(1, 2)).toEqual([-4, 1]);
    // -1, -0.5, -0.25 (CPU off): h3, the least free RAM.
    expect(chosen(-1, 0)).toEqual([-4, 2]);
  });
});

describe('fused forms', () => {
  it('each built-in weigher weighs as WeightHandler does, bit for bit', () => {
    for (let seed = 1; seed <= 30; seed++) {
      const rng = new SeededRng(seed);
      const cluster = randomCluster(rng, 3 + rng.int(30));
      const options = randomOptions(rng);
      const groups = GROUP_POLICIES.map((p) => cluster.groups.intern(p, p));
      for (let i = 0; i < 40; i++) {
        const h = rng.int(cluster.hosts.size);
        cluster.claim(
          h,
          `i${i}`,
          { vcpus: 1, memoryMb: 512 * rng.int(4), diskGb: 1, gpus: 0, gpuMilli: 0 },
          groups[rng.int(4)],
        );
      }
      const req = reusableFilterRequest(cluster.hosts.size);
      req.group.refresh(groups[rng.int(4)]);
      const list = Int32Array.from({ length: cluster.hosts.size }, (_, h) => h).filter(
        () => rng.int(3) !== 0,
      );
      if (list.length < 2) continue;
      for (const name of WEIGHERS) {
        const w = [BUILTIN_PLUGINS.weighers.get(name)!.create({ cluster, options })];
        const a = new Float64Array(list.length);
        const b = new Float64Array(list.length);
        new WeightHandler(w, cluster.hosts.size).weigh(list, list.length, req, a);
        new FusedWeigher(cluster.hosts, w).weigh(list, list.length, req, b);
        expect(Array.from(b), name).toEqual(Array.from(a));
      }
    }
  });

  it('each built-in filter form passes exactly the hosts hostPasses passes', () => {
    let checked = 0;
    for (let seed = 1; seed <= 30; seed++) {
      const rng = new SeededRng(seed);
      const cluster = randomCluster(rng, 3 + rng.int(30));
      const options = randomOptions(rng);
      const groups = GROUP_POLICIES.map((p) => cluster.groups.intern(p, p));
      for (let i = 0; i < 40; i++) {
        const h = rng.int(cluster.hosts.size);
        cluster.claim(
          h,
          `i${i}`,
          { vcpus: 1, memoryMb: 512 * rng.int(4), diskGb: 1, gpus: 0, gpuMilli: 0 },
          groups[rng.int(4)],
        );
      }
      const req = reusableFilterRequest(cluster.hosts.size);
      const gpus = rng.int(2);
      req.spec = {
        requestId: 'x',
        instanceIds: ['x'],
        flavor: {
          vcpus: 1 + rng.int(8),
          memoryMb: 1024 << rng.int(4),
          diskGb: 10 << rng.int(3),
          gpus,
          gpuMilli: gpus ? 300 : 0,
        },
        time: 0,
        availabilityZone: ZONES[rng.int(4)],
        group: groups[rng.int(4)],
        extraSpecs: SPECS[rng.int(SPECS.length)],
        gpuSpec: rng.int(2) === 0 ? ['A'] : undefined,
        sameHost: ['i1', 'i2'],
        differentHost: ['i3'],
      };
      req.retryHosts = [0];
      req.group.refresh(req.spec.group);
      for (const name of FILTERS) {
        const f = BUILTIN_PLUGINS.filters.get(name)!.create({ cluster, options });
        if (!f.preFilter(req)) continue;
        const form = f.fusedForm?.(req);
        expect(form, name).toBeDefined();
        const p = new FusedPredicate(cluster.hosts, req.group);
        p.reset();
        expect(p.add(form!)).toBe(true);
        for (let h = 0; h < cluster.hosts.size; h++)
          expect(p.passes(h), `${name} host ${h}`).toBe(f.hostPasses(h, req));
        checked++;
      }
      // Several forms at once: collect (a loop generated per shape) keeps exactly the hosts every
      // filter passes, from a host list into another array and compacting a list in place.
      const p = new FusedPredicate(cluster.hosts, req.group);
      for (let round = 0; round < 6; round++) {
        p.reset();
        const chosen = FILTERS.map((name) =>
          BUILTIN_PLUGINS.filters.get(name)!.create({ cluster, options }),
        ).filter((f) => rng.int(2) === 0 && f.preFilter(req));
        const held = chosen.filter((f) => p.add(f.fusedForm!(req)!));
        const n = cluster.hosts.size;
        const src = Int32Array.from({ length: n }, (_, h) => h).filter(() => rng.int(4) !== 0);
        const from = rng.int(Math.max(1, src.length));
        const want = Array.from(src.subarray(from)).filter((h) => held.every((f) => f.hostPasses(h, req)));
        const out = new Int32Array(n);
        expect(Array.from(out.subarray(0, p.collect(src, from, src.length, out))), `seed ${seed}`).toEqual(
          want,
        );
        const inPlace = src.slice();
        expect(Array.from(inPlace.subarray(0, p.collect(inPlace, from, src.length, inPlace)))).toEqual(want);
        if (held.length > 2 && want.length < src.length - from) checked++;
      }
    }
    expect(checked).toBeGreaterThan(230);
  });
});
