// The FGD experiment's summariser (bench/fgd-paper/summarise.ts) on hand-made report files and a
// hand-made simulator CSV; every figure below is worked out by hand.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  advantages,
  markdownTable,
  medianCurve,
  runsFromReportDirs,
  runsFromSimulatorCsv,
  summarise,
} from '../../bench/fgd-paper/summarise.ts';
import { clusterFromObject } from '../../src/cluster/cluster-spec.ts';
import type { Report } from '../../src/report/schema.ts';
import { runReplayTask } from '../../src/run/replay-task.ts';
import type { Strategy } from '../../src/scheduler/strategy.ts';
import { firstFitStrategy } from '../../strategies/first-fit.ts';
import { tempDir } from '../helpers/replay.ts';
import { withChanges } from '../helpers/reports.ts';

const CLUSTER = { hosts: [{ name: 'h1', vcpus: 8, memory_mb: 16384, disk_gb: 10, gpus: 2 }] };

/** A real GPU report to edit: any valid report with quality.gpu will do. */
async function template(): Promise<Report> {
  const dir = tempDir();
  const clusterPath = join(dir, 'cluster.json');
  const tracePath = join(dir, 'trace.csv');
  writeFileSync(clusterPath, JSON.stringify(CLUSTER));
  writeFileSync(tracePath, 'time,id,vcpus,memory_mb,gpus\n0,a,1,1024,1\n');
  return runReplayTask({
    clusterPath,
    cluster: clusterFromObject(CLUSTER),
    tracePath,
    strategy: firstFitStrategy as Strategy<unknown>,
    onBadRow: 'stop',
    calibrationSamples: 0,
  });
}

// [strategy, seed, {arrived %: allocated %}, unallocated GPUs at the end]
const CASES: [string, string, Record<number, number>, number][] = [
  ['fgd', '1', { 100: 96, 110: 96.5, 129: 97 }, 30], // full arrival 129%
  ['fgd', '2', { 100: 94, 110: 95, 130: 96 }, 40],
  ['fgd', '3', { 100: 95, 110: 95.5, 130: 96.5 }, 35],
  ['gpu-packing', '1', { 100: 90, 110: 91, 130: 92 }, 70],
  ['gpu-packing', '2', { 100: 88, 110: 89, 130: 90 }, 90],
  ['random', '1', { 100: 85, 130: 88 }, 100], // no point at 110%
  ['first-fit', '1', { 100: 80 }, 1], // not one of the paper's: listed under its own name, last
];

async function writeCases(): Promise<string[]> {
  const base = await template();
  const root = tempDir();
  const dirs = [join(root, 'a'), join(root, 'b')];
  for (const d of dirs) mkdirSync(d);
  CASES.forEach(([strategy, seed, curve, unalloc], i) => {
    const r = withChanges(base, (c) => {
      c.inputs.strategy = strategy;
      c.inputs.trace.path = `/x/traces/seed-${seed}.csv`;
      c.quality.gpu!.allocation_curve = Object.entries(curve).map(([a, u]) => ({
        arrived_pct: Number(a),
        allocated_pct: u,
      }));
      c.quality.gpu!.unallocated_gpus = unalloc;
    });
    writeFileSync(join(dirs[i % 2], `${strategy}-${seed}.json`), JSON.stringify(r));
  });
  writeFileSync(join(dirs[0], 'run.json'), '{"not":"a report"}');
  return [...dirs, join(root, 'missing')];
}

describe('the FGD experiment summary', () => {
  it('computes medians, ranges and FGD advantage from report files', async () => {
    const runs = runsFromReportDirs(await writeCases());
    expect(runs).toHaveLength(7);
    const rows = summarise(runs);
    expect(rows.map((r) => r.policy)).toEqual(['Random', 'GpuPacking', 'FGD', 'first-fit']);
    const fgd = rows.find((r) => r.policy === 'FGD')!;
    // Unallocated at 100%: 4, 6, 5; at 110%: 3.5, 5, 4.5; at each seed's last point: 3 (129%), 4, 3.5.
    expect(fgd.at100).toEqual({ median: 5, min: 4, max: 6, n: 3 });
    expect(fgd.at110).toEqual({ median: 4.5, min: 3.5, max: 5, n: 3 });
    expect(fgd.atFull).toEqual({ median: 3.5, min: 3, max: 4, n: 3 });
    expect(fgd.fullPct).toEqual({ median: 130, min: 129, max: 130, n: 3 });
    expect(fgd.unallocatedGpus).toEqual({ median: 35, min: 30, max: 40, n: 3 });
    const packing = rows.find((r) => r.policy === 'GpuPacking')!;
    // Two seeds: the median is the mean of both. At 100%: 10 and 12; 110%: 9, 11; 130%: 8, 10.
    expect(packing.at100).toEqual({ median: 11, min: 10, max: 12, n: 2 });
    expect(packing.at110).toEqual({ median: 10, min: 9, max: 11, n: 2 });
    expect(packing.atFull).toEqual({ median: 9, min: 8, max: 10, n: 2 });
    expect(packing.unallocatedGpus).toEqual({ median: 80, min: 70, max: 90, n: 2 });
    expect(rows.find((r) => r.policy === 'Random')!.at110).toBeNull();
    // FGD's 35 against Random's 100: 65% fewer, 65 more in use; against Packing's 80: 45/80.
    expect(advantages(rows)).toEqual([
      { baseline: 'Random', fewerPct: 65, moreGpus: 65 },
      { baseline: 'GpuPacking', fewerPct: 56.25, moreGpus: 45 },
      { baseline: 'first-fit', fewerPct: -3400, moreGpus: -34 },
    ]);
    const md = markdownTable(rows, new Map([['GpuClustering', 'not on this branch']]));
    expect(md).toContain(
      '| Random | 1 | 15.00 (15.00–15.00) | n/a | 12.00 (12.00–12.00) | 130 (130–130) | 100.0 (100.0–100.0) |',
    );
    expect(md).toContain('| GpuClustering | 0 | not run: not on this branch | | | | |');
    expect(md).toContain(
      '| FGD | 3 | 5.00 (4.00–6.00) | 4.50 (3.50–5.00) | 3.50 (3.00–4.00) | 130 (129–130) | 35.0 (30.0–40.0) |',
    );
    expect(md).toContain('| GpuPacking | 56.3% | 45.0 |');
    // GpuClustering (missing) sits between Random and GpuPacking, as in the paper.
    expect(md.indexOf('| GpuClustering')).toBeGreaterThan(md.indexOf('| Random'));
    expect(md.indexOf('| GpuClustering')).toBeLessThan(md.indexOf('| GpuPacking'));
    // The plotted median curve of GpuPacking: 100 − the mean of the two seeds at each percent.
    expect(medianCurve(runs).filter((p) => p.policy === 'GpuPacking')).toEqual([
      { policy: 'GpuPacking', arrived_pct: 100, unallocated_pct: 11 },
      { policy: 'GpuPacking', arrived_pct: 110, unallocated_pct: 10 },
      { policy: 'GpuPacking', arrived_pct: 130, unallocated_pct: 9 },
    ]);
  });

  it("reads the simulator's merged allocation CSV: one workload, full arrival at tune x 100", () => {
    const csv = [
      'workload,sc_policy,tune,seed,total_gpus,0,100,110,130',
      'openb_pod_list_default,06-FGD,1.3,42,200,0.5,95,95.25,95.5',
      'openb_pod_list_default,04-GpuPacking,1.3,42,200,0.5,90,,91',
      'openb_pod_list_cpu050,06-FGD,1.3,42,200,0.5,1,1,1',
    ].join('\n');
    const runs = runsFromSimulatorCsv(csv);
    expect(runs.map((r) => [r.policy, r.seed, r.capacityGpus, r.unallocatedGpus])).toEqual([
      ['FGD', '42', 200, 9], // (100 − 95.5) × 200 / 100
      ['GpuPacking', '42', 200, 18],
    ]);
    expect([...runs[1].curve.keys()]).toEqual([0, 100, 130]);
    const fgd = summarise(runs).find((r) => r.policy === 'FGD')!;
    expect(fgd.at110!.median).toBeCloseTo(4.75, 12);
  });
});
