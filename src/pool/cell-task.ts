import type { Catalog } from '../catalog/catalog.ts';
import type { ClusterSpec } from '../cluster/cluster-spec.ts';
import { InputError, UsageError } from '../common/errors.ts';
import type { RunExplainOptions } from '../explain/run-recorder.ts';
import { type ShapeDistribution, scanShapes } from '../metrics/shapes.ts';
import { ReportSchemaError } from '../report/build-report.ts';
import type { Report } from '../report/schema.ts';
import { runReplayTask } from '../run/replay-task.ts';
import { PluginError } from '../scheduler/errors.ts';
import { type ColumnarTraceData, ColumnarTraceSource } from '../trace/columnar.ts';
import { CsvTraceSource } from '../trace/csv-reader.ts';
import { openTrace, type TraceInput } from '../trace/open-trace.ts';
import type { CellSpec } from './cells.ts';
import { CancelledError, MeteredSource, type TaskMeter } from './metered-source.ts';
import { readDigest, type SharedDigest } from './trace-digest.ts';

/**
 * Everything a worker needs for one replay, as plain data: it crosses to the worker by structured
 * clone, and the shared trace's columns and the meter words are SharedArrayBuffers (not copied).
 */
export interface CellTask {
  readonly cell: CellSpec;
  readonly clusterPath: string;
  /** The cluster (for a capacity probe, the first hosts of it). */
  readonly cluster: ClusterSpec;
  /** The trace parsed once, or undefined to stream `cell.tracePath` through csv-parse. */
  readonly trace: ColumnarTraceData | undefined;
  /** The trace's SHA-256 as the main thread hashes it meanwhile (trace-digest.ts); absent: hash it here. */
  readonly traceDigest?: SharedDigest;
  /** A streamed plain CSV's shape guess, made once for every task (see PreparedTrace). */
  readonly shapeGuess?: ShapeDistribution;
  readonly onBadRow: 'stop' | 'skip';
  readonly placementsPath: string | undefined;
  readonly meter: TaskMeter;
  /** The trace's format and stress transforms (`--trace-format`, `--shuffle`...); undefined: a plain CSV. */
  readonly traceInput?: TraceInput;
  /** `run --explain`: the cell's NDJSON file of explained decisions. */
  readonly explain?: RunExplainOptions;
}

/**
 * Why a cell failed: `input`/`usage` are the user's to fix, `plugin` is the user's plugin code
 * failing (or breaking the driver contract), `internal` is a bug in schedbench, `worker` means
 * its thread died, `timeout` that a decision or the cell ran past its limit (--decision-timeout,
 * --cell-timeout).
 */
export type CellErrorKind = 'input' | 'usage' | 'plugin' | 'cancelled' | 'internal' | 'worker' | 'timeout';

export interface CellError {
  readonly kind: CellErrorKind;
  readonly message: string;
  readonly stack?: string;
}

export type CellResult =
  | { readonly ok: true; readonly report: Report }
  | {
      readonly ok: false;
      readonly error: CellError;
      /** A finished replay whose report failed its schema: kept, written beside the reports. */
      readonly unvalidated?: unknown;
    };

/** Turn anything a replay threw into plain data that survives the trip back from a worker. */
export function cellError(err: unknown): CellError {
  if (err instanceof InputError) return { kind: 'input', message: err.message };
  if (err instanceof UsageError) return { kind: 'usage', message: err.message };
  if (err instanceof PluginError) return { kind: 'plugin', message: err.message };
  if (err instanceof CancelledError) return { kind: 'cancelled', message: 'cancelled' };
  const e = err as Error;
  return { kind: 'internal', message: e?.message ?? String(err), stack: e?.stack };
}

/**
 * One replay, as a worker runs it (and as tests run it in-process): look the strategy up, read the
 * rows from the shared columns or the file, replay, and return the report or the error. It never
 * throws, so one bad cell cannot take others down.
 */
export async function runCellTask(task: CellTask, registry: Catalog): Promise<CellResult> {
  const { cell } = task;
  try {
    const inner = task.trace
      ? new ColumnarTraceSource(task.trace)
      : openTrace(cell.tracePath, task.traceInput);
    // The request-shape distribution (for fragmentation) is read from the unmetered source, so it
    // counts neither as progress nor against cancellation; a shared trace reads it in milliseconds.
    // A plain CSV file is not read twice: the replay guesses the shapes from its bytes and checks.
    const plainCsv = !task.trace && inner instanceof CsvTraceSource;
    const shapes = plainCsv ? undefined : await scanShapes(inner);
    const report = await runReplayTask({
      shapes,
      plainCsv,
      shapeGuess: task.shapeGuess,
      ...(task.traceDigest ? { traceSha256: () => readDigest(task.traceDigest!) } : {}),
      clusterPath: task.clusterPath,
      cluster: task.cluster,
      tracePath: cell.tracePath,
      source: new MeteredSource(inner, task.meter),
      strategy: registry.get(cell.strategy),
      configPath: cell.configPath,
      sets: cell.sets,
      seed: cell.seed,
      onBadRow: task.onBadRow,
      placementsPath: task.placementsPath,
      heartbeat: task.meter.decisions,
      explain: task.explain,
    });
    return { ok: true, report };
  } catch (err) {
    if (err instanceof ReportSchemaError)
      return { ok: false, error: cellError(err), unvalidated: err.report };
    return { ok: false, error: cellError(err) };
  }
}
