// Placement-quality metrics on a tiny trace, every expected value worked out by hand below.
import { describe, expect, it } from 'vitest';
import { simpleCluster } from '../helpers/cluster.ts';
import { replayWithMetrics } from '../helpers/metrics.ts';

// Two identical hosts: 4 vCPUs, 4096 MB, 100 GB; ratios 1.0, nothing reserved. So schedulable
// capacity is 4 vCPUs, 4096 MB and 102400 MB of disk per host; 8, 8192, 204800 for the cluster.
const cluster = () =>
  simpleCluster([
    { vcpus: 4, memory_mb: 4096, disk_gb: 100 },
    { vcpus: 4, memory_mb: 4096, disk_gb: 100 },
  ]);

// The filter strategy spreads by free RAM (ties to cluster order):
//   t=0   a (2 vCPU, 2048 MB, 10 GB, lives 10 s)  -> h1 (tie)
//   t=0   b (1, 1024, 10)                          -> h2 (4096 free > 2048)
//   t=4   c (2, 2048, 20, lives 2 s)               -> h2 (3072 free > 2048)
//   t=6   c departs;  t=10  a departs
//   t=12  d (1, 8192, 10) is larger than any host -> NoValidHost
//   t=20  b is deleted; the replay ends at 20, so the span is [0, 20].
const TRACE = [
  'time,event,id,vcpus,memory_mb,disk_gb,count,duration',
  '0,create,a,2,2048,10,1,10',
  '0,create,b,1,1024,10,1,',
  '4,create,c,2,2048,20,1,2',
  '12,create,d,1,8192,10,1,',
  '20,delete,b,,,,,',
];

// State by interval (used vCPU / RAM MB / disk GB on h1 | h2):
//   [0,4)   2/2048/10 | 1/1024/10   cluster cpu 3/8=.375  ram 3072/8192=.375  disk 20/200=.1    active 2
//   [4,6)   2/2048/10 | 3/3072/30   cpu 5/8=.625          ram .625            disk 40/200=.2    active 2
//   [6,10)  as [0,4)                .375                  .375                .1                active 2
//   [10,20) 0/0/0     | 1/1024/10   cpu 1/8=.125          ram .125            disk 10/200=.05   active 1

describe('placement quality metrics', () => {
  it('time-weights cluster and active-host utilisation, active hosts and balance', async () => {
    const { m } = await replayWithMetrics(cluster(), TRACE, { windowSeconds: 5 });
    const q = m.quality;
    expect(q.span_s).toBe(20);
    expect(q.schedulable_hosts).toBe(2);
    // cpu: (.375·4 + .625·2 + .375·4 + .125·10) / 20 = (1.5 + 1.25 + 1.5 + 1.25) / 20 = 0.275
    expect(q.utilisation.cpu).toBeCloseTo(0.275, 12);
    expect(q.utilisation.ram).toBeCloseTo(0.275, 12);
    // disk: (.1·4 + .2·2 + .1·4 + .05·10) / 20 = 1.7 / 20 = 0.085
    expect(q.utilisation.disk).toBeCloseTo(0.085, 12);
    // Over active hosts: the same while both are active; on [10,20) only h2 (capacity 4): 1/4 = .25.
    // cpu: (1.5 + 1.25 + 1.5 + .25·10) / 20 = 6.75 / 20 = 0.3375
    expect(q.active_utilisation.cpu).toBeCloseTo(0.3375, 12);
    // disk on [10,20): 10 GB of h2's 100 = .1 -> (.4 + .4 + .4 + 1) / 20 = 0.11
    expect(q.active_utilisation.disk).toBeCloseTo(0.11, 12);
    // Active hosts: (2·10 + 1·10) / 20 = 1.5; at most 2.
    expect(q.active_hosts).toEqual({ mean: 1.5, max: 2 });
    // CV of per-host cpu utilisation (population σ / μ):
    //   [0,4)  u = .5, .25  μ .375  σ .125  CV 1/3
    //   [4,6)  u = .5, .75  μ .625  σ .125  CV 1/5
    //   [6,10) CV 1/3;  [10,20) u = 0, .25  μ .125  σ .125  CV 1
    //   (4/3 + 2/5 + 4/3 + 10) / 20 = (196/15) / 20 = 0.65333...
    expect(q.balance_cv.cpu).toBeCloseTo(196 / 300, 12);
  });

  it('measures fragmentation against the trace’s own shape mix', async () => {
    // Shapes, one instance each so p = 1/4 each: (2,2048,10) (1,1024,10) (2,2048,20) (1,8192,10).
    // The last fits no host ever, so every host's P (share of shapes that do not fit) is at least 1/4.
    const { m } = await replayWithMetrics(cluster(), TRACE, { windowSeconds: 5 });
    expect(m.quality.shapes).toBe(4);
    const w = m.series.windows;
    // Window [0,5) is sampled at t=5, the state of [4,6):
    //   h1 free 2 vCPU / 2048 MB / 90 GB = 92160 MB: everything but (1,8192,10) fits -> P = 1/4
    //   h2 free 1 / 1024 / 70 GB = 71680 MB: only (1,1024,10) fits -> P = 3/4
    //   F_cpu  = (2·1/4 + 1·3/4) / 3 = 1.25/3 = 0.41667
    //   F_ram  = (2048/4 + 1024·3/4) / 3072 = 1280/3072 = 0.41667
    //   F_disk = (92160/4 + 71680·3/4) / 163840 = 76800/163840 = 0.46875
    expect(w[0].fragmentation_cpu).toBeCloseTo(1.25 / 3, 12);
    expect(w[0].fragmentation_ram).toBeCloseTo(1280 / 3072, 12);
    expect(w[0].fragmentation_disk).toBeCloseTo(0.46875, 12);
    // At t=10, 15 and 20 every host fits all but the oversized shape: P = 1/4 everywhere, F = .25.
    for (const k of [1, 2, 3]) expect(w[k].fragmentation_ram).toBeCloseTo(0.25, 12);
    // The mean over windows, weighted by their 5 s: (0.41667 + 3·0.25)/4 = 0.29167; disk (0.46875 + 0.75)/4.
    expect(m.quality.fragmentation.cpu).toBeCloseTo((1.25 / 3 + 0.75) / 4, 12);
    expect(m.quality.fragmentation.disk).toBeCloseTo((0.46875 + 0.75) / 4, 12);
  });

  it('writes a time series per window with NoValidHost over time', async () => {
    const { m } = await replayWithMetrics(cluster(), TRACE, { windowSeconds: 5 });
    expect(m.series.window_s).toBe(5);
    const w = m.series.windows;
    // [0,5) [5,10) [10,15) [15,20): the window starting at 20 held only the delete, so it is dropped.
    expect(w.map((x) => [x.start, x.end, x.covered])).toEqual([
      [0, 5, 5],
      [5, 10, 5],
      [10, 15, 5],
      [15, 20, 5],
    ]);
    // a, b, c decided in [0,5); d (NoValidHost) at 12.
    expect(w.map((x) => [x.instances, x.placed, x.no_valid_host, x.no_valid_host_cum])).toEqual([
      [3, 3, 0, 0],
      [0, 0, 0, 0],
      [1, 0, 1, 1],
      [0, 0, 0, 1],
    ]);
    expect(w.map((x) => x.no_valid_host_rate)).toEqual([0, null, 1, null]);
    // cpu in [0,5): (.375·4 + .625·1)/5 = 0.425; [5,10): (.625·1 + .375·4)/5 = 0.425; then .125.
    expect(w.map((x) => x.util_cpu)).toEqual([0.425, 0.425, 0.125, 0.125]);
    expect(w.map((x) => x.active_hosts)).toEqual([2, 2, 1, 1]);
    expect(m.outcomes.first_no_valid_host_time).toBe(12);
  });

  it('counts outcomes per flavor', async () => {
    const { m } = await replayWithMetrics(cluster(), TRACE, { windowSeconds: 5 });
    // One instance each; ties ordered by vcpus, memory, disk.
    expect(
      m.outcomes.by_flavor.map((f) => [f.vcpus, f.memory_mb, f.disk_gb, f.placed, f.no_valid_host]),
    ).toEqual([
      [1, 1024, 10, 1, 0],
      [1, 8192, 10, 0, 1],
      [2, 2048, 10, 1, 0],
      [2, 2048, 20, 1, 0],
    ]);
    expect(m.outcomes.by_flavor[1].no_valid_host_rate).toBe(1);
  });

  it('reports no first NoValidHost time when every instance is placed', async () => {
    const { m } = await replayWithMetrics(cluster(), TRACE.slice(0, 4));
    expect(m.outcomes.first_no_valid_host_time).toBeNull();
    expect(m.outcomes.no_valid_host).toBe(0);
  });
});
