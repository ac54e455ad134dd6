// A ratio over nothing (0/0) is null in the report and n/a by metric name, never 0 (docs/metrics.md,
// "No value"): a bound cannot hold on a replay that placed nothing, and every output shows it as n/a.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { clusterFromObject } from '../../src/cluster/cluster-spec.ts';
import { packagePath } from '../../src/common/package-root.ts';
import { checkReports } from '../../src/report/check.ts';
import { compareMarkdown } from '../../src/report/compare.ts';
import { METRICS, metricByName } from '../../src/report/metric-catalog.ts';
import { type Report, reportSchema } from '../../src/report/schema.ts';
import { summaryTable } from '../../src/report/summary-table.ts';
import { loadThresholds } from '../../src/report/thresholds.ts';
import { writeReportOutputs } from '../../src/report/write-outputs.ts';
import { runReplayTask } from '../../src/run/replay-task.ts';
import { filterStrategy } from '../../strategies/filter/index.ts';
import { tempDir } from '../helpers/replay.ts';
import { withChanges } from '../helpers/reports.ts';

const HEADER = 'time,id,vcpus,memory_mb,disk_gb,count';

/** The filter strategy's report of `trace` (lines) on `cluster` (a cluster file's object). */
async function replay(cluster: unknown, trace: readonly string[]): Promise<Report> {
  const dir = tempDir();
  writeFileSync(join(dir, 'cluster.json'), JSON.stringify(cluster));
  writeFileSync(join(dir, 'trace.csv'), `${trace.join('\n')}\n`);
  const report = await runReplayTask({
    clusterPath: join(dir, 'cluster.json'),
    cluster: clusterFromObject(cluster as Parameters<typeof clusterFromObject>[0]),
    tracePath: join(dir, 'trace.csv'),
    strategy: filterStrategy,
    sets: {},
    onBadRow: 'stop',
    calibrationSamples: 5,
  });
  // As written and read back: the schema takes every null.
  return reportSchema.parse(JSON.parse(JSON.stringify(report)));
}

/** The bundled cluster (64 hosts with GPUs, no disk). */
const BUNDLED = JSON.parse(readFileSync(packagePath('traces/default-cluster.json'), 'utf8'));

const value = (r: Report, name: string) => metricByName(name)!.value(r);

/** Every metric that is a ratio, a mean or a statistic of something a header-only trace has none of. */
const NO_VALUE = [
  'novalidhost_rate',
  'first_novalidhost_time',
  'soft_affinity_satisfaction',
  'soft_anti_affinity_satisfaction',
  ...['util', 'busy_util', 'arrival_util', 'active_util', 'fragmentation', 'balance_cv'].flatMap((m) =>
    ['cpu', 'ram', 'disk'].map((r) => `${m}_${r}`),
  ),
  'active_hosts_mean',
  'util_gpu',
  'gpu_allocation_rate',
  'gpu_fragmentation',
  'gpu_fragmentation_rate',
  'decisions_per_s',
  'host_evaluations_per_s',
  'latency_p50_us',
  'latency_p90_us',
  'latency_p99_us',
  'latency_max_us',
];

describe('a replay of a header-only trace: no instance, no row', () => {
  it('every ratio over it is null in the report and n/a by name; counts stay 0', async () => {
    const r = await replay(BUNDLED, [HEADER]);
    expect(r.placement.no_valid_host_rate).toBeNull();
    expect(r.quality.utilisation).toEqual({ cpu: null, ram: null, disk: null });
    expect(r.quality.active_hosts).toEqual({ mean: null, max: 0 });
    expect(r.quality.fragmentation).toEqual({ cpu: null, ram: null, disk: null });
    expect(r.quality.gpu).toMatchObject({
      utilisation: null,
      allocation_rate: null,
      fragmentation_gpus: null,
      fragmentation_rate: null,
    });
    expect(r.performance).toMatchObject({
      decisions: 0,
      decisions_per_s: null,
      ns_per_decision: null,
      host_evaluations_per_s: null,
      ns_per_host_evaluation: null,
      latency_us: { count: 0, mean: null, p50: null, p90: null, p99: null, max: null, percentiles: [] },
    });
    expect(r.series.windows.map((w) => [w.no_valid_host_rate, w.util_ram, w.fragmentation_ram])).toEqual([
      [null, null, null],
    ]);
    for (const name of NO_VALUE) expect([name, value(r, name)]).toEqual([name, null]);
    for (const name of ['requests', 'instances', 'placed', 'novalidhost', 'retries', 'active_hosts_max'])
      expect([name, value(r, name)]).toEqual([name, 0]);
  });

  it('check: a bound on a rate over no instance is n/a, not "ok, value 0"', async () => {
    const r = await replay(BUNDLED, [HEADER]);
    const path = join(tempDir(), 't.yaml');
    writeFileSync(
      path,
      "strategies:\n  '*':\n    novalidhost_rate: '<= 0'\n    util_ram: '>= 0'\n    fragmentation_ram: '<= 1'\n    latency_p50_us: '<= 100'\n    decisions_per_s: '>= 0'\n",
    );
    const results = checkReports(loadThresholds(path), [{ path: 'r.json', report: r }], []);
    expect(results.map((x) => [x.metric, x.value, x.holds])).toEqual([
      ['novalidhost_rate', null, null],
      ['util_ram', null, null],
      ['fragmentation_ram', null, null],
      ['latency_p50_us', null, null],
      ['decisions_per_s', null, null],
    ]);
  });

  it('the outputs show n/a: terminal table, compare, summary.md, timeseries.csv and report.html', async () => {
    const r = await replay(BUNDLED, [HEADER]);
    const row = summaryTable([r]).split('\n')[2];
    // placed 0, then NVH rate, utilisations, hosts used, fragmentation, decisions/s and p50: n/a.
    expect(row).toMatch(/^filter +0 +0( +–){10} +[\d.]+$/);
    const md = compareMarkdown([
      { label: 'A', reports: [r] },
      { label: 'B', reports: [r] },
    ]);
    // A metric without a value on either side has no row; counts do.
    expect(md).not.toMatch(/^\| (novalidhost_rate|util_ram|latency_p50_us) \|/m);
    expect(md).toMatch(/^\| placed \| higher \| 0 \| 0 \|/m);
    const dir = tempDir();
    const out = await writeReportOutputs(dir, [r]);
    const summary = readFileSync(out.markdown, 'utf8').split('\n');
    const header = summary.find((l) => l.startsWith('| strategy |'))!.split(' | ');
    const cells = summary.find((l) => l.startsWith('| filter |'))!.split(' | ');
    for (const name of ['novalidhost_rate', 'util_ram', 'fragmentation_ram', 'latency_p50_us'])
      expect([name, cells[header.indexOf(name)]]).toEqual([name, '–']);
    const csv = parse(readFileSync(out.csv, 'utf8'), { columns: true }) as Record<string, string>[];
    expect(csv.map((w) => [w.no_valid_host_rate, w.util_ram, w.fragmentation_ram])).toEqual([['', '', '']]);
    expect(readFileSync(out.html, 'utf8')).toContain('Decision latency distribution');
  });

  it('reports written before (0 for 0/0) read as n/a by name too, from their own counts', async () => {
    const r = await replay(BUNDLED, [HEADER]);
    const old = withChanges(r, (x) => {
      x.placement.no_valid_host_rate = 0;
      x.quality.utilisation = { cpu: 0, ram: 0, disk: 0 };
      x.quality.active_hosts.mean = 0;
      x.quality.fragmentation = { cpu: 0, ram: 0, disk: 0 };
      x.quality.gpu = { ...x.quality.gpu!, utilisation: 0, fragmentation_gpus: 0, fragmentation_rate: 0 };
      x.performance.decisions_per_s = 0;
      x.performance.host_evaluations_per_s = 0;
      x.performance.latency_us = {
        count: 0,
        mean: 0,
        p50: 0,
        p90: 0,
        p99: 0,
        max: 0,
        percentiles: [0, 50, 100].map((percentile) => ({ percentile, us: 0 })),
      };
    });
    expect(reportSchema.safeParse(old).success).toBe(true);
    for (const name of NO_VALUE) expect([name, value(old, name)]).toEqual([name, null]);
  });
});

describe('a resource the cluster has none of', () => {
  // Two hosts without disk (as the bundled cluster); instances ask for none.
  const NO_DISK = {
    allocation_ratios: { cpu: 1, ram: 1, disk: 1 },
    reserved: { memory_mb: 0, disk_gb: 0 },
    groups: [{ count: 2, prefix: 'h', vcpus: 8, memory_mb: 8192, disk_gb: 0 }],
  };

  it('disk utilisation and fragmentation are null, not 0; vCPU and RAM are measured', async () => {
    const r = await replay(NO_DISK, [HEADER, '0,a,2,4096,0,1', '10,b,2,4096,0,1']);
    expect([r.placement.placed, r.placement.no_valid_host_rate]).toEqual([2, 0]);
    const q = r.quality;
    expect(q.utilisation.disk).toBeNull();
    // RAM: 4096 of 16384 MB over [0, 10], 8192 at the end instant: 0.25.
    expect(q.utilisation.ram).toBeCloseTo(0.25, 12);
    expect(q.active_utilisation.disk).toBeNull();
    expect(q.active_utilisation.ram).toBeCloseTo(0.5, 12);
    expect([q.busy_period?.utilisation.disk, q.busy_period?.arrival_utilisation.disk]).toEqual([null, null]);
    expect(q.busy_period?.arrival_utilisation.ram).toBeCloseTo((0 + 0.25) / 2, 12);
    expect(q.fragmentation.disk).toBeNull();
    expect(q.fragmentation.ram).not.toBeNull();
    expect(r.series.windows.every((w) => w.util_disk === null && w.fragmentation_disk === null)).toBe(true);
    expect(r.series.windows.some((w) => w.util_ram !== null && w.util_ram > 0)).toBe(true);
    for (const name of [
      'util_disk',
      'busy_util_disk',
      'arrival_util_disk',
      'active_util_disk',
      'fragmentation_disk',
    ])
      expect([name, value(r, name)]).toEqual([name, null]);
    for (const name of [
      'novalidhost_rate',
      'util_ram',
      'active_util_ram',
      'fragmentation_ram',
      'latency_p50_us',
    ])
      expect(value(r, name), name).not.toBeNull();
    // Every metric of the catalog still has a value or null, never NaN.
    for (const d of METRICS) expect(Number.isNaN(d.value(r)), d.name).toBe(false);
  });
});
