import { describe, expect, it } from 'vitest';
import type { ClusterSpec } from '../../src/cluster/cluster-spec.ts';
import { HostTable } from '../../src/cluster/host-table.ts';
import {
  clusterGpuFragmentation,
  hostGpuFragmentation,
  hostGpuFragmentationAfter,
  type TaskDistribution,
  taskDistribution,
  typicalTasks,
} from '../../src/metrics/gpu-fragmentation.ts';

// Expected values come from the FGD simulator's own tests (hkust-adsl/kubernetes-scheduler-simulator,
// pkg/utils/frag_test.go, TestNodeGpuShareFragAmount and TestNodeGpuShareFragAmountWithNonGpu) or are
// worked by hand in the comments. Simulator CPU is in thousandths of a core: 64000 = 64 vCPUs.

function table(hosts: { vcpus: number; gpus: number }[]): HostTable {
  const spec: ClusterSpec = {
    hosts: hosts.map((h, i) => ({
      name: `h${i}`,
      vcpus: h.vcpus,
      memoryMb: 1 << 20,
      diskGb: 1000,
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
  return new HostTable(spec);
}

/** Set host h's free GPU thousandths and vCPUs left, as claims would have left them. */
function setHost(t: HostTable, h: number, free: number[], vcpusLeft: number): void {
  let sum = 0;
  free.forEach((f, i) => {
    t.gpuFreeMilli[t.gpuStart[h] + i] = f;
    sum += f;
  });
  t.gpuFreeMilliTotal[h] = sum;
  t.vcpusUsed[h] = t.vcpusTotal[h] - vcpusLeft;
}

/** A distribution written out as the simulator's TargetPodList: [milliCpu, milliGpu, gpuNumber, share]. */
function pods(list: [number, number, number, number][]): TaskDistribution {
  return {
    size: list.length,
    vcpus: Float64Array.from(list, (p) => p[0] / 1000),
    memoryMb: new Float64Array(list.length),
    gpuMilli: Int32Array.from(list, (p) => p[1]),
    gpus: Int32Array.from(list, (p) => p[2]),
    weight: Float64Array.from(list, (p) => p[3] / 100),
  };
}

// TestingGenerateGetTypicalPodsWithNonGpu (frag_test.go), in its order.
const withNonGpu = pods([
  [15700, 1000, 1, 28.69],
  [11900, 1000, 1, 18.93],
  [11400, 1000, 1, 12.27],
  [1000, 0, 0, 7.36],
  [18710, 1000, 1, 4.85],
  [8200, 1000, 1, 3.79],
  [16400, 1000, 1, 3.31],
  [9810, 1000, 1, 1.97],
  [15200, 1000, 1, 1.87],
  [11200, 1000, 1, 1.81],
  [14200, 1000, 1, 1.76],
  [12000, 0, 0, 1.65],
  [14900, 1000, 1, 1.39],
  [60200, 1000, 4, 1.23],
  [64200, 1000, 8, 1.07],
  [32200, 1000, 4, 1.01],
  [17400, 1000, 2, 0.91],
  [30200, 1000, 2, 0.69],
  [16000, 1000, 1, 0.64],
  [15000, 1000, 1, 0.59],
  [64000, 1000, 8, 0.53],
  [15000, 0, 0, 0.53],
  [11910, 1000, 1, 0.53],
  [120200, 1000, 8, 0.48],
  [11300, 1000, 1, 0.37],
  [30000, 1000, 2, 0.32],
  [9800, 1000, 1, 0.32],
  [8000, 1000, 1, 0.32],
  [2000, 1000, 1, 0.27],
  [2000, 80, 1, 0.27],
  [1000, 1000, 1, 0.27],
]);

describe('hostGpuFragmentation (FGD, frag_test.go)', () => {
  it('8 idle GPUs, 64 cores free: 887.20 (CPU-only types and types lacking CPU see all 8000)', () => {
    // CPU-only 7.36+1.65+0.53 = 9.54% and > 64 cores 1.07+0.48 = 1.55%: 11.09% × 8000 = 887.2.
    const t = table([{ vcpus: 64, gpus: 8 }]);
    expect(hostGpuFragmentation(t, 0, withNonGpu)).toBeCloseTo(887.2, 2);
  });

  it('4 of 8 GPUs taken, 32 cores free: 554.4', () => {
    const t = table([{ vcpus: 64, gpus: 8 }]);
    setHost(t, 0, [1000, 1000, 1000, 1000, 0, 0, 0, 0], 32);
    expect(hostGpuFragmentation(t, 0, withNonGpu)).toBeCloseTo(554.4, 2);
  });

  it('no CPU left: every free GPU is fragment for every type (4000)', () => {
    const t = table([{ vcpus: 64, gpus: 8 }]);
    setHost(t, 0, [1000, 1000, 1000, 1000, 0, 0, 0, 0], 0);
    expect(hostGpuFragmentation(t, 0, withNonGpu)).toBeCloseTo(4000, 2);
  });

  it('one type lacking CPU: 9.33% × 2700 = 251.91 (TestNodeGpuShareFragAmountScore)', () => {
    const t = table([{ vcpus: 64, gpus: 4 }]);
    setHost(t, 0, [200, 1000, 1000, 500], 1);
    expect(hostGpuFragmentation(t, 0, pods([[6000, 465, 1, 9.33]]))).toBeCloseTo(251.91, 2);
  });

  it('a GPU-share case worked by hand: 550 thousandths', () => {
    // GPUs free [300, 1000], 16 cores free. Share 500 (1/2): fits GPU 1, GPU 0's 300 < 500 is
    // fragment: 150. One whole GPU (1/4): fits GPU 1, 300 is fragment: 75. CPU-only (1/4): all
    // 1300: 325. Sum 550.
    const t = table([{ vcpus: 16, gpus: 2 }]);
    setHost(t, 0, [300, 1000], 16);
    const d = pods([
      [4000, 500, 1, 50],
      [4000, 1000, 1, 25],
      [2000, 0, 0, 25],
    ]);
    expect(hostGpuFragmentation(t, 0, d)).toBeCloseTo(550, 9);
    // After a 300 share on GPU 0: GPUs [0, 1000], nothing below 500 or 1000: only CPU-only counts,
    // 1/4 × 1000 = 250. On GPU 1 instead: [300, 700]: share 150 + whole 1000 × 1/4 (Q2) + 250 = 650.
    const share = { vcpus: 2, memoryMb: 0, diskGb: 0, gpus: 1, gpuMilli: 300 };
    expect(hostGpuFragmentationAfter(t, 0, d, share, 0)).toBeCloseTo(250, 9);
    expect(hostGpuFragmentationAfter(t, 0, d, share, 1)).toBeCloseTo(650, 9);
    // A whole GPU takes GPU 1: [300, 0]; no type fits the GPUs: 300 for every type.
    const whole = { vcpus: 2, memoryMb: 0, diskGb: 0, gpus: 1, gpuMilli: 1000 };
    expect(hostGpuFragmentationAfter(t, 0, d, whole, -1)).toBeCloseTo(300, 9);
  });

  it('a host without GPUs has none; the cluster sums its hosts', () => {
    const t = table([
      { vcpus: 16, gpus: 2 },
      { vcpus: 16, gpus: 0 },
      { vcpus: 16, gpus: 2 },
    ]);
    setHost(t, 0, [300, 1000], 16);
    const d = pods([
      [4000, 500, 1, 50],
      [4000, 1000, 1, 25],
      [2000, 0, 0, 25],
    ]);
    expect(hostGpuFragmentation(t, 1, d)).toBe(0);
    // Host 2 idle: share and whole fit with nothing below: 0; CPU-only: 1/4 × 2000 = 500.
    expect(clusterGpuFragmentation(t, d)).toBeCloseTo(550 + 500, 9);
  });
});

describe('taskDistribution and typicalTasks', () => {
  it('merges equal types, weighs by instances, ignores disk, sorts by weight', () => {
    const f = (vcpus: number, gpus: number, gpuMilli: number, diskGb = 10) => ({
      vcpus,
      memoryMb: 1024,
      diskGb,
      gpus,
      gpuMilli,
    });
    const d = taskDistribution([
      { flavor: f(4, 1, 500), count: 1 },
      { flavor: f(8, 2, 1000), count: 6 },
      { flavor: f(4, 1, 500, 99), count: 2 },
      { flavor: f(1, 0, 0), count: 0 },
    ]);
    expect(d.size).toBe(2);
    expect([...d.vcpus]).toEqual([8, 4]);
    expect([...d.gpus]).toEqual([2, 1]);
    expect([...d.gpuMilli]).toEqual([1000, 500]);
    expect([...d.weight]).toEqual([6 / 9, 3 / 9]);
  });

  it('typical tasks: the most frequent types until their shares reach the threshold, renormalised', () => {
    const f = (vcpus: number) => ({ vcpus, memoryMb: 0, diskGb: 0, gpus: 0, gpuMilli: 0 });
    const d = taskDistribution([
      { flavor: f(1), count: 50 },
      { flavor: f(2), count: 30 },
      { flavor: f(3), count: 15 },
      { flavor: f(4), count: 5 },
    ]);
    const t = typicalTasks(d, 0.9); // 50 + 30 < 90 ≤ 50 + 30 + 15
    expect([...t.vcpus]).toEqual([1, 2, 3]);
    expect([...t.weight]).toEqual([50 / 95, 30 / 95, 15 / 95].map((x) => expect.closeTo(x, 12)) as never);
    expect(typicalTasks(d, 1).size).toBe(4);
  });
});
