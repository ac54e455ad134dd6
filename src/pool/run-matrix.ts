import { extname, join } from 'node:path';
import type { ClusterSpec } from '../cluster/cluster-spec.ts';
import { removeTempFiles, writeJsonAtomic } from '../common/atomic-write.ts';
import { onForcedExit } from '../common/process-guard.ts';
import type { Report } from '../report/schema.ts';
import type { TraceInput } from '../trace/open-trace.ts';
import { type CellError, cellError } from './cell-task.ts';
import type { CellSpec } from './cells.ts';
import type { Dispatcher } from './dispatcher.ts';
import type { PreparedTrace } from './shared-traces.ts';
import { newSharedDigest, publishDigest } from './trace-digest.ts';

export type CellStatus = 'ok' | 'failed' | 'cancelled';

/** How one cell ended, and where its outputs are. */
export interface CellOutcome {
  readonly cell: CellSpec;
  readonly status: CellStatus;
  readonly report?: Report;
  readonly reportPath?: string;
  readonly placementsPath?: string;
  readonly error?: CellError;
}

export interface MatrixRunOptions {
  readonly cells: readonly CellSpec[];
  readonly clusterPath: string;
  readonly cluster: ClusterSpec;
  readonly onBadRow: 'stop' | 'skip';
  /** The traces' format and stress transforms, for every cell; undefined: plain CSVs. */
  readonly traceInput?: TraceInput;
  /** Every cell's trace, shared or streamed (see prepareTraces). */
  readonly traces: ReadonlyMap<string, PreparedTrace>;
  readonly dispatcher: Dispatcher;
  /** Where each cell's report goes as `<cell name>.json`, written the moment the cell finishes. */
  readonly outDir?: string;
  /** `--placements FILE`: with several cells, each writes FILE with `.<cell name>` before the extension. */
  readonly placements?: string;
  /** `run --explain FILE`: per cell as for placements; every Nth decision written (and NoValidHost). */
  readonly explain?: { readonly path: string; readonly every: number };
  /** Told of each cell as it finishes (in finishing order). */
  readonly onCellDone?: (o: CellOutcome) => void;
  /**
   * Cells of the whole matrix (default: `cells.length`); a shard runs some of them but names its
   * per-cell files as the whole matrix does.
   */
  readonly matrixSize?: number;
}

/**
 * A replay that finished with a report failing its schema is a schedbench bug, but its figures are
 * not lost: they go to `<cell name>.invalid.json` (not a report: the gate does not read it), and
 * the cell's error says where.
 */
function keepUnvalidated(
  result: { error: CellError; unvalidated?: unknown },
  cell: CellSpec,
  outDir: string | undefined,
): CellError {
  if (result.unvalidated === undefined || !outDir) return result.error;
  const path = join(outDir, `${cell.name}.invalid.json`);
  try {
    writeJsonAtomic(path, result.unvalidated);
  } catch {
    return result.error;
  }
  return { ...result.error, message: `${result.error.message} (the unvalidated report is kept in ${path})` };
}

/** The best survivors each `run --explain` record lists. */
const EXPLAIN_TOP = 5;

/** The placements file of a cell: the path itself for a single cell. */
export function cellPlacementsPath(template: string, cell: CellSpec, cells: number): string {
  if (cells === 1) return template;
  const ext = extname(template);
  return `${template.slice(0, template.length - ext.length)}.${cell.name}${ext}`;
}

/**
 * Run every cell of the matrix as an independent task and write each report (temp file and
 * rename) as soon as its task finishes, so an interrupted run keeps what it finished. A failed
 * cell is recorded with its error and the others go on. Outcomes come back in matrix order.
 */
export async function runMatrix(o: MatrixRunOptions): Promise<CellOutcome[]> {
  // Each trace's SHA-256 once, in this thread, while the tasks run (see trace-digest.ts).
  const digests = new Map(o.cells.map((c) => [c.tracePath, newSharedDigest()]));
  let finished = 0;
  const size = o.matrixSize ?? o.cells.length;
  const done = o.cells.map(async (cell): Promise<CellOutcome> => {
    const trace = o.traces.get(cell.tracePath);
    if (!trace) throw new Error(`trace ${cell.tracePath} was not prepared`);
    const placementsPath = o.placements ? cellPlacementsPath(o.placements, cell, size) : undefined;
    // A worker terminated mid-cell (a timeout, a signal's grace period, a forced exit) cannot
    // remove its placements temp file: this thread does.
    const explainPath = o.explain ? cellPlacementsPath(o.explain.path, cell, size) : undefined;
    const cleanUp = () => {
      if (placementsPath) removeTempFiles(placementsPath);
      if (explainPath) removeTempFiles(explainPath);
    };
    const forget = onForcedExit(cleanUp);
    const result = await o.dispatcher.submit(
      {
        cell,
        clusterPath: o.clusterPath,
        cluster: o.cluster,
        trace: trace.shared,
        traceDigest: digests.get(cell.tracePath),
        ...(trace.shapeGuess && !o.traceInput ? { shapeGuess: trace.shapeGuess } : {}),
        onBadRow: o.onBadRow,
        placementsPath,
        traceInput: o.traceInput,
        ...(o.explain && explainPath
          ? { explain: { path: explainPath, every: o.explain.every, top: EXPLAIN_TOP } }
          : {}),
      },
      trace.rows,
    );
    forget();
    finished++;
    if (!result.ok) cleanUp();
    let outcome: CellOutcome;
    if (result.ok) {
      outcome = { cell, status: 'ok', report: result.report, placementsPath };
      if (o.outDir) {
        const reportPath = join(o.outDir, `${cell.name}.json`);
        try {
          writeJsonAtomic(reportPath, result.report);
          outcome = { ...outcome, reportPath };
        } catch (err) {
          outcome = { cell, status: 'failed', error: cellError(err) };
        }
      }
    } else {
      outcome = {
        cell,
        status: result.error.kind === 'cancelled' ? 'cancelled' : 'failed',
        error: keepUnvalidated(result, cell, o.outDir),
      };
    }
    o.onCellDone?.(outcome);
    return outcome;
  });
  const hashed = [...digests].map(([path, d]) => publishDigest(d, path, () => finished === o.cells.length));
  const outcomes = await Promise.all(done);
  await Promise.all(hashed);
  return outcomes;
}
