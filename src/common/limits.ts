// The bounds every input is validated against at the edge (cluster file, run config, --set, trace
// row), kept in one place so the README's "Failure modes" limits and the code cannot drift apart.
// Each bound keeps every metric finite: the largest product the replay forms (a size times a ratio,
// summed over every host) stays far below Number.MAX_VALUE, so no metric can become NaN.

/** Allocation ratios (cpu, ram, disk): finite, greater than 0, at most this. */
export const MAX_ALLOCATION_RATIO = 1000;

/** vcpus, memory_mb, disk_gb and reserved amounts (cluster) and flavor fields (trace): integers from 0. */
export const MAX_SIZE = 1_000_000_000_000;

/** Trace `time` (either sign) and `duration`, in seconds: at most this in absolute value (about 31,700 years). */
export const MAX_TRACE_SECONDS = 1_000_000_000_000;

/** Nova's `[scheduler] max_attempts`: scheduling passes per instance (a larger value only loops). */
export const MAX_ATTEMPTS = 1000;

/** Nova's `[scheduler] max_placement_results` default. */
export const DEFAULT_MAX_PLACEMENT_RESULTS = 1000;

/** `max_placement_results`: at most the host limit (more could never be returned). */
export const MAX_PLACEMENT_RESULTS = 1_000_000;

/** Hosts in a cluster, over `hosts` and every group's `count` together. */
export const MAX_HOSTS = 1_000_000;

/** GPUs of one host (cluster `gpus`) and of one instance (trace `gpus`): the instance table keeps a 64-bit mask. */
export const MAX_GPUS = 64;

/** One GPU in thousandths: trace `gpu_milli` is a share of each GPU, 1..1000. */
export const GPU_MILLI = 1000;

/** Instances of one trace row (`count`). */
export const MAX_ROW_COUNT = 1_000_000;

/** Scheduler workers of the `caching` strategy (each holds its own copy of host usage). */
export const MAX_SCHEDULER_WORKERS = 1000;

/** Weigher multipliers: finite, at most this in absolute value. */
export const MAX_MULTIPLIER = 1_000_000;

/** Files read whole (cluster, config, thresholds, reports). */
export const MAX_WHOLE_FILE_BYTES = 256 * 1024 * 1024;

/** One line (record) of a trace CSV; a longer one is refused with its line number. */
export const MAX_TRACE_LINE_BYTES = 1024 * 1024;

/** YAML alias expansions in one structured file (an alias bomb is refused, not expanded). */
export const MAX_YAML_ALIASES = 1000;

/** A value echoed in an error message is cut to this many characters (plus an ellipsis). */
export const MAX_ECHOED_VALUE = 80;
