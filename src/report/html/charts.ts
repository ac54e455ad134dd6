import type { TopLevelSpec } from 'vega-lite';
import type { Report } from '../schema.ts';

/** One plot of the HTML report. */
export interface Chart {
  readonly id: string;
  readonly title: string;
  /** What the reader should look at, one sentence. */
  readonly caption: string;
  readonly spec: TopLevelSpec;
}

type Row = Record<string, string | number | null>;

const WIDTH = 640;
const HEIGHT = 220;

/** A line chart over trace time, one line per report label. */
function timeChart(
  id: string,
  title: string,
  caption: string,
  rows: Row[],
  field: string,
  yTitle: string,
  yFormat?: string,
): Chart {
  return {
    id,
    title,
    caption,
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      width: WIDTH,
      height: HEIGHT,
      data: { values: rows },
      mark: { type: 'line', interpolate: 'step-after', strokeWidth: 1.5 },
      encoding: {
        x: { field: 'time', type: 'quantitative', title: 'trace time (s)' },
        y: { field, type: 'quantitative', title: yTitle, ...(yFormat ? { axis: { format: yFormat } } : {}) },
        color: { field: 'label', type: 'nominal', title: 'strategy', legend: { labelLimit: 360 } },
      },
    },
  };
}

/**
 * The report's plots, one line per report (labelled as `labels` says): utilisation, active hosts,
 * fragmentation and cumulative NoValidHost over trace time, and the latency distribution.
 */
export function buildCharts(reports: readonly Report[], labels: readonly string[]): Chart[] {
  const series: Row[] = [];
  const latency: Row[] = [];
  reports.forEach((r, i) => {
    for (const w of r.series.windows) {
      series.push({
        label: labels[i],
        time: w.start,
        util_cpu: w.util_cpu,
        util_ram: w.util_ram,
        active_hosts: w.active_hosts,
        nvh_cum: w.no_valid_host_cum,
        fragmentation_ram: w.fragmentation_ram,
      });
    }
    // Cumulative NoValidHost steps at each window's end.
    const last = r.series.windows.at(-1);
    if (last) series.push({ label: labels[i], time: last.end, nvh_cum: last.no_valid_host_cum });
    for (const p of r.performance.latency_us.percentiles) {
      latency.push({ label: labels[i], percentile: `p${p.percentile}`, us: Math.max(p.us, 0.001) });
    }
  });
  const order = reports[0]?.performance.latency_us.percentiles.map((p) => `p${p.percentile}`) ?? [];
  return [
    timeChart(
      'util-ram',
      'RAM utilisation over time',
      'Used RAM over schedulable RAM, whole cluster, mean per window.',
      series,
      'util_ram',
      'RAM utilisation',
      '.0%',
    ),
    timeChart(
      'util-cpu',
      'vCPU utilisation over time',
      'Used vCPUs over schedulable vCPUs, whole cluster, mean per window.',
      series,
      'util_cpu',
      'vCPU utilisation',
      '.0%',
    ),
    timeChart(
      'active-hosts',
      'Active hosts over time',
      'Hosts holding at least one instance (the density and power proxy), mean per window.',
      series,
      'active_hosts',
      'active hosts',
    ),
    timeChart(
      'nvh-cum',
      'Cumulative NoValidHost over time',
      'Instances that ended in NoValidHost up to each window’s end.',
      series,
      'nvh_cum',
      'NoValidHost (cumulative)',
    ),
    timeChart(
      'fragmentation-ram',
      'RAM fragmentation over time',
      'Share of free RAM that the trace’s own request shapes could not use, at each window’s end.',
      series,
      'fragmentation_ram',
      'fragmented share of free RAM',
      '.0%',
    ),
    {
      id: 'latency',
      title: 'Decision latency distribution',
      caption: 'Driver-call latency by percentile (HDR histogram, log scale).',
      spec: {
        $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
        width: WIDTH,
        height: HEIGHT,
        data: { values: latency },
        mark: { type: 'line', point: true, strokeWidth: 1.5 },
        encoding: {
          x: {
            field: 'percentile',
            type: 'ordinal',
            sort: order,
            title: 'percentile',
            axis: { labelAngle: 0 },
          },
          y: { field: 'us', type: 'quantitative', scale: { type: 'log' }, title: 'latency (µs)' },
          color: { field: 'label', type: 'nominal', title: 'strategy', legend: { labelLimit: 360 } },
        },
      },
    },
  ];
}

/**
 * Render a chart to a standalone SVG string, in Node, with no browser and no network. Vega is
 * loaded on first use (about 50 MB), so a replay runs without it in memory.
 */
export async function renderSvg(chart: Chart): Promise<string> {
  const [{ parse, View }, { compile }] = await Promise.all([import('vega'), import('vega-lite')]);
  const view = new View(parse(compile(chart.spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
