// The busy period and the utilisation arrivals saw, on the tiny trace of quality.test.ts, every
// expected value worked out by hand below.
import { describe, expect, it } from 'vitest';
import { simpleCluster } from '../helpers/cluster.ts';
import { replayWithMetrics } from '../helpers/metrics.ts';

// Two hosts of 4 vCPUs, 4096 MB, 100 GB each: the cluster has 8 vCPUs, 8192 MB, 200 GB.
const cluster = () =>
  simpleCluster([
    { vcpus: 4, memory_mb: 4096, disk_gb: 100 },
    { vcpus: 4, memory_mb: 4096, disk_gb: 100 },
  ]);

// As in quality.test.ts: a -> h1 and b -> h2 at 0, c -> h2 at 4 (departs at 6), a departs at 10,
// d (8192 MB) at 12 is NoValidHost, b is deleted at 20. Arrivals: 0, 0, 4, 12.
const TRACE = [
  'time,event,id,vcpus,memory_mb,disk_gb,count,duration',
  '0,create,a,2,2048,10,1,10',
  '0,create,b,1,1024,10,1,',
  '4,create,c,2,2048,20,1,2',
  '12,create,d,1,8192,10,1,',
  '20,delete,b,,,,,',
];

describe('busy-period utilisation', () => {
  it('time-weights utilisation from the first to the last arrival only', async () => {
    const { m } = await replayWithMetrics(cluster(), TRACE, { windowSeconds: 5 });
    const b = m.quality.busy_period!;
    expect(b.start).toBe(0);
    expect(b.end).toBe(12);
    expect(b.duration_s).toBe(12);
    // Cluster cpu share by interval: [0,4) 3/8, [4,6) 5/8, [6,10) 3/8, [10,12) 1/8 (the drain
    // [12,20) at 1/8 is left out). (.375·4 + .625·2 + .375·4 + .125·2) / 12 = 4.5 / 12 = 0.375,
    // against the whole replay's 5.5 / 20 = 0.275. RAM moves in step with cpu here.
    expect(b.utilisation.cpu).toBeCloseTo(0.375, 12);
    expect(b.utilisation.ram).toBeCloseTo(0.375, 12);
    expect(m.quality.utilisation.cpu).toBeCloseTo(0.275, 12);
    // disk: [0,4) 20/200, [4,6) 40/200, [6,10) 20/200, [10,12) 10/200:
    // (.1·4 + .2·2 + .1·4 + .05·2) / 12 = 1.3 / 12
    expect(b.utilisation.disk).toBeCloseTo(1.3 / 12, 12);
  });

  it('averages, over arrivals, the utilisation each arrival saw before its placement', async () => {
    const { m } = await replayWithMetrics(cluster(), TRACE, { windowSeconds: 5 });
    const a = m.quality.busy_period!.arrival_utilisation;
    // cpu seen: a 0 (empty cluster), b 2/8 (a placed), c 3/8, d 1/8 (only b left): .75 / 4
    expect(a.cpu).toBeCloseTo(0.1875, 12);
    // RAM seen: 0, 2048/8192, 3072/8192, 1024/8192: the same shares
    expect(a.ram).toBeCloseTo(0.1875, 12);
    // disk seen: 0, 10/200, 20/200, 10/200: .2 / 4
    expect(a.disk).toBeCloseTo(0.05, 12);
  });

  it('reports the state just after the arrivals when they all share one instant', async () => {
    // a (2 vCPU) and b (1 vCPU) at 0, b deleted at 10: the busy period is [0, 0]; just after it
    // 3 of 8 vCPUs and 3072 of 8192 MB are in use.
    const trace = [
      'time,event,id,vcpus,memory_mb,disk_gb,count,duration',
      '0,create,a,2,2048,10,1,',
      '0,create,b,1,1024,10,1,',
      '10,delete,b,,,,,',
    ];
    const { m } = await replayWithMetrics(cluster(), trace, { windowSeconds: 5 });
    const b = m.quality.busy_period!;
    expect(b.duration_s).toBe(0);
    expect(b.utilisation.cpu).toBeCloseTo(0.375, 12);
    expect(b.utilisation.ram).toBeCloseTo(0.375, 12);
  });

  it('is null without arrivals', async () => {
    const trace = ['time,event,id,vcpus,memory_mb,disk_gb,count,duration', '5,delete,x,,,,,'];
    const { m } = await replayWithMetrics(cluster(), trace, { windowSeconds: 5 });
    expect(m.quality.busy_period).toBeNull();
  });
});
