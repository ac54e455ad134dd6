import type { TopLevelSpec } from 'vega-lite';
import { formatInt, sig } from '../format.ts';
import type { Report } from '../schema.ts';
import { axisProps } from './axis-format.ts';
import { type Chart, groupColor, HEIGHT, type Row, SCHEMA, WIDTH } from './chart-common.ts';
import type { SeedGroup } from './seed-groups.ts';

const mean = (xs: readonly number[]) => (xs.length > 0 ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);

/** A flavor shape as a reader names it: `4 vCPU 8 GiB 40 GB` (+ GPUs). */
export function flavorName(f: Report['placement']['by_flavor'][number]): string {
  const gib = f.memory_mb / 1024;
  const ram = Number.isInteger(gib) ? `${gib} GiB` : `${f.memory_mb} MB`;
  const gpu = f.gpus ? ` ${f.gpus} GPU` : f.gpu_milli ? ` ${f.gpu_milli / 1000} GPU` : '';
  return `${f.vcpus} vCPU ${ram} ${f.disk_gb} GB${gpu}`;
}

/** NoValidHost per flavor (the most failing shapes), mean over seeds, grouped bars per strategy. */
function byFlavorChart(reports: readonly Report[], groups: readonly SeedGroup[]): Chart | undefined {
  const totals = new Map<string, number>();
  for (const r of reports)
    for (const f of r.placement.by_flavor)
      if (f.no_valid_host > 0) totals.set(flavorName(f), (totals.get(flavorName(f)) ?? 0) + f.no_valid_host);
  if (totals.size === 0) return undefined;
  const top = [...totals]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 12)
    .map(([name]) => name);
  const values: Row[] = [];
  for (const g of groups)
    for (const name of top) {
      const per = g.members.map(
        (i) => reports[i].placement.by_flavor.find((f) => flavorName(f) === name)?.no_valid_host ?? 0,
      );
      values.push({ label: g.label, flavor: name, nvh: mean(per) });
    }
  return {
    id: 'nvh-flavor',
    title: 'NoValidHost by flavor',
    caption: `Instances that ended in NoValidHost per flavor shape (the ${top.length} most failing), mean over seeds.`,
    spec: {
      $schema: SCHEMA,
      width: WIDTH,
      height: HEIGHT,
      data: { values },
      mark: { type: 'bar' },
      encoding: {
        x: {
          field: 'flavor',
          type: 'nominal',
          sort: top,
          title: 'flavor',
          axis: { labelAngle: -30, labelLimit: 240 },
        },
        xOffset: { field: 'label', type: 'nominal', scale: { domain: groups.map((g) => g.label) } },
        y: {
          field: 'nvh',
          type: 'quantitative',
          title: 'NoValidHost instances',
          axis: axisProps(
            values.map((v) => v.nvh as number),
            'number',
          ),
        },
        color: groupColor(groups),
      },
    },
  };
}

/** NoValidHost by the filter that removed the last hosts, stacked per strategy. */
function byCauseChart(reports: readonly Report[], groups: readonly SeedGroup[]): Chart | undefined {
  const values: Row[] = [];
  const filters: string[] = [];
  const notes: string[] = [];
  for (const g of groups) {
    const causes = g.members
      .map((i) => reports[i].explain?.no_valid_host_causes)
      .filter((c) => c !== undefined);
    if (causes.length === 0) continue;
    const names = [...new Set(causes.flatMap((c) => c.by_filter.map((f) => f.filter)))];
    for (const filter of names) {
      if (!filters.includes(filter)) filters.push(filter);
      const n = mean(causes.map((c) => c.by_filter.find((f) => f.filter === filter)?.instances ?? 0));
      if (n > 0) values.push({ label: g.label, filter, nvh: n });
    }
    const impossible = mean(causes.map((c) => c.impossible_on_empty_cluster));
    const capacity = mean(causes.map((c) => c.capacity));
    if (impossible > 0) notes.push(`${g.label} ${sig(impossible, 3)} of ${sig(impossible + capacity, 3)}`);
  }
  if (values.length === 0) return undefined;
  return {
    id: 'nvh-cause',
    title: 'NoValidHost by cause',
    caption: `The filter that removed the last hosts, mean over seeds (docs/explain.md). ${
      notes.length > 0
        ? `Impossible even on an empty cluster: ${notes.join('; ')}.`
        : 'Each could have fit on an empty cluster: all are capacity failures.'
    }`,
    spec: {
      $schema: SCHEMA,
      width: WIDTH,
      height: Math.max(60, 28 * groups.length),
      data: { values },
      mark: { type: 'bar' },
      encoding: {
        y: {
          field: 'label',
          type: 'nominal',
          title: null,
          sort: groups.map((g) => g.label),
          axis: { labelLimit: 260 },
        },
        x: {
          field: 'nvh',
          type: 'quantitative',
          title: 'NoValidHost instances',
          axis: axisProps(
            values.map((v) => v.nvh as number),
            'number',
            8,
          ),
        },
        color: {
          field: 'filter',
          type: 'nominal',
          title: 'emptied by',
          legend: { labelLimit: 360 },
          scale: { domain: filters },
        },
      },
    },
  };
}

/** Box plot of each host's mean utilisation (quality.host_utilisation), vCPU and RAM. */
function hostSpreadChart(reports: readonly Report[], groups: readonly SeedGroup[]): Chart | undefined {
  const values: Row[] = [];
  for (const g of groups) {
    const spreads = g.members.map((i) => reports[i].quality.host_utilisation).filter((s) => s !== undefined);
    if (spreads.length === 0) continue;
    for (const resource of ['cpu', 'ram'] as const) {
      const q = (k: keyof (typeof spreads)[number]['cpu']) => mean(spreads.map((s) => s[resource][k]));
      values.push({
        label: g.label,
        resource: resource === 'cpu' ? 'vCPU' : 'RAM',
        min: q('min'),
        p25: q('p25'),
        p50: q('p50'),
        p75: q('p75'),
        max: q('max'),
      });
    }
  }
  if (values.length === 0) return undefined;
  const y = {
    field: 'label',
    type: 'nominal',
    title: null,
    sort: groups.map((g) => g.label),
    axis: { labelLimit: 260 },
  } as const;
  const axis = axisProps(
    values.map((v) => v.max as number),
    'share',
    8,
  );
  const x = (field: string) =>
    ({
      field,
      type: 'quantitative',
      title: 'mean utilisation of a host',
      axis,
    }) as const;
  return {
    id: 'host-spread',
    title: 'Per-host utilisation spread',
    caption:
      'Each host’s mean utilisation over the replay: whiskers min to max, box the middle half, tick the median (quantiles averaged over seeds). Packing widens the box; spreading narrows it.',
    spec: {
      $schema: SCHEMA,
      data: { values },
      facet: { row: { field: 'resource', type: 'nominal', title: null, sort: ['vCPU', 'RAM'] } },
      spec: {
        width: WIDTH,
        height: Math.max(40, 26 * groups.length),
        encoding: { y, color: groupColor(groups) },
        layer: [
          { mark: { type: 'rule' }, encoding: { x: x('min'), x2: { field: 'max' } } },
          { mark: { type: 'bar', size: 14, opacity: 0.6 }, encoding: { x: x('p25'), x2: { field: 'p75' } } },
          { mark: { type: 'tick', color: '#222', size: 14, thickness: 2 }, encoding: { x: x('p50') } },
        ],
      },
    } as TopLevelSpec,
  };
}

/** The aggregated filter funnel (sampled, or every decision with run --explain): mean hosts left after each filter. */
function funnelChart(reports: readonly Report[], groups: readonly SeedGroup[]): Chart | undefined {
  const values: Row[] = [];
  const steps: string[] = ['all hosts'];
  for (const g of groups) {
    const funnels = g.members
      .map((i) => reports[i].explain?.funnel)
      .filter((f): f is NonNullable<typeof f> => f !== undefined && f !== null && f.decisions > 0);
    if (funnels.length === 0) continue;
    // Hosts into the first filter that ran: every host the decisions started from.
    const hostsIn = funnels.map((f) =>
      stepMean(
        f.steps.find((x) => x.decisions > 0),
        'hosts_in',
      ),
    );
    values.push({ label: g.label, step: 'all hosts', hosts: mean(hostsIn) });
    for (const s of funnels[0].steps) {
      if (s.decisions === 0) continue;
      if (!steps.includes(s.filter)) steps.push(s.filter);
      const per = funnels.map((f) =>
        stepMean(
          f.steps.find((x) => x.filter === s.filter),
          'hosts_out',
        ),
      );
      values.push({ label: g.label, step: s.filter, hosts: mean(per) });
    }
  }
  if (values.length === 0) return undefined;
  return {
    id: 'funnel',
    title: 'Filter funnel',
    caption: `Hosts left after each filter, mean per decision in which the filter ran, over ${funnelBasis(reports, groups)} (docs/explain.md).`,
    spec: {
      $schema: SCHEMA,
      width: WIDTH,
      height: HEIGHT,
      data: { values },
      mark: { type: 'line', point: true, strokeWidth: 1.5 },
      encoding: {
        x: { field: 'step', type: 'ordinal', sort: steps, title: null, axis: { labelAngle: -30 } },
        y: {
          field: 'hosts',
          type: 'quantitative',
          title: 'hosts (mean per decision)',
          axis: axisProps(
            values.map((v) => v.hosts as number),
            'number',
          ),
        },
        color: groupColor(groups),
      },
    },
  };
}

function stepMean(
  s: { decisions: number; hosts_in: number; hosts_out: number } | undefined,
  k: 'hosts_in' | 'hosts_out',
): number {
  return s && s.decisions > 0 ? s[k] / s.decisions : 0;
}

/** The plots that break a run down: each only when its data is in the reports. */
export function breakdownCharts(reports: readonly Report[], groups: readonly SeedGroup[]): Chart[] {
  return [
    byFlavorChart(reports, groups),
    byCauseChart(reports, groups),
    hostSpreadChart(reports, groups),
    funnelChart(reports, groups),
  ].filter((c): c is Chart => c !== undefined);
}

/** What the funnels summed: every decision (run --explain) or a sample, and how many. */
function funnelBasis(reports: readonly Report[], groups: readonly SeedGroup[]): string {
  const funnels = groups.flatMap((g) => g.members.map((i) => reports[i].explain?.funnel ?? undefined));
  const present = funnels.filter((f): f is NonNullable<typeof f> => f !== undefined && f.decisions > 0);
  const decisions = present.reduce((n, f) => n + f.decisions, 0);
  const sampled = present.some((f) => f.sampled);
  const every = Math.max(...present.map((f) => f.every ?? 1));
  return sampled
    ? `a sample of ${formatInt(decisions)} decisions (1 in ${formatInt(every)})`
    : `every decision (${formatInt(decisions)}, run --explain)`;
}
