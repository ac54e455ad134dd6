import { z } from 'zod';

/** Bumped on any incompatible change; readers reject other versions. */
export const REPORT_SCHEMA_VERSION = 1;

const fileRef = z.object({ path: z.string(), sha256: z.string().regex(/^[0-9a-f]{64}$/) });
const count = z.int().nonnegative();
const share = z.number().min(0).max(1);
const perResource = <T extends z.ZodType>(t: T) => z.object({ cpu: t, ram: t, disk: t });
const policy = z.object({ placements: count, violations: count });
const softPolicy = z.object({ placements: count, satisfied: count, satisfaction_rate: share.nullable() });
const nullableShare = share.nullable();
const nullableNonNegative = z.number().nonnegative().nullable();
const hostQuantiles = z.object({
  min: z.number().nonnegative(),
  p10: z.number().nonnegative(),
  p25: z.number().nonnegative(),
  p50: z.number().nonnegative(),
  p75: z.number().nonnegative(),
  p90: z.number().nonnegative(),
  max: z.number().nonnegative(),
});

/** One window of the time series (docs/metrics.md, "Time series"). */
export const windowSchema = z.object({
  start: z.number(),
  end: z.number(),
  covered: z.number().nonnegative(),
  instances: count,
  placed: count,
  no_valid_host: count,
  no_valid_host_cum: count,
  no_valid_host_rate: nullableShare,
  util_cpu: z.number().nonnegative().nullable(),
  util_ram: z.number().nonnegative().nullable(),
  util_disk: z.number().nonnegative().nullable(),
  active_hosts: z.number().nonnegative().nullable(),
  fragmentation_cpu: nullableShare,
  fragmentation_ram: nullableShare,
  fragmentation_disk: nullableShare,
  /** Only on a cluster with GPUs. */
  util_gpu: z.number().nonnegative().nullable().optional(),
  gpus_allocated: z.number().nonnegative().nullable().optional(),
});

/** Why instances ended in NoValidHost (docs/explain.md): every report has it. */
export const noValidHostCausesSchema = z.object({
  /** Per filter that removed the last hosts (`none`: no filter did), most first. */
  by_filter: z.array(z.object({ filter: z.string(), instances: count })),
  /** The emptying filter's resource (RamFilter: ram, CoreFilter: vcpus...); `other` for the rest. */
  by_resource: z.object({ ram: count, vcpus: count, disk: count, gpus: count, other: count }),
  /** NoValidHost for a request no enabled, up host could take even on an empty cluster. */
  impossible_on_empty_cluster: count,
  /** The other NoValidHost: the cluster (or its filters) said no at the time. */
  capacity: count,
});

/**
 * The filter funnel summed over a replay's decisions: every decision with `run --explain`
 * (`every` 1), else a deterministic sample (the requests holding decision 1, every + 1, 2·every + 1...).
 */
export const aggregatedFunnelSchema = z.object({
  /** Decisions summed: the sample's size when sampled. */
  decisions: count,
  /** Optional: reports made before sampling were all `run --explain` (every 1, not sampled). */
  every: z.int().positive().optional(),
  sampled: z.boolean().optional(),
  steps: z.array(
    z.object({ filter: z.string(), decisions: count, hosts_in: count, hosts_out: count, emptied: count }),
  ),
});

/** The JSON report of one replay (strategy × trace × config × seed). */
export const reportSchema = z.object({
  schema_version: z.literal(REPORT_SCHEMA_VERSION),
  tool: z.object({ name: z.literal('schedbench'), version: z.string(), node: z.string() }),
  machine: z.object({ platform: z.string(), arch: z.string(), cpus: z.int(), cpu_model: z.string() }),
  created_at: z.string(),
  inputs: z.object({
    trace: fileRef,
    cluster: fileRef,
    hosts: z.int().nonnegative(),
    strategy: z.string(),
    seed: z.int(),
    config: z.record(z.string(), z.unknown()),
    on_bad_row: z.enum(['stop', 'skip']),
  }),
  placement: z.object({
    rows: z.int().nonnegative(),
    requests: z.int().nonnegative(),
    instances: z.int().nonnegative(),
    placed: z.int().nonnegative(),
    no_valid_host: z.int().nonnegative(),
    /** no_valid_host / instances; null without instances (so are the other ratios over 0). */
    no_valid_host_rate: nullableShare,
    retries: z.int().nonnegative(),
    claim_failures: z.int().nonnegative(),
    scheduling_errors: z.int().nonnegative(),
    delete_rows: z.int().nonnegative(),
    deletes_ignored: z.int().nonnegative(),
    departures: z.int().nonnegative(),
    released: z.int().nonnegative(),
    live_at_end: z.int().nonnegative(),
    end_time: z.number(),
    bad_rows_skipped: z.int().nonnegative(),
    bad_row_samples: z.array(z.string()),
    /** Trace time of the first instance that ended in NoValidHost; null when none did. */
    first_no_valid_host_time: z.number().nullable(),
    by_flavor: z.array(
      z.object({
        vcpus: count,
        memory_mb: count,
        disk_gb: count,
        /** Only on a cluster with GPUs. */
        gpus: count.optional(),
        gpu_milli: count.optional(),
        instances: count,
        placed: count,
        no_valid_host: count,
        no_valid_host_rate: share,
      }),
    ),
  }),
  /** Server-group policies: hard violations (0 when honoured) and soft satisfaction. */
  groups: z.object({
    affinity: policy,
    anti_affinity: policy,
    soft_affinity: softPolicy,
    soft_anti_affinity: softPolicy,
  }),
  /** Placement quality, time-weighted over [first row, end] (docs/metrics.md). */
  quality: z.object({
    span_s: z.number().nonnegative(),
    schedulable_hosts: count,
    /** Null for a resource the schedulable hosts have none of, and for a replay of no row. */
    utilisation: perResource(nullableNonNegative),
    /**
     * The busy period, from the first to the last arrival (docs/metrics.md), the time-weighted
     * utilisation over it (the drain after the last arrival does not dilute it) and the
     * utilisation arrivals saw (quiet stretches do not dilute it either). Null without
     * arrivals; optional so that reports made before it existed still read.
     */
    busy_period: z
      .object({
        start: z.number(),
        end: z.number(),
        duration_s: z.number().nonnegative(),
        utilisation: perResource(nullableNonNegative),
        /** The mean, over arriving instances, of the utilisation just before each was placed. */
        arrival_utilisation: perResource(nullableNonNegative),
      })
      .nullable()
      .optional(),
    active_utilisation: perResource(z.number().nonnegative().nullable()),
    /** `mean` is null for a replay of no row. */
    active_hosts: z.object({ mean: nullableNonNegative, max: count }),
    balance_cv: perResource(z.number().nonnegative().nullable()),
    /** Null where nothing of the resource was free, or the trace has no shape. */
    fragmentation: perResource(nullableShare),
    /** Distinct request shapes in the trace (the fragmentation's workload). */
    shapes: count,
    /**
     * Quantiles of each host's mean utilisation (docs/metrics.md, "Per-host spread"). Optional:
     * absent when no window ended, and in reports made before it existed.
     */
    host_utilisation: z.object({ hosts: count, cpu: hostQuantiles, ram: hostQuantiles }).optional(),
    /** GPUs (docs/metrics.md, "GPUs"): only on a cluster with GPUs. */
    gpu: z
      .object({
        capacity_gpus: z.number().nonnegative(),
        /** Null when the schedulable hosts have no GPU (utilisation also for a replay of no row). */
        utilisation: nullableShare,
        peak_utilisation: nullableShare,
        arrived_gpus: z.number().nonnegative(),
        allocated_gpus: z.number().nonnegative(),
        allocation_rate: nullableShare,
        unallocated_gpus: z.number().nonnegative(),
        /** Null when the trace has no task to take the expectation over. */
        fragmentation_gpus: nullableNonNegative,
        fragmentation_rate: nullableShare,
        /**
         * The FGD paper's plot: allocated GPU % against arrived GPU demand, one point per whole
         * percent. Always written; optional so that reports made before it existed still read.
         */
        allocation_curve: z
          .array(z.object({ arrived_pct: count, allocated_pct: z.number().nonnegative() }))
          .optional(),
      })
      .optional(),
  }),
  contract: z.object({
    instance_action_events: z.int().nonnegative(),
    instance_action_success: z.int().nonnegative(),
    instance_action_error: z.int().nonnegative(),
    vm_state_error: z.int().nonnegative(),
    notifications_start: z.int().nonnegative(),
    notifications_end: z.int().nonnegative(),
    notifications_error: z.int().nonnegative(),
    /** The contract identities that do not hold (docs/metrics.md, "Contract"); empty when all do. */
    mismatches: z.array(z.string()),
  }),
  /** Rates over a denominator of 0 (no driver time, no decision...) are null. */
  performance: z.object({
    decisions: z.int().nonnegative(),
    driver_calls: z.int().nonnegative(),
    driver_ms: z.number().nonnegative(),
    decisions_per_s: nullableNonNegative,
    ns_per_decision: nullableNonNegative,
    host_evaluations: z.int().nonnegative(),
    host_evaluations_per_s: nullableNonNegative,
    ns_per_host_evaluation: nullableNonNegative,
    wall_ms: z.number().nonnegative(),
    /**
     * CPU time (user + system, ms) of the process during the replay: robust to other load on the
     * machine, unlike wall_ms and decisions_per_s. Absent in reports written before it existed.
     */
    cpu_ms: z.number().nonnegative().optional(),
    /** decisions / cpu_ms: a lower bound on the decision rate (the CPU time includes the whole replay). */
    decisions_per_cpu_s: nullableNonNegative.optional(),
    rows_per_s: nullableNonNegative,
    peak_rss_mb: z.number().nonnegative(),
    /**
     * One value per driver call, from an HDR histogram (3 significant digits), in microseconds.
     * Without a driver call the statistics are null and `percentiles` is empty.
     */
    latency_us: z.object({
      count,
      mean: nullableNonNegative,
      p50: nullableNonNegative,
      p90: nullableNonNegative,
      p99: nullableNonNegative,
      max: nullableNonNegative,
      percentiles: z.array(
        z.object({ percentile: z.number().min(0).max(100), us: z.number().nonnegative() }),
      ),
    }),
    /** The calibration loop measured in the same run (docs/check.md); null when not measured. */
    calibration: z
      .object({ ops_per_s: z.number().positive(), samples: z.int().positive(), spread: z.number().min(1) })
      .nullable(),
  }),
  /** Per-window time series over trace time (docs/metrics.md, "Time series"). */
  series: z.object({
    origin: z.number(),
    window_s: z.number().positive(),
    windows: z.array(windowSchema),
  }),
  /**
   * Why decisions went as they did (docs/explain.md): the NoValidHost causes, and the funnel (null
   * when the strategy cannot explain its decisions, `funnel_missing` saying why). Optional: reports
   * made before it still read.
   */
  explain: z
    .object({
      no_valid_host_causes: noValidHostCausesSchema,
      funnel: aggregatedFunnelSchema.nullable(),
      funnel_missing: z.string().nullable().optional(),
    })
    .optional(),
});

export type Report = z.output<typeof reportSchema>;
