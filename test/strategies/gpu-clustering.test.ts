import { describe, expect, it } from 'vitest';
import type { ClusterSpec } from '../../src/cluster/cluster-spec.ts';
import { ClusterState } from '../../src/cluster/cluster-state.ts';
import { SeededRng } from '../../src/common/rng.ts';
import type { Flavor } from '../../src/model/flavor.ts';
import type { DriverContext } from '../../src/scheduler/driver.ts';
import { NO_RETRY, type RequestSpec } from '../../src/scheduler/request-spec.ts';
import { GPU_KINDS, gpuKind, HostGpuKinds } from '../../strategies/gpu-clustering/host-gpu-kinds.ts';
import { clusteringScore, gpuClusteringStrategy } from '../../strategies/gpu-clustering/index.ts';

// Hand-built clusters with real claims and releases (the strategy reads the kinds of GPU task on a
// host from the instance table), expected choices worked out in the comments with the Go formula
// u = trunc(25 · (8000 − free thousandths on the host) / 8000).

function cluster(gpusPerHost: readonly number[]): ClusterState {
  const spec: ClusterSpec = {
    hosts: gpusPerHost.map((gpus, i) => ({
      name: `h${i}`,
      vcpus: 64,
      memoryMb: 65536,
      diskGb: 100,
      gpus,
      gpuModel: '',
      aggregates: [],
      traits: {},
      enabled: true,
      up: true,
    })),
    allocationRatios: { cpu: 1, ram: 1, disk: 1 },
    reserved: { memoryMb: 0, diskGb: 0 },
  };
  return new ClusterState(spec);
}

const flavor = (gpus: number, gpuMilli: number): Flavor => ({
  vcpus: 1,
  memoryMb: 1024,
  diskGb: 1,
  gpus,
  gpuMilli,
});
const SHARE_500 = flavor(1, 500);
const ONE_GPU = flavor(1, 1000);
const TWO_GPUS = flavor(2, 1000);
const NO_GPU = flavor(0, 0);

/** One driver for the whole replay; `place` schedules a request and returns each instance's host (-1 NoValidHost). */
function scheduler(c: ClusterState) {
  const s = gpuClusteringStrategy;
  const driver = s.create(c, s.optionsSchema.parse({}));
  const rng = new SeededRng(1);
  return (ids: readonly string[], f: Flavor): number[] => {
    const hosts: number[] = [];
    const spec: RequestSpec = {
      requestId: ids[0],
      instanceIds: ids,
      flavor: f,
      time: 0,
      availabilityZone: undefined,
      group: undefined,
      extraSpecs: undefined,
      gpuSpec: undefined,
      sameHost: undefined,
      differentHost: undefined,
    };
    const ctx: DriverContext = {
      cluster: c,
      rng,
      provision(i, host, gpu) {
        const ok = c.claim(host, ids[i], f, undefined, '', 1, gpu) >= 0;
        hosts.push(ok ? host : -2);
        return ok;
      },
      noValidHost() {
        hosts.push(-1);
      },
      placement: undefined,
      alternates: () => {},
      countHostEvaluations() {},
    };
    driver.scheduleRunInstance(ctx, spec, NO_RETRY);
    return hosts;
  };
}

const depart = (c: ClusterState, id: string) => c.release(c.instances.slotOf(id));

describe('gpu-clustering: the Go score', () => {
  it('bands 75/50/25/0 plus the fullness term, truncated as Go int64 division', () => {
    // 4 idle GPUs: 25·4000/8000 = 12.5 → 12; idle host band 25 → 37.
    expect(clusteringScore(4000, false, 0)).toBe(37);
    // 3500 free: 25·4500/8000 = 14.06 → 14; only this kind 89, with others 64, only others 14.
    expect(clusteringScore(3500, true, 1)).toBe(89);
    expect(clusteringScore(3500, true, 2)).toBe(64);
    expect(clusteringScore(3500, false, 1)).toBe(14);
    // A full 8-GPU host: 25; a 16-GPU idle host: 25·(−8000)/8000 = −25, idle band → 0.
    expect(clusteringScore(0, false, 1)).toBe(25);
    expect(clusteringScore(16000, false, 0)).toBe(0);
    // 8100 free: 25·(−100)/8000 = −0.3 truncates toward zero (Go), not down: 25 in the idle band.
    expect(clusteringScore(8100, false, 0)).toBe(25);
  });
});

describe('gpu-clustering: choices on a hand-built cluster', () => {
  it('gathers each GPU kind, and follows departures', () => {
    const c = cluster([4, 4]);
    const place = scheduler(c);
    // a (share): both idle, 37 each: the lowest host, h0. h0 free 3500.
    expect(place(['a'], SHARE_500)).toEqual([0]);
    // b (1 GPU): h0 holds only shares: u(3500) = 14; h1 idle: 37 → h1 (free 3000).
    // c (1 GPU): h0 14; h1 only 1-GPU tasks: 75 + u(3000) = 75 + 15 = 90 → h1 (free 2000).
    expect(place(['b', 'c'], ONE_GPU)).toEqual([1, 1]);
    // d (2 GPUs): h0 other kinds 14; h1 other kinds, u(2000) = 18 → h1, now full.
    expect(place(['d'], TWO_GPUS)).toEqual([1]);
    // e (1 GPU): h1 has no idle GPU (GpuFilter), h0 takes it: kinds {share, 1-GPU}, free 2500.
    expect(place(['e'], ONE_GPU)).toEqual([0]);

    // b and c leave h1: it now holds only d (2 GPUs), free 2000.
    depart(c, 'b');
    depart(c, 'c');
    // g (no GPU) scores 0 everywhere → h0; it takes c's freed slot of the instance table.
    expect(place(['g'], NO_GPU)).toEqual([0]);
    // f (1 GPU): h0 holds 1-GPU among other kinds: 50 + u(2500) = 50 + 17 = 67; h1 only other kinds:
    // u(2000) = 18 → h0. Had h1 kept b and c's kind it would score 50 + 18 = 68 and win.
    expect(place(['f'], ONE_GPU)).toEqual([0]);
  });

  it('sees instances claimed outside the driver', () => {
    const c = cluster([4, 4]);
    const place = scheduler(c);
    expect(c.claim(1, 'x', TWO_GPUS, undefined)).toBeGreaterThanOrEqual(0);
    // Share: h0 idle 37; h1 holds a 2-GPU task: u(2000) = 18 → h0. Taken for idle, h1 would be 43.
    expect(place(['s'], SHARE_500)).toEqual([0]);
  });

  it('a request without GPUs goes to the lowest host that fits', () => {
    const c = cluster([4, 4]);
    const place = scheduler(c);
    expect(c.claim(1, 'x', ONE_GPU, undefined)).toBeGreaterThanOrEqual(0);
    expect(place(['n'], NO_GPU)).toEqual([0]);
    // And a share after it: h0 idle (the non-GPU task is no kind) 37; h1 other kinds u(3000) = 15.
    expect(place(['s'], SHARE_500)).toEqual([0]);
  });
});

describe('HostGpuKinds: the counts equal a recount of the instance table', () => {
  it('after seeded arrivals and departures, reused slots included', () => {
    const c = cluster([4, 2, 8, 1, 4]);
    const kinds = new HostGpuKinds(c);
    const rng = new SeededRng(7);
    const shapes = [SHARE_500, flavor(1, 300), ONE_GPU, TWO_GPUS, NO_GPU];
    const live: string[] = [];
    for (let step = 0; step < 400; step++) {
      kinds.absorbPending();
      if (live.length > 0 && rng.int(3) === 0) {
        const [id] = live.splice(rng.int(live.length), 1);
        depart(c, id);
        continue;
      }
      const id = `i${step}`;
      const f = shapes[rng.int(shapes.length)];
      const h = rng.int(c.hosts.size);
      // Half the claims go through the driver's path (placedMaybe), half around it.
      if (rng.int(2) === 0) kinds.placedMaybe(id);
      if (c.claim(h, id, f, undefined) >= 0) live.push(id);
    }
    kinds.absorbPending();
    for (let h = 0; h < c.hosts.size; h++) {
      kinds.syncHost(h);
      const expected = new Map<number, number>();
      for (const id of live) {
        const s = c.instances.slotOf(id);
        if (c.instances.hostOf(s) !== h) continue;
        const fl = c.instances.flavorOf(s);
        const k = gpuKind(fl.gpus, fl.gpuMilli);
        if (k >= 0) expected.set(k, (expected.get(k) ?? 0) + 1);
      }
      for (let k = 0; k < GPU_KINDS; k++) expect(kinds.counts[h * GPU_KINDS + k]).toBe(expected.get(k) ?? 0);
      expect(kinds.distinct[h]).toBe(expected.size);
    }
  });
});
