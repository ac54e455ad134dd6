import type { GpuSummary } from './gpu-usage.ts';
import type { HostSpreadSummary } from './host-spread.ts';
import type { LatencySummary } from './latency.ts';
import type { FlavorOutcome } from './outcomes.ts';

// What the metrics of one replay add to its report; docs/metrics.md defines every figure.

/** Three numbers, one per resource. */
export interface PerResource<T = number> {
  readonly cpu: T;
  readonly ram: T;
  readonly disk: T;
}

/** One window of the time series. Means are time-weighted over the part of the window replayed. */
export interface WindowPoint {
  readonly start: number;
  readonly end: number;
  /** Trace seconds of the window inside the replay's span. */
  readonly covered: number;
  /** Instances decided (placed or NoValidHost) in the window, by their request's trace time. */
  readonly instances: number;
  readonly placed: number;
  readonly no_valid_host: number;
  readonly no_valid_host_cum: number;
  readonly no_valid_host_rate: number | null;
  readonly util_cpu: number | null;
  readonly util_ram: number | null;
  readonly util_disk: number | null;
  readonly active_hosts: number | null;
  /** Sampled at the window's end (the last window: at the end of the replay). */
  readonly fragmentation_cpu: number | null;
  readonly fragmentation_ram: number | null;
  readonly fragmentation_disk: number | null;
  /** Only on a cluster with GPUs: allocated GPU share / capacity, time-weighted over the window. */
  readonly util_gpu?: number | null;
  /** Only on a cluster with GPUs: GPUs allocated at the window's end (as the fragmentation). */
  readonly gpus_allocated?: number | null;
}

export interface PolicySummary {
  readonly placements: number;
  readonly violations: number;
}

export interface SoftPolicySummary {
  readonly placements: number;
  readonly satisfied: number;
  readonly satisfaction_rate: number | null;
}

/**
 * The busy period: from the first to the last arrival (trace time), and utilisation over it (null
 * for a resource the schedulable hosts have none of).
 */
export interface BusyPeriod {
  readonly start: number;
  readonly end: number;
  /** Replay time covered between the two (end − start unless the trace's clock jumps back). */
  readonly duration_s: number;
  readonly utilisation: PerResource<number | null>;
  /** Mean over arriving instances of the utilisation just before each was placed. */
  readonly arrival_utilisation: PerResource<number | null>;
}

/** Everything the metrics add to a report (docs/metrics.md defines each figure). */
export interface MetricsSummary {
  readonly outcomes: {
    readonly placed: number;
    readonly no_valid_host: number;
    readonly first_no_valid_host_time: number | null;
    readonly by_flavor: FlavorOutcome[];
  };
  readonly groups: {
    readonly affinity: PolicySummary;
    readonly anti_affinity: PolicySummary;
    readonly soft_affinity: SoftPolicySummary;
    readonly soft_anti_affinity: SoftPolicySummary;
  };
  readonly quality: {
    readonly span_s: number;
    readonly schedulable_hosts: number;
    /** Null for a resource the schedulable hosts have none of, and for a replay of no row. */
    readonly utilisation: PerResource<number | null>;
    /** Null for a replay without arrivals. */
    readonly busy_period: BusyPeriod | null;
    readonly active_utilisation: PerResource<number | null>;
    /** `mean` is null for a replay of no row. */
    readonly active_hosts: { readonly mean: number | null; readonly max: number };
    readonly balance_cv: PerResource<number | null>;
    /** Null where nothing of the resource was free, or the trace has no request shape. */
    readonly fragmentation: PerResource<number | null>;
    readonly shapes: number;
    /** Quantiles of per-host mean utilisation; absent when no window ended. */
    readonly host_utilisation?: HostSpreadSummary;
    /** Only on a cluster with GPUs. */
    readonly gpu?: GpuSummary;
  };
  readonly latency: LatencySummary;
  readonly series: { readonly origin: number; readonly window_s: number; readonly windows: WindowPoint[] };
}
