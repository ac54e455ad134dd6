// A small GPU replay end to end, every figure worked out by hand (the working is in the comments).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { clusterFromObject } from '../../src/cluster/cluster-spec.ts';
import { summaryMarkdown } from '../../src/report/markdown.ts';
import { runReplayTask } from '../../src/run/replay-task.ts';
import type { Strategy } from '../../src/scheduler/strategy.ts';
import { bestFitStrategy } from '../../strategies/best-fit.ts';
import { filterStrategy } from '../../strategies/filter/index.ts';
import { BUILTIN_STRATEGIES } from '../../strategies/index.ts';
import { tempDir } from '../helpers/replay.ts';

// h1: 2 GPUs of model A, h2: 1 GPU of model B; RAM 16384 MB each, no reservation.
const CLUSTER = {
  reserved: { memory_mb: 0, disk_gb: 0 },
  hosts: [
    { name: 'h1', vcpus: 8, memory_mb: 16384, disk_gb: 100, gpus: 2, gpu_model: 'A' },
    { name: 'h2', vcpus: 8, memory_mb: 16384, disk_gb: 100, gpus: 1, gpu_model: 'B' },
  ],
};

// With the filter strategy (GpuFilter joins the defaults; RAMWeigher spreads, ties to cluster order):
//  t0 a  0.5 GPU    both pass, equal RAM: h1, GPU 0           h1 [500 1000]  h2 [1000]
//  t1 b  2 GPUs     no host has 2 idle GPUs: NoValidHost
//  t2 c  1 GPU, B   only h2 is model B: h2                    h2 [0]
//  t3 d  0.6 GPU    only h1's GPU 1 has 600 free              h1 [500 400]
//  t4 e  0.5 GPU    only h1's GPU 0 (500 free); lives 2 s     h1 [0 400]
//  t5 f  no GPU     h1 has 12288 MB free, h2 15360: h2
//  t6               e leaves                                  h1 [500 400]
//  t8 g  1 GPU      no idle GPU anywhere: NoValidHost
const TRACE = [
  'time,id,vcpus,memory_mb,gpus,gpu_milli,gpu_spec,duration',
  '0,a,1,1024,1,500,,',
  '1,b,1,1024,2,,,',
  '2,c,1,1024,1,,B,',
  '3,d,1,2048,1,600,,',
  '4,e,1,1024,1,500,,2',
  '5,f,1,1024,0,,,',
  '8,g,1,1024,1,1000,,',
];

async function run(strategy: Strategy<unknown>, trace = TRACE, seed?: number) {
  const dir = tempDir();
  const clusterPath = join(dir, 'cluster.json');
  const tracePath = join(dir, 'trace.csv');
  const placementsPath = join(dir, 'placements.csv');
  writeFileSync(clusterPath, JSON.stringify(CLUSTER));
  writeFileSync(tracePath, `${trace.join('\n')}\n`);
  const report = await runReplayTask({
    clusterPath,
    cluster: clusterFromObject(CLUSTER),
    tracePath,
    strategy,
    onBadRow: 'stop',
    seed,
    calibrationSamples: 0,
    placementsPath,
  });
  const hosts = readFileSync(placementsPath, 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => `${l.split(',')[1]}:${l.split(',')[2]}`);
  return { report, hosts };
}

describe('a GPU replay', () => {
  it('places as worked out and reports the GPU figures', async () => {
    const { report, hosts } = await run(filterStrategy as Strategy<unknown>);
    expect(hosts).toEqual(['a:h1', 'b:', 'c:h2', 'd:h1', 'e:h1', 'f:h2', 'g:']);
    expect(report.inputs.config.filters).toContain('GpuFilter');
    expect(report.placement.claim_failures).toBe(0);
    const g = report.quality.gpu!;
    expect(g.capacity_gpus).toBe(3);
    // Asked for: a 0.5 + b 2 + c 1 + d 0.6 + e 0.5 + g 1 = 5.6; placed: a + c + d + e = 2.6.
    expect(g.arrived_gpus).toBeCloseTo(5.6, 12);
    expect(g.allocated_gpus).toBeCloseTo(2.6, 12);
    expect(g.allocation_rate).toBeCloseTo(2.6 / 5.6, 12);
    // Allocated (thousandths) over [0, 8): 500, 500, 1500, 2100, 2600 for 2 s, 2100 for 2 s
    // = 14000 GPU-milli-seconds, over 3000 × 8.
    expect(g.utilisation).toBeCloseTo(14000 / 24000, 12);
    expect(g.peak_utilisation).toBeCloseTo(2600 / 3000, 12);
    // Once every row is read: h1 [500 400], h2 [0]: 0.9 GPUs unallocated.
    expect(g.unallocated_gpus).toBeCloseTo(0.9, 12);
    // FGD over the trace's 7 instances: (1 GPU, 0.5) x2, (2 GPUs) x1, (1 GPU) x2, (1 GPU, 0.6) x1, no GPU x1.
    // h1: 0.5 can use GPU 0, so GPU 1's 400 is stranded; 2 GPUs, 1 GPU and 0.6 fit nowhere on h1, so
    // all 900 is; a task without GPUs can use none of it, so all 900 is (FGD's XL class, frag.go).
    // (2·400 + 900 + 2·900 + 900 + 900) / 7 = 5300/7. h2 has nothing free.
    expect(g.fragmentation_gpus).toBeCloseTo(5300 / 7 / 1000, 12);
    expect(g.fragmentation_rate).toBeCloseTo(5300 / 7 / 900, 12);
    const byFlavor = report.placement.by_flavor.map((f) => [
      f.memory_mb,
      f.gpus,
      f.gpu_milli,
      f.instances,
      f.placed,
    ]);
    expect(byFlavor).toEqual([
      [1024, 1, 500, 2, 2],
      [1024, 1, 1000, 2, 1],
      [1024, 0, 0, 1, 1],
      [1024, 2, 1000, 1, 0],
      [2048, 1, 600, 1, 1],
    ]);
    const md = summaryMarkdown([report]);
    expect(md).toContain('| util_gpu | gpu_allocation_rate | unallocated_gpus | gpu_fragmentation |');
  });

  it('best-fit, whose constraints get GpuFilter on a GPU cluster, never needs a failed claim', async () => {
    // best-fit takes the fullest host that fits. a: both fit, equal: h1. b: none. c: h2 (model B).
    // d: h1 only. e: h1 only. f: h1 (fuller: 12288 MB free against 15360). g: none.
    const { report, hosts } = await run(bestFitStrategy as Strategy<unknown>);
    expect(hosts).toEqual(['a:h1', 'b:', 'c:h2', 'd:h1', 'e:h1', 'f:h1', 'g:']);
    expect(report.placement.claim_failures).toBe(0);
  });

  // 3 GPUs in all: of five 1-GPU instances that never leave, every strategy places exactly three,
  // seeds 1 and 2 (chance and caching through failed claims and retries: 2 hosts, 3 attempts).
  const FIVE = ['time,id,vcpus,memory_mb,gpus', ...[0, 1, 2, 3, 4].map((t) => `${t},i${t},1,1024,1`)];
  for (const strategy of BUILTIN_STRATEGIES) {
    it.each([1, 2])(`${strategy.name} (seed %i) places no more GPUs than there are`, async (seed) => {
      const { report, hosts } = await run(strategy as Strategy<unknown>, FIVE, seed);
      expect(report.placement.placed).toBe(3);
      expect(hosts.filter((h) => h.endsWith(':h1'))).toHaveLength(2);
      expect(hosts.filter((h) => h.endsWith(':h2'))).toHaveLength(1);
      expect(report.quality.gpu!.unallocated_gpus).toBe(0);
      expect(report.contract.mismatches).toEqual([]);
    });
  }
});
