// GPU columns of the time series: only on a cluster with GPUs, worked out by hand.
import { describe, expect, it } from 'vitest';
import { cluster, simpleCluster } from '../helpers/cluster.ts';
import { replayWithMetrics } from '../helpers/metrics.ts';

// One host with 2 GPUs (capacity 2000 thousandths), windows of 2 s:
//   t0 a  1 GPU, lives 3 s   allocated 1000   share 0.5
//   t1 b  0.5 GPU            1500             0.75
//   t3    a leaves           500              0.25
//   t4 c  1 GPU              1500             (the replay ends at t4)
// util_gpu: [0,2): (1·0.5 + 1·0.75)/2 = 0.625; [2,4): (1·0.75 + 1·0.25)/2 = 0.5; [4,6): no time, null.
// gpus_allocated at each window's end (the state held up to it, as the fragmentation): 1.5 at t2,
// 0.5 at t4 (before c), and the last window at the end of the replay: 1.5.
const TRACE = [
  'time,id,vcpus,memory_mb,gpus,gpu_milli,duration',
  '0,a,1,512,1,,3',
  '1,b,1,512,1,500,',
  '4,c,1,512,1,,',
];

describe('time series with GPUs', () => {
  it('util_gpu per window and gpus_allocated at its end', async () => {
    const spec = cluster({
      allocation_ratios: { cpu: 1, ram: 1, disk: 1 },
      reserved: { memory_mb: 0, disk_gb: 0 },
      hosts: [{ name: 'g', vcpus: 8, memory_mb: 8192, disk_gb: 100, gpus: 2 }],
    });
    const { m } = await replayWithMetrics(spec, TRACE, { windowSeconds: 2 });
    const w = m.series.windows;
    expect(w.map((x) => [x.start, x.covered])).toEqual([
      [0, 2],
      [2, 2],
      [4, 0],
    ]);
    expect(w[0].util_gpu).toBeCloseTo(0.625, 12);
    expect(w[1].util_gpu).toBeCloseTo(0.5, 12);
    expect(w[2].util_gpu).toBeNull();
    expect(w.map((x) => x.gpus_allocated)).toEqual([1.5, 0.5, 1.5]);
  });

  it('a cluster without GPUs has no GPU keys in its windows', async () => {
    const { m } = await replayWithMetrics(simpleCluster([{}]), ['time,id,vcpus,memory_mb', '0,a,1,512'], {
      windowSeconds: 2,
    });
    expect(m.series.windows.length).toBe(1);
    for (const x of m.series.windows) {
      expect('util_gpu' in x).toBe(false);
      expect('gpus_allocated' in x).toBe(false);
    }
  });
});
