import { describe, expect, it } from 'vitest';
import type { ClusterSpec } from '../../src/cluster/cluster-spec.ts';
import { ClusterState } from '../../src/cluster/cluster-state.ts';
import { SeededRng } from '../../src/common/rng.ts';
import type { Flavor } from '../../src/model/flavor.ts';
import type { FlavorMix } from '../../src/model/flavor-mix.ts';
import type { DriverContext } from '../../src/scheduler/driver.ts';
import type { RequestSpec } from '../../src/scheduler/request-spec.ts';
import { NO_RETRY } from '../../src/scheduler/request-spec.ts';
import type { AnyStrategy } from '../../src/scheduler/strategy.ts';
import { dotProductStrategy } from '../../strategies/dot-product.ts';
import { fgdStrategy } from '../../strategies/fgd.ts';
import { gpuPackingStrategy, packingScore } from '../../strategies/gpu-packing.ts';
import { randomStrategy } from '../../strategies/random.ts';

// Small clusters whose GPU state is set by hand (the GPU claim is gpu-core's; here a test context
// records what the driver asks for), expected choices worked out in the comments.

function cluster(
  hosts: { vcpus: number; gpus: number; free?: number[]; vcpusUsed?: number }[],
): ClusterState {
  const spec: ClusterSpec = {
    hosts: hosts.map((h, i) => ({
      name: `h${i}`,
      vcpus: h.vcpus,
      memoryMb: 65536,
      diskGb: 100,
      gpus: h.gpus,
      gpuModel: '',
      aggregates: [],
      traits: {},
      enabled: true,
      up: true,
    })),
    allocationRatios: { cpu: 1, ram: 1, disk: 1 },
    reserved: { memoryMb: 0, diskGb: 0 },
  };
  const c = new ClusterState(spec);
  const t = c.hosts;
  hosts.forEach((h, i) => {
    if (!h.free) return;
    let sum = 0;
    h.free.forEach((f, g) => {
      t.gpuFreeMilli[t.gpuStart[i] + g] = f;
      sum += f;
    });
    t.gpuFreeMilliTotal[i] = sum;
  });
  return c;
}

const flavor = (vcpus: number, gpus: number, gpuMilli: number): Flavor => ({
  vcpus,
  memoryMb: 1024,
  diskGb: 1,
  gpus,
  gpuMilli,
});

/** Schedule one instance; returns [host, gpu] as the driver provisioned it (gpu undefined = claim's). */
function decide(s: AnyStrategy, c: ClusterState, f: Flavor, flavors?: FlavorMix, options = {}, seed = 1) {
  const calls: [number, number | undefined][] = [];
  let evaluated = 0;
  const ctx: DriverContext = {
    cluster: c,
    rng: new SeededRng(seed),
    provision(_i, host, gpu) {
      calls.push([host, gpu]);
      return true;
    },
    noValidHost() {
      calls.push([-1, undefined]);
    },
    placement: undefined,
    alternates: () => {},
    countHostEvaluations(n) {
      evaluated += n;
    },
  };
  const spec: RequestSpec = {
    requestId: 'r',
    instanceIds: ['r'],
    flavor: f,
    time: 0,
    availabilityZone: undefined,
    group: undefined,
    extraSpecs: undefined,
    gpuSpec: undefined,
    sameHost: undefined,
    differentHost: undefined,
  };
  s.create(c, s.optionsSchema.parse(options), flavors).scheduleRunInstance(ctx, spec, NO_RETRY);
  expect(calls.length).toBe(1);
  return { host: calls[0][0], gpu: calls[0][1], evaluated };
}

describe('fgd and gpu-packing choose differently', () => {
  // h0: GPUs free [600, 300]; h1: one idle GPU. Workload: share 500 (3/4), whole GPU (1/4).
  // Request: a 300 share.
  const mix: FlavorMix = [
    { flavor: flavor(2, 1, 500), count: 3 },
    { flavor: flavor(2, 1, 1000), count: 1 },
  ];
  const req = flavor(2, 1, 300);
  const hosts = () =>
    cluster([
      { vcpus: 32, gpus: 2, free: [600, 300] },
      { vcpus: 32, gpus: 1 },
    ]);

  it('fgd: the GPU where the expected fragmentation grows least', () => {
    // Before: h0: share fits GPU 0, 300 below 500: 3/4·300 = 225; whole: no idle GPU: 1/4·900 = 225;
    // 450. h1: 0 (everything fits, nothing below). After the 300:
    //   h0 GPU 0 → [300, 300]: share Q2 3/4·600, whole 1/4·600: 600, Δ = −150;
    //   h0 GPU 1 → [600, 0]: share 3/4·0, whole 1/4·600: 150, Δ = +300 (fragmentation falls);
    //   h1 → [700]: share fits, nothing below: 0; whole Q2 1/4·700 = 175, Δ = −175.
    // Best: h0, GPU 1 (fills the 300 hole exactly).
    expect(decide(fgdStrategy, hosts(), req, mix)).toMatchObject({ host: 0, gpu: 1 });
  });

  it('gpu-packing: a used GPU first (h0), then the best-fit GPU: also GPU 1', () => {
    // h0 case 1: GPUs least free first: GPU 1 (300) fits: 100 − 30/10 = 97. h1 case 3: max(33 − 1, 1).
    expect(decide(gpuPackingStrategy, hosts(), req)).toMatchObject({ host: 0, gpu: 1 });
  });

  it('a 200 share: both take h0 GPU 1', () => {
    // Request 200. Packing: h0 case 1 on GPU 1 (300): 97; best-fit GPU 1. FGD after:
    //   h0 GPU 0 → [400, 300]: share Q2 3/4·700, whole 1/4·700: 700, Δ = −250;
    //   h0 GPU 1 → [600, 100]: share 3/4·100, whole 1/4·700: 250, Δ = +200;
    //   h1 → [800]: share fits, 0; whole Q2 1/4·800: 200, Δ = −200.
    // FGD: h0 GPU 1 too (Δ +200).
    expect(decide(fgdStrategy, hosts(), flavor(2, 1, 200), mix)).toMatchObject({ host: 0, gpu: 1 });
    expect(decide(gpuPackingStrategy, hosts(), flavor(2, 1, 200))).toMatchObject({ host: 0, gpu: 1 });
  });

  it('a whole-GPU workload: fgd avoids splitting the idle GPU, packing best-fits into the 600', () => {
    // Workload: whole GPUs only. h0 [600, 1000], h1 [1000]. Request: 500 share.
    // Packing: h0 case 1 on GPU 0 (600, least free): 100 − 60/10 = 94; h1 case 3: 32. → h0 GPU 0.
    // FGD before: h0: whole fits GPU 1, 600 below: 600; h1: 0.
    //   h0 GPU 0 → [100, 1000]: 100, Δ = +500;  h0 GPU 1 → [600, 500]: no idle: 1100, Δ = −500;
    //   h1 → [500]: 500, Δ = −500. → h0 GPU 0, as packing. Now make h0 [600, 600] with h1 [1000]:
    //   before h0: whole no idle: 1200; GPU 0 → [100, 600]: 700, Δ = +500; h1 → [500]: Δ = −500.
    // Both choose h0 GPU 0 again: whole-only workloads make FGD a packer.
    const whole: FlavorMix = [{ flavor: flavor(2, 1, 1000), count: 1 }];
    const c = cluster([
      { vcpus: 32, gpus: 2, free: [600, 1000] },
      { vcpus: 32, gpus: 1 },
    ]);
    expect(decide(fgdStrategy, c, flavor(2, 1, 500), whole)).toMatchObject({ host: 0, gpu: 0 });
    expect(decide(gpuPackingStrategy, c, flavor(2, 1, 500))).toMatchObject({ host: 0, gpu: 0 });
  });

  it('they differ: a 400 share where packing best-fits the 600 and fgd keeps it for the 500s', () => {
    // h0 [600, 1000]; h1 [1000]. Workload: share 500 (1/2), share 600 (1/2). Request 400.
    // Packing: h0 case 1, least-free GPU with room is GPU 0 (600): 100 − 6 = 94 → h0 GPU 0.
    // FGD before: h0: 500 fits, nothing below (600 ≥ 500): 0; 600 fits, 0: 0. h1: 0.
    //   h0 GPU 0 → [200, 1000]: 500 fits (GPU 1), 200 below: 1/2·200; 600 likewise: 1/2·200: 200;
    //   h0 GPU 1 → [600, 600]: nothing below either: 0, Δ = 0;
    //   h1 → [600]: 0, Δ = 0. Ties at Δ = 0 go to the lower host: h0, and on it GPU 1.
    const mix2: FlavorMix = [
      { flavor: flavor(2, 1, 500), count: 1 },
      { flavor: flavor(2, 1, 600), count: 1 },
    ];
    const c = cluster([
      { vcpus: 32, gpus: 2, free: [600, 1000] },
      { vcpus: 32, gpus: 1 },
    ]);
    expect(decide(fgdStrategy, c, flavor(2, 1, 400), mix2)).toMatchObject({ host: 0, gpu: 1 });
    expect(decide(gpuPackingStrategy, c, flavor(2, 1, 400))).toMatchObject({ host: 0, gpu: 0 });
  });
});

describe('packingScore (gpu_packing_score.go getPackingScore)', () => {
  const free = (...v: number[]) => Int32Array.from(v);
  it('three cases and their caps', () => {
    expect(packingScore(free(1000, 1000, 1000, 1000), 0, 4, 1, 1000)).toBe(29); // case 3: 33 − 4
    expect(packingScore(free(1000, 200, 1000), 0, 3, 2, 1000)).toBe(48); // case 2: 50 − 2 idle taken
    expect(packingScore(free(700, 300, 1000), 0, 3, 1, 250)).toBe(97); // case 1: GPU 300 → 100 − 30/10
    expect(packingScore(free(700, 300, 1000), 0, 3, 1, 500)).toBe(93); // 300 too small: 700 → 100 − 7
  });
});

describe('dot-product and random', () => {
  it('dot-product: the host whose free resources align least with the request', () => {
    // Request 8 cores, 1 whole GPU: demand [8000/128000, 1000/8000] = [1/16, 1/8].
    // h0: 32 cores, 2 idle GPUs: [1/4, 1/4] · d = 1/64 + 1/32 = 3/64, score 1 − 3/128.
    // h1: 16 cores, 1 idle GPU: [1/8, 1/8] · d = 1/128 + 1/64 = 3/128, score 1 − 3/256 → h1.
    const c = cluster([
      { vcpus: 32, gpus: 2 },
      { vcpus: 16, gpus: 1 },
    ]);
    expect(decide(dotProductStrategy, c, flavor(8, 1, 1000))).toMatchObject({ host: 1, gpu: undefined });
  });

  it('random: uniform over feasible hosts from ctx.rng, a share GPU with room; seeded', () => {
    const c = () =>
      cluster([
        { vcpus: 32, gpus: 2, free: [100, 900] },
        { vcpus: 32, gpus: 0 },
        { vcpus: 32, gpus: 1 },
      ]);
    const seen = new Set<string>();
    for (let seed = 1; seed <= 40; seed++) {
      const a = decide(randomStrategy, c(), flavor(2, 1, 500), undefined, {}, seed);
      expect(a).toEqual(decide(randomStrategy, c(), flavor(2, 1, 500), undefined, {}, seed));
      // h1 has no GPU; on h0 only GPU 1 has 500 free.
      expect([
        [0, 1],
        [2, 0],
      ]).toContainEqual([a.host, a.gpu]);
      seen.add(`${a.host}`);
    }
    expect(seen.size).toBe(2);
  });
});
