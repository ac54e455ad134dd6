import { Worker } from 'node:worker_threads';
import type { TopLevelSpec } from 'vega-lite';
import type { Report } from '../schema.ts';
import { axisProps } from './axis-format.ts';
import { breakdownCharts } from './breakdown-charts.ts';
import { type Chart, groupColor, HEIGHT, type Row, SCHEMA, WIDTH } from './chart-common.ts';
import type { SeedGroup } from './seed-groups.ts';

export type { Chart } from './chart-common.ts';

type WindowField =
  | 'util_cpu'
  | 'util_ram'
  | 'active_hosts'
  | 'no_valid_host_cum'
  | 'fragmentation_ram'
  | 'util_gpu'
  | 'gpus_allocated';

/**
 * Per group and window start: the mean over the group's seeds and its min and max (the band).
 * Windows of one trace line up across seeds (same origin and width); the cumulative NoValidHost
 * also steps at the last window's end.
 */
function bandRows(reports: readonly Report[], groups: readonly SeedGroup[], field: WindowField): Row[] {
  const rows: Row[] = [];
  for (const g of groups) {
    const byTime = new Map<number, number[]>();
    const put = (t: number, v: number | null | undefined) => {
      if (v === null || v === undefined) return;
      const list = byTime.get(t) ?? [];
      list.push(v);
      byTime.set(t, list);
    };
    for (const i of g.members) {
      const ws = reports[i].series.windows;
      for (const w of ws) put(w.start, w[field]);
      const last = ws.at(-1);
      if (last && field === 'no_valid_host_cum') put(last.end, last.no_valid_host_cum);
    }
    for (const [time, vs] of [...byTime].sort((a, b) => a[0] - b[0])) {
      rows.push({
        label: g.label,
        time,
        mean: vs.reduce((a, b) => a + b, 0) / vs.length,
        lo: Math.min(...vs),
        hi: Math.max(...vs),
        seeds: vs.length,
      });
    }
  }
  return rows;
}

/** A line (the mean over seeds) over trace time per group, with the seeds' min-max band. */
function timeChart(
  reports: readonly Report[],
  groups: readonly SeedGroup[],
  field: WindowField,
  id: string,
  title: string,
  caption: string,
  yTitle: string,
  kind: 'share' | 'number',
): Chart {
  const values = bandRows(reports, groups, field);
  const axis = axisProps(
    values.flatMap((r) => [r.lo as number, r.hi as number]),
    kind,
  );
  const seeded = groups.some((g) => g.members.length > 1);
  const color = groupColor(groups);
  const y = { type: 'quantitative', title: yTitle, axis } as const;
  const x = {
    field: 'time',
    type: 'quantitative',
    title: 'trace time (s)',
    axis: { format: ',~r' },
  } as const;
  return {
    id,
    title,
    caption: seeded ? `${caption} Line: mean over seeds; band: their min to max.` : caption,
    spec: {
      $schema: SCHEMA,
      width: WIDTH,
      height: HEIGHT,
      data: { values },
      // Stroke symbols at full opacity: the band's area would otherwise fade the legend.
      encoding: {
        x,
        color: {
          ...color,
          legend: { ...color.legend, symbolType: 'stroke', symbolOpacity: 1, symbolStrokeWidth: 2 },
        },
      },
      layer: [
        ...(seeded
          ? [
              {
                mark: { type: 'area', interpolate: 'step-after', opacity: 0.18 },
                encoding: { y: { ...y, field: 'lo' }, y2: { field: 'hi' } },
              } as const,
            ]
          : []),
        {
          mark: { type: 'line', interpolate: 'step-after', strokeWidth: 1.5 },
          encoding: { y: { ...y, field: 'mean' } },
        },
      ],
    } as TopLevelSpec,
  };
}

/** Latency percentiles per group, each the mean over the group's seeds. */
function latencyChart(reports: readonly Report[], groups: readonly SeedGroup[]): Chart {
  const values: Row[] = [];
  // A report without a driver call has no distribution (no percentiles): it is left out.
  const measured = (i: number) => reports[i].performance.latency_us.percentiles.length > 0;
  for (const g of groups) {
    const members = g.members.filter(measured);
    if (members.length === 0) continue;
    const ps = reports[members[0]].performance.latency_us.percentiles;
    ps.forEach((p, k) => {
      const us = members.map((i) => reports[i].performance.latency_us.percentiles[k]?.us ?? p.us);
      const mean = us.reduce((a, b) => a + b, 0) / us.length;
      values.push({ label: g.label, percentile: `p${p.percentile}`, us: Math.max(mean, 0.001) });
    });
  }
  const first = reports.find((r) => r.performance.latency_us.percentiles.length > 0);
  const order = first?.performance.latency_us.percentiles.map((p) => `p${p.percentile}`) ?? [];
  return {
    id: 'latency',
    title: 'Decision latency distribution',
    caption: 'Driver-call latency by percentile (HDR histogram, log scale), the mean over seeds.',
    spec: {
      $schema: SCHEMA,
      width: WIDTH,
      height: HEIGHT,
      data: { values },
      mark: { type: 'line', point: true, strokeWidth: 1.5 },
      encoding: {
        x: {
          field: 'percentile',
          type: 'ordinal',
          sort: order,
          title: 'percentile',
          axis: { labelAngle: 0 },
        },
        y: {
          field: 'us',
          type: 'quantitative',
          scale: { type: 'log' },
          title: 'latency (µs)',
          axis: { format: '~s' },
        },
        color: groupColor(groups),
      },
    },
  };
}

/**
 * The report's plots, one colour per seed group: utilisation, active hosts, fragmentation and
 * cumulative NoValidHost over trace time (GPU utilisation too on a GPU cluster), then the
 * breakdowns (NoValidHost by flavor and cause, per-host spread, the funnel) and the latency.
 */
export function buildCharts(reports: readonly Report[], groups: readonly SeedGroup[]): Chart[] {
  const t = (
    field: WindowField,
    id: string,
    title: string,
    caption: string,
    y: string,
    kind: 'share' | 'number',
  ) => timeChart(reports, groups, field, id, title, caption, y, kind);
  const gpu = reports.some((r) => r.quality.gpu !== undefined);
  return [
    t(
      'util_ram',
      'util-ram',
      'RAM utilisation over time',
      'Used RAM over schedulable RAM, whole cluster, mean per window.',
      'RAM utilisation',
      'share',
    ),
    t(
      'util_cpu',
      'util-cpu',
      'vCPU utilisation over time',
      'Used vCPUs over schedulable vCPUs, whole cluster, mean per window.',
      'vCPU utilisation',
      'share',
    ),
    ...(gpu
      ? [
          t(
            'util_gpu',
            'util-gpu',
            'GPU utilisation over time',
            'Allocated GPU share over GPU capacity, mean per window.',
            'GPU utilisation',
            'share',
          ),
          t(
            'gpus_allocated',
            'gpus-allocated',
            'GPUs allocated over time',
            'GPUs allocated at each window’s end (fractional shares summed).',
            'GPUs allocated',
            'number',
          ),
        ]
      : []),
    t(
      'active_hosts',
      'active-hosts',
      'Active hosts over time',
      'Hosts holding at least one instance (the density and power proxy), mean per window.',
      'active hosts',
      'number',
    ),
    t(
      'no_valid_host_cum',
      'nvh-cum',
      'Cumulative NoValidHost over time',
      'Instances that ended in NoValidHost up to each window’s end.',
      'NoValidHost (cumulative)',
      'number',
    ),
    t(
      'fragmentation_ram',
      'fragmentation-ram',
      'RAM fragmentation over time',
      'Share of free RAM that the trace’s own request shapes could not use, at each window’s end.',
      'fragmented share of free RAM',
      'share',
    ),
    ...breakdownCharts(reports, groups),
    latencyChart(reports, groups),
  ];
}

/** The thread that renders charts (see there). */
const SVG_WORKER = new URL('./svg-worker.mjs', import.meta.url);

/**
 * Render charts to standalone SVG strings, in Node, with no browser and no network, in order. Vega
 * (about 50 MB) is loaded on a thread started for the call and gone after it, so a replay runs
 * without it in memory.
 */
export function renderSvgs(charts: readonly Chart[]): Promise<string[]> {
  const specs = charts.map((c) => vegaSafe(c.spec));
  const worker = new Worker(SVG_WORKER, { workerData: specs, execArgv: [] });
  return new Promise((resolve, reject) => {
    worker.once('message', (svgs: string[]) => resolve(svgs));
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the chart renderer stopped (exit code ${code})`)));
  });
}

/**
 * The spec with every string that names an Object.prototype member (a strategy or filter called
 * `constructor`, `toString`, `__proto__`) led by a word joiner (U+2060, shown as nothing): vega
 * groups and sorts values in plain objects, where such a value finds the prototype's member and
 * the dataflow fails. Field names and mark types are none of these, so only user text changes.
 */
export function vegaSafe<T>(spec: T): T {
  const safe = (v: unknown): unknown => {
    if (typeof v === 'string') return v === '__proto__' || v in Object.prototype ? `\u2060${v}` : v;
    if (Array.isArray(v)) return v.map(safe);
    if (v === null || typeof v !== 'object') return v;
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, safe(x)]));
  };
  return safe(spec) as T;
}

/** Render one chart to a standalone SVG string (see renderSvgs). */
export async function renderSvg(chart: Chart): Promise<string> {
  return (await renderSvgs([chart]))[0];
}
