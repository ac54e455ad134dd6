import { z } from 'zod';

// The JSON files a run folder holds besides the reports, so reading a folder can tell them apart.

const cellErrorSchema = z.object({
  kind: z.enum(['input', 'usage', 'plugin', 'cancelled', 'internal', 'worker', 'timeout']),
  message: z.string(),
});

const fileDigest = z.object({ path: z.string(), sha256: z.string().regex(/^[0-9a-f]{64}$/) });

/** One cell of the whole matrix, as every shard's run.json lists it (what merge compares). */
const matrixCellSchema = z.object({
  index: z.int().nonnegative(),
  name: z.string(),
  /** The shard (1-based) that runs it; 1 when the run is not sharded. */
  shard: z.int().positive(),
  strategy: z.string(),
  trace: z.string(),
  config: z.string().nullable(),
  seed: z.int().nullable(),
  sets: z.record(z.string(), z.unknown()),
});

/** What a run read besides the traces' rows: shards of one matrix must agree on all of it. */
const runInputsSchema = z.object({
  tool_version: z.string(),
  cluster: fileDigest,
  configs: z.array(fileDigest),
  plugins: z.array(fileDigest),
  traces: z.array(z.object({ path: z.string(), bytes: z.int().nonnegative() })),
  on_bad_row: z.enum(['stop', 'skip']),
  /** `--trace-format` and the transforms; null for plain canonical CSVs. */
  trace_input: z.object({ format: z.string(), transforms: z.record(z.string(), z.unknown()) }).nullable(),
});
export type RunInputs = z.output<typeof runInputsSchema>;
export type MatrixCell = z.output<typeof matrixCellSchema>;

/**
 * `run.json`: what a matrix run (or one shard of it, or a merge of shards) did, cell by cell; the
 * place to look for failed cells. Paths of outputs (`report`, `placements`) are relative to the
 * folder run.json is in, so a moved or merged folder still reads; input paths are as given.
 */
export const runSummarySchema = z.object({
  schema_version: z.literal(2),
  status: z.enum(['ok', 'failed', 'interrupted']),
  workers: z.int().positive(),
  /** `--shard K/N` of this folder; null when the run was not sharded (or for a merge). */
  shard: z.object({ index: z.int().positive(), count: z.int().positive() }).nullable(),
  /** Shards a merged folder was made of (1..N); empty when not a merge. */
  merged_shards: z.array(z.int().positive()),
  /** Every cell of the whole matrix, whichever shard runs it. */
  matrix: z.array(matrixCellSchema),
  inputs: runInputsSchema,
  counts: z.object({ cells: z.int(), ok: z.int(), failed: z.int(), cancelled: z.int() }),
  traces: z.array(z.object({ path: z.string(), rows: z.int(), shared: z.boolean(), note: z.string() })),
  cells: z.array(
    z.object({
      index: z.int(),
      name: z.string(),
      status: z.enum(['ok', 'failed', 'cancelled']),
      strategy: z.string(),
      trace: z.string(),
      config: z.string().nullable(),
      seed: z.int().nullable(),
      sets: z.record(z.string(), z.unknown()),
      coords: z.record(z.string(), z.unknown()),
      report: z.string().nullable(),
      placements: z.string().nullable(),
      error: cellErrorSchema.nullable(),
    }),
  ),
});
export type RunSummary = z.output<typeof runSummarySchema>;

const probeSchema = z.object({
  hosts: z.int().nonnegative(),
  passed: z.boolean(),
  /** null for a trace without instances. */
  no_valid_host_rate: z.number().min(0).max(1).nullable(),
  no_valid_host: z.int().nonnegative(),
  instances: z.int().nonnegative(),
  /** Only on a cluster with GPUs: GPUs on the probed hosts, and GPUs placed / GPUs asked for. */
  gpus: z.int().nonnegative().optional(),
  gpu_allocation_rate: z.number().min(0).max(1).nullable().optional(),
});

/** `capacity.json`: per strategy, the smallest cluster prefix that places the trace within the target. */
export const capacityReportSchema = z.object({
  schema_version: z.literal(1),
  trace: z.string(),
  cluster: z.string(),
  total_hosts: z.int().nonnegative(),
  /** Only on a cluster with GPUs. */
  total_gpus: z.int().nonnegative().optional(),
  target_no_valid_host_rate: z.number().min(0).max(1),
  /** `--grow-with`: the shape added to the whole cluster (probes' `hosts` count the cluster with them). */
  grow_with: z
    .object({
      vcpus: z.int().nonnegative(),
      memory_mb: z.int().nonnegative(),
      disk_gb: z.int().nonnegative(),
      gpus: z.int().nonnegative(),
      gpu_model: z.string(),
      az: z.string().nullable(),
      max_added: z.int().nonnegative(),
    })
    .nullable()
    .default(null),
  strategies: z.array(
    z.object({
      strategy: z.string(),
      /** null: the trace does not fit even on every host (or the search failed: see error). */
      hosts: z.int().nonnegative().nullable(),
      /** Only on a cluster with GPUs: the GPUs of those hosts. */
      gpus: z.int().nonnegative().nullable().optional(),
      /** `--grow-with`: the fewest hosts of the shape to add (0: fits as it is); null: not within max_added. */
      added_hosts: z.int().nonnegative().nullable().default(null),
      non_monotone: z.boolean(),
      rounds: z.int().nonnegative(),
      probes: z.array(probeSchema),
      error: z.object({ kind: z.string(), message: z.string() }).nullable(),
    }),
  ),
});
export type CapacityReport = z.output<typeof capacityReportSchema>;
