import type { Report } from './schema.ts';

/**
 * How a metric moves with the machine's speed: `throughput` (per second: scales with speed),
 * `duration` (µs: scales inversely), or `none` (a count or share: independent of it).
 */
export type TimingKind = 'throughput' | 'duration' | 'none';

/** A scalar every report has, by the name `compare` and `check` use (docs/metrics.md). */
export interface MetricDef {
  readonly name: string;
  readonly description: string;
  /** Which way is better, for the reader of a comparison ('none': neither, e.g. balance). */
  readonly better: 'higher' | 'lower' | 'none';
  readonly timing: TimingKind;
  /** How to print it: an integer, a share (as %), or a number with a few significant digits. */
  readonly format: 'int' | 'share' | 'number';
  /** Its unit, as `schedbench metrics` shows it: `count`, `share` (0..1; a bound may say `2%`), `µs`, ... */
  readonly unit: string;
  /** The value, or null where it does not apply (e.g. no soft-affinity group in the trace). */
  value(r: Report): number | null;
}

const m = (
  name: string,
  description: string,
  better: MetricDef['better'],
  format: MetricDef['format'],
  value: (r: Report) => number | null,
  timing: TimingKind = 'none',
  unit: string = format === 'int' ? 'count' : format === 'share' ? 'share' : '',
): MetricDef => ({ name, description, better, format, value, timing, unit });

/*
 * A ratio over nothing (0/0) is null, n/a, never 0, so that no bound can hold on it (docs/metrics.md,
 * "No value"). Reports carry null there; the guards below also read reports written before they
 * did (with 0) from their own counts: no instance, no row, no shape, no GPU, no driver call.
 */

/** A figure over the replay's span: none for a replay of no row (no span, not even an instant). */
const overSpan = (r: Report, x: number | null | undefined): number | null =>
  r.placement.rows === 0 ? null : (x ?? null);

/** A figure of the trace's shape mix (fragmentation): none for a trace without a shape. */
const overShapes = (r: Report, x: number | null | undefined): number | null =>
  r.quality.shapes === 0 ? null : overSpan(r, x);

/** A share of the GPUs: none without schedulable GPUs. */
const overGpus = (r: Report, x: number | null | undefined): number | null =>
  !r.quality.gpu || r.quality.gpu.capacity_gpus === 0 ? null : (x ?? null);

/** A per-second rate of driver time: none without driver time. */
const perDriverSecond = (r: Report, x: number | null): number | null =>
  r.performance.driver_ms === 0 ? null : x;

/** A latency statistic: none without a driver call. */
const latency = (r: Report, x: number | null): number | null =>
  r.performance.latency_us.count === 0 ? null : x;

/** Every metric, in the order tables list them. */
export const METRICS: readonly MetricDef[] = [
  m('requests', 'create requests', 'none', 'int', (r) => r.placement.requests),
  m('instances', 'instances requested', 'none', 'int', (r) => r.placement.instances),
  m('placed', 'instances placed', 'higher', 'int', (r) => r.placement.placed),
  m('novalidhost', 'instances that ended in NoValidHost', 'lower', 'int', (r) => r.placement.no_valid_host),
  m('novalidhost_rate', 'NoValidHost / instances', 'lower', 'share', (r) =>
    r.placement.instances === 0 ? null : r.placement.no_valid_host_rate,
  ),
  m(
    'first_novalidhost_time',
    'trace time of the first NoValidHost (s)',
    'higher',
    'number',
    (r) => r.placement.first_no_valid_host_time,
    'none',
    's (trace time)',
  ),
  m('retries', 'reschedules after a failed claim', 'lower', 'int', (r) => r.placement.retries),
  m('claim_failures', 'claims refused by a compute node', 'lower', 'int', (r) => r.placement.claim_failures),
  m(
    'scheduling_errors',
    'instances failed by a raising filter',
    'lower',
    'int',
    (r) => r.placement.scheduling_errors,
  ),
  m(
    'contract_mismatches',
    'contract identities that do not hold',
    'lower',
    'int',
    (r) => r.contract.mismatches.length,
  ),
  m(
    'affinity_violations',
    'affinity placements away from the group',
    'lower',
    'int',
    (r) => r.groups.affinity.violations,
  ),
  m(
    'anti_affinity_violations',
    'anti-affinity placements next to a member',
    'lower',
    'int',
    (r) => r.groups.anti_affinity.violations,
  ),
  m(
    'soft_affinity_satisfaction',
    'soft-affinity placements that honour the policy',
    'higher',
    'share',
    (r) => r.groups.soft_affinity.satisfaction_rate,
  ),
  m(
    'soft_anti_affinity_satisfaction',
    'soft-anti-affinity placements that honour the policy',
    'higher',
    'share',
    (r) => r.groups.soft_anti_affinity.satisfaction_rate,
  ),
  m('util_cpu', 'time-weighted vCPU utilisation, whole cluster', 'higher', 'share', (r) =>
    overSpan(r, r.quality.utilisation.cpu),
  ),
  m('util_ram', 'time-weighted RAM utilisation, whole cluster', 'higher', 'share', (r) =>
    overSpan(r, r.quality.utilisation.ram),
  ),
  m('util_disk', 'time-weighted disk utilisation, whole cluster', 'higher', 'share', (r) =>
    overSpan(r, r.quality.utilisation.disk),
  ),
  m(
    'busy_util_cpu',
    'time-weighted vCPU utilisation from the first to the last arrival',
    'higher',
    'share',
    (r) => r.quality.busy_period?.utilisation.cpu ?? null,
  ),
  m(
    'busy_util_ram',
    'time-weighted RAM utilisation from the first to the last arrival',
    'higher',
    'share',
    (r) => r.quality.busy_period?.utilisation.ram ?? null,
  ),
  m(
    'busy_util_disk',
    'time-weighted disk utilisation from the first to the last arrival',
    'higher',
    'share',
    (r) => r.quality.busy_period?.utilisation.disk ?? null,
  ),
  m(
    'arrival_util_cpu',
    'cluster vCPU utilisation an arriving instance saw, mean over arrivals',
    'higher',
    'share',
    (r) => r.quality.busy_period?.arrival_utilisation.cpu ?? null,
  ),
  m(
    'arrival_util_ram',
    'cluster RAM utilisation an arriving instance saw, mean over arrivals',
    'higher',
    'share',
    (r) => r.quality.busy_period?.arrival_utilisation.ram ?? null,
  ),
  m(
    'arrival_util_disk',
    'cluster disk utilisation an arriving instance saw, mean over arrivals',
    'higher',
    'share',
    (r) => r.quality.busy_period?.arrival_utilisation.disk ?? null,
  ),
  m(
    'active_util_cpu',
    'time-weighted vCPU utilisation of active hosts',
    'higher',
    'share',
    (r) => r.quality.active_utilisation.cpu,
  ),
  m(
    'active_util_ram',
    'time-weighted RAM utilisation of active hosts',
    'higher',
    'share',
    (r) => r.quality.active_utilisation.ram,
  ),
  m(
    'active_util_disk',
    'time-weighted disk utilisation of active hosts',
    'higher',
    'share',
    (r) => r.quality.active_utilisation.disk,
  ),
  m(
    'active_hosts_mean',
    'time-weighted hosts holding an instance',
    'lower',
    'number',
    (r) => overSpan(r, r.quality.active_hosts.mean),
    'none',
    'hosts',
  ),
  m(
    'active_hosts_max',
    'most hosts holding an instance',
    'lower',
    'int',
    (r) => r.quality.active_hosts.max,
    'none',
    'hosts',
  ),
  m(
    'balance_cv_cpu',
    'CV of per-host vCPU utilisation',
    'none',
    'number',
    (r) => r.quality.balance_cv.cpu,
    'none',
    'ratio',
  ),
  m(
    'balance_cv_ram',
    'CV of per-host RAM utilisation',
    'none',
    'number',
    (r) => r.quality.balance_cv.ram,
    'none',
    'ratio',
  ),
  m(
    'balance_cv_disk',
    'CV of per-host disk utilisation',
    'none',
    'number',
    (r) => r.quality.balance_cv.disk,
    'none',
    'ratio',
  ),
  m('fragmentation_cpu', 'free vCPUs the trace’s shapes cannot use', 'lower', 'share', (r) =>
    overShapes(r, r.quality.fragmentation.cpu),
  ),
  m('fragmentation_ram', 'free RAM the trace’s shapes cannot use', 'lower', 'share', (r) =>
    overShapes(r, r.quality.fragmentation.ram),
  ),
  m('fragmentation_disk', 'free disk the trace’s shapes cannot use', 'lower', 'share', (r) =>
    overShapes(r, r.quality.fragmentation.disk),
  ),
  // GPUs: null (so left out of compare and summaries) on a cluster without GPUs.
  m('util_gpu', 'time-weighted GPU utilisation (allocated share / GPUs)', 'higher', 'share', (r) =>
    overGpus(r, overSpan(r, r.quality.gpu?.utilisation)),
  ),
  m('peak_util_gpu', 'highest GPU utilisation at any instant', 'higher', 'share', (r) =>
    overGpus(r, r.quality.gpu?.peak_utilisation),
  ),
  m(
    'gpu_allocation_rate',
    'GPUs placed / GPUs asked for (FGD)',
    'higher',
    'share',
    (r) => r.quality.gpu?.allocation_rate ?? null,
  ),
  m(
    'unallocated_gpus',
    'GPUs left unallocated once every row is read',
    'lower',
    'number',
    (r) => r.quality.gpu?.unallocated_gpus ?? null,
    'none',
    'GPUs',
  ),
  m(
    'gpu_fragmentation',
    'FGD expected GPU fragmentation then (GPUs)',
    'lower',
    'number',
    (r) => overShapes(r, r.quality.gpu?.fragmentation_gpus),
    'none',
    'GPUs',
  ),
  m('gpu_fragmentation_rate', 'FGD GPU fragmentation / unallocated GPUs', 'lower', 'share', (r) =>
    overShapes(r, r.quality.gpu?.fragmentation_rate),
  ),
  m(
    'decisions_per_s',
    'instance decisions per second inside the driver',
    'higher',
    'number',
    (r) => perDriverSecond(r, r.performance.decisions_per_s),
    'throughput',
    'decisions/s',
  ),
  m(
    'decisions_per_cpu_s',
    'instance decisions per CPU second of the whole replay (robust to machine load)',
    'higher',
    'number',
    (r) => (r.performance.cpu_ms === 0 ? null : (r.performance.decisions_per_cpu_s ?? null)),
    'throughput',
    'decisions/CPU s',
  ),
  m(
    'cpu_s',
    'CPU seconds of the process during the replay',
    'lower',
    'number',
    (r) => (r.performance.cpu_ms === undefined ? null : r.performance.cpu_ms / 1000),
    'duration',
    'CPU s',
  ),
  m(
    'host_evaluations_per_s',
    'host evaluations per second inside the driver',
    'higher',
    'number',
    (r) => perDriverSecond(r, r.performance.host_evaluations_per_s),
    'throughput',
    'evaluations/s',
  ),
  m(
    'latency_p50_us',
    'driver-call latency, median (µs)',
    'lower',
    'number',
    (r) => latency(r, r.performance.latency_us.p50),
    'duration',
    'µs',
  ),
  m(
    'latency_p90_us',
    'driver-call latency, p90 (µs)',
    'lower',
    'number',
    (r) => latency(r, r.performance.latency_us.p90),
    'duration',
    'µs',
  ),
  m(
    'latency_p99_us',
    'driver-call latency, p99 (µs)',
    'lower',
    'number',
    (r) => latency(r, r.performance.latency_us.p99),
    'duration',
    'µs',
  ),
  m(
    'latency_max_us',
    'driver-call latency, max (µs)',
    'lower',
    'number',
    (r) => latency(r, r.performance.latency_us.max),
    'duration',
    'µs',
  ),
  m(
    'rows_per_s',
    'trace rows per second, end to end',
    'higher',
    'number',
    (r) => (r.performance.wall_ms === 0 ? null : r.performance.rows_per_s),
    'throughput',
    'rows/s',
  ),
  m(
    'peak_rss_mb',
    'peak resident memory of the process (MB)',
    'lower',
    'number',
    (r) => r.performance.peak_rss_mb,
    'none',
    'MB',
  ),
  m(
    'calibration_ops_per_s',
    'speed of the calibration loop in the same run',
    'none',
    'number',
    (r) => r.performance.calibration?.ops_per_s ?? null,
    'none',
    'ops/s',
  ),
];

const BY_NAME = new Map(METRICS.map((d) => [d.name, d]));

/** Every metric name. */
export const METRIC_NAMES: readonly string[] = METRICS.map((d) => d.name);

export function metricByName(name: string): MetricDef | undefined {
  return BY_NAME.get(name);
}
