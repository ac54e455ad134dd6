import { z } from 'zod';

/** Bumped on any incompatible change; readers reject other versions. */
export const REPORT_SCHEMA_VERSION = 1;

const fileRef = z.object({ path: z.string(), sha256: z.string().regex(/^[0-9a-f]{64}$/) });

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
    no_valid_host_rate: z.number().min(0).max(1),
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
  }),
  contract: z.object({
    instance_action_events: z.int().nonnegative(),
    instance_action_success: z.int().nonnegative(),
    instance_action_error: z.int().nonnegative(),
    vm_state_error: z.int().nonnegative(),
    notifications_start: z.int().nonnegative(),
    notifications_end: z.int().nonnegative(),
    notifications_error: z.int().nonnegative(),
  }),
  performance: z.object({
    decisions: z.int().nonnegative(),
    driver_calls: z.int().nonnegative(),
    driver_ms: z.number().nonnegative(),
    decisions_per_s: z.number().nonnegative(),
    ns_per_decision: z.number().nonnegative(),
    host_evaluations: z.int().nonnegative(),
    host_evaluations_per_s: z.number().nonnegative(),
    ns_per_host_evaluation: z.number().nonnegative(),
    wall_ms: z.number().nonnegative(),
    rows_per_s: z.number().nonnegative(),
    peak_rss_mb: z.number().nonnegative(),
  }),
});

export type Report = z.output<typeof reportSchema>;
