// quality.gpu.allocation_curve, the FGD paper's plot, on a 4-GPU cluster worked by hand.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { clusterFromObject } from '../../src/cluster/cluster-spec.ts';
import { AllocationCurve, roundHalfEven } from '../../src/metrics/gpu-allocation-curve.ts';
import { runReplayTask } from '../../src/run/replay-task.ts';
import type { Strategy } from '../../src/scheduler/strategy.ts';
import { firstFitStrategy } from '../../strategies/first-fit.ts';
import { tempDir } from '../helpers/replay.ts';

const CLUSTER = {
  reserved: { memory_mb: 0, disk_gb: 0 },
  hosts: [
    { name: 'h1', vcpus: 16, memory_mb: 16384, disk_gb: 100, gpus: 2 },
    { name: 'h2', vcpus: 16, memory_mb: 16384, disk_gb: 100, gpus: 2 },
  ],
};

// 4 GPUs = 4000 thousandths, so 1% is 40. first-fit takes h1 whenever it fits. One sample after
// every instance decided or released: (arrived milli / 40 rounded half to even, allocated / 40).
//  t0 z  no GPU                      h1                         (0, 0)
//  t1 a  1 GPU                       h1 GPU 0                   arrived 1000: (25, 25)
//  t2 b  no GPU                      h1                         (25, 25)
//  t3 c  3 GPUs                      NoValidHost (3 idle, 2+1)  arrived 4000: (100, 25)
//  t4 d  0.5 GPU, lives 2 s          h1 GPU 1                   4500 = 112.5% -> 112: (112, 37.5)
//  t5 e  0.3 GPU                     h1 GPU 1 (500 free)        4800: (120, 45)
//  t6    d leaves                                               (120, 32.5)
//  t6 f  0.1 GPU                     h1 GPU 1                   4900 = 122.5% -> 122: (122, 35)
const TRACE = [
  'time,id,vcpus,memory_mb,gpus,gpu_milli,duration',
  '0,z,1,1024,0,,',
  '1,a,1,1024,1,,',
  '2,b,1,1024,0,,',
  '3,c,1,1024,3,,',
  '4,d,1,1024,1,500,2',
  '5,e,1,1024,1,300,',
  '6,f,1,1024,1,100,',
];

describe('the GPU allocation curve', () => {
  it('bins a replay by whole percent of arrived GPU demand, as merge_alloc_discrete.py does', async () => {
    const dir = tempDir();
    const clusterPath = join(dir, 'cluster.json');
    const tracePath = join(dir, 'trace.csv');
    writeFileSync(clusterPath, JSON.stringify(CLUSTER));
    writeFileSync(tracePath, `${TRACE.join('\n')}\n`);
    const report = await runReplayTask({
      clusterPath,
      cluster: clusterFromObject(CLUSTER),
      tracePath,
      strategy: firstFitStrategy as Strategy<unknown>,
      onBadRow: 'stop',
      calibrationSamples: 0,
    });
    expect(report.placement.no_valid_host).toBe(1);
    const points = report.quality.gpu!.allocation_curve!.map((p) => [p.arrived_pct, p.allocated_pct]);
    // A percent with samples: their mean. One without: the mean of its neighbours' samples, or
    // nothing when they have none (2..23, 27..98, 102..110, 114..118).
    expect(points).toEqual([
      [0, 0],
      [1, 0],
      [24, 25],
      [25, 25],
      [26, 25],
      [99, 25],
      [100, 25],
      [101, 25],
      [111, 37.5],
      [112, 37.5],
      [113, 37.5],
      [119, 38.75], // (45 + 32.5) / 2
      [120, 38.75],
      [121, 37.5], // 120's two samples and 122's one: (45 + 32.5 + 35) / 3
      [122, 35],
    ]);
  });

  it('rounds halves to even, as Python 3 does', () => {
    expect([0.5, 1.5, 2.5, 2.4, 2.6, 3].map(roundHalfEven)).toEqual([0, 2, 2, 2, 3, 3]);
  });

  it('has no point without GPU capacity', () => {
    const c = new AllocationCurve(0);
    c.sample(1000, 0);
    expect(c.points()).toEqual([]);
  });
});
