import { relative } from 'node:path';
import type { MatrixCell, RunInputs, RunSummary } from '../report/run-files.ts';
import { runSummarySchema } from '../report/run-files.ts';
import type { CellOutcome } from './run-matrix.ts';
import type { Shard } from './shards.ts';
import type { PreparedTrace } from './shared-traces.ts';

/** What run.json says about the run as a whole, besides its own cells. */
export interface RunContext {
  /** The folder run.json is written to: output paths are written relative to it. */
  readonly outDir: string;
  readonly workers: number;
  readonly shard: Shard | undefined;
  readonly matrix: readonly MatrixCell[];
  readonly inputs: RunInputs;
}

/** The run summary of a matrix run's (or a shard's) outcomes. */
export function runSummary(
  outcomes: readonly CellOutcome[],
  traces: readonly PreparedTrace[],
  run: RunContext,
): RunSummary {
  const count = (s: CellOutcome['status']) => outcomes.filter((o) => o.status === s).length;
  const cancelled = count('cancelled');
  const failed = count('failed');
  const inOut = (path: string | undefined) => (path === undefined ? null : relative(run.outDir, path));
  return runSummarySchema.parse({
    schema_version: 2,
    status: cancelled > 0 ? 'interrupted' : failed > 0 ? 'failed' : 'ok',
    workers: run.workers,
    shard: run.shard ?? null,
    merged_shards: [],
    matrix: run.matrix,
    inputs: run.inputs,
    counts: { cells: outcomes.length, ok: count('ok'), failed, cancelled },
    traces: traces.map((t) => ({ path: t.path, rows: t.rows, shared: t.shared !== undefined, note: t.note })),
    cells: outcomes.map(({ cell, status, reportPath, placementsPath, error }) => ({
      index: cell.index,
      name: cell.name,
      status,
      strategy: cell.strategy,
      trace: cell.tracePath,
      config: cell.configPath ?? null,
      seed: cell.seed ?? null,
      sets: cell.sets,
      coords: cell.coords,
      report: inOut(reportPath),
      placements: status === 'ok' ? inOut(placementsPath) : null,
      error: error ? { kind: error.kind, message: error.message } : null,
    })),
  });
}

/**
 * The exit code of a run, and the one message to print when every cell failed the same way:
 * 0 all cells done; 130 interrupted; when every cell failed with one and the same error, the code
 * that error has alone (2 bad input, usage or a failing plugin, 3 internal), so a bad trace, flag
 * or plugin reads the same in a matrix as in a single run; otherwise 1 (some cells failed: see
 * run.json).
 */
export function exitStatus(outcomes: readonly CellOutcome[]): { code: number; message?: string } {
  if (outcomes.some((o) => o.status === 'cancelled')) return { code: 130 };
  const failed = outcomes.filter((o) => o.status === 'failed');
  if (failed.length === 0) return { code: 0 };
  const first = failed[0].error!;
  const same = failed.length === outcomes.length && failed.every((o) => o.error!.message === first.message);
  if (same && (first.kind === 'input' || first.kind === 'usage' || first.kind === 'plugin'))
    return { code: 2, message: first.message };
  if (same && first.kind === 'internal') return { code: 3, message: `internal error: ${first.message}` };
  // A single cell that failed otherwise (its worker died, a timeout) still says why.
  if (outcomes.length === 1) return { code: 1, message: first.message };
  return { code: 1 };
}
