import type { MetricDef } from './metric-catalog.ts';

/** Short column headers a reader recognises, for the summary metrics; the unit comes apart. */
const HEADERS: Readonly<Record<string, string>> = {
  instances: 'instances',
  placed: 'placed',
  novalidhost: 'NoValidHost',
  novalidhost_rate: 'NoValidHost rate',
  first_novalidhost_time: 'first NoValidHost',
  util_cpu: 'vCPU util.',
  util_ram: 'RAM util.',
  util_disk: 'disk util.',
  active_hosts_mean: 'active hosts',
  active_hosts_max: 'active hosts (max)',
  balance_cv_cpu: 'vCPU imbalance',
  balance_cv_ram: 'RAM imbalance',
  fragmentation_ram: 'RAM fragm.',
  fragmentation_cpu: 'vCPU fragm.',
  anti_affinity_violations: 'anti-affinity violations',
  affinity_violations: 'affinity violations',
  soft_affinity_satisfaction: 'soft affinity kept',
  soft_anti_affinity_satisfaction: 'soft anti-affinity kept',
  decisions_per_s: 'decisions/s',
  decisions_per_cpu_s: 'decisions/CPU s',
  latency_p50_us: 'latency p50',
  latency_p99_us: 'latency p99',
  util_gpu: 'GPU util.',
  gpu_allocation_rate: 'GPU allocation',
  unallocated_gpus: 'GPUs unallocated',
  gpu_fragmentation: 'GPU fragm.',
};

/**
 * A metric's column header and unit for a table a person reads: `RAM util.` and `%`. The id
 * (`util_ram`) stays for the tooltip and for `compare` and `check`.
 */
export function columnLabel(def: MetricDef): { readonly header: string; readonly unit: string } {
  const header = HEADERS[def.name] ?? def.name.replaceAll('_', ' ');
  // A share's cells carry their `%`; a unit the header already says is not repeated.
  const unit =
    def.format === 'share' || header.includes(def.unit)
      ? ''
      : def.unit === 'count'
        ? ''
        : def.unit === 's (trace time)'
          ? 's'
          : def.unit === 'ratio'
            ? 'CV'
            : def.unit;
  return { header, unit };
}
