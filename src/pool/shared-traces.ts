import { totalmem } from 'node:os';
import { scanTraceAndShapes } from '../metrics/shape-guess.ts';
import type { ShapeDistribution } from '../metrics/shapes.ts';
import type { ColumnarTraceData } from '../trace/columnar.ts';
import { columnarBytes } from '../trace/columnar.ts';
import { NotShareableError, parseColumnar, scanTrace } from '../trace/columnar-builder.ts';

/** `auto`: share a trace that several tasks read and that fits the budget; `always`; `never`. */
export type SharingMode = 'auto' | 'always' | 'never';

/** A trace as the tasks of a run read it. */
export interface PreparedTrace {
  readonly path: string;
  /** Rows to read: exact when shared, else the file's line count less the header (for progress). */
  readonly rows: number;
  /** The columns every task reads, or undefined when each task streams the file. */
  readonly shared: ColumnarTraceData | undefined;
  /**
   * A streamed plain CSV's shape guess (shape-guess.ts), made here once beside the line count, for
   * every task to check rather than make again; undefined when not made or not possible.
   */
  readonly shapeGuess?: ShapeDistribution;
  /** Why it is (not) shared, for the run's log. */
  readonly note: string;
}

/**
 * Estimated bytes of the shared form per line of the CSV, used before parsing. The columns take 73
 * bytes per row (FIXED_BYTES_PER_ROW, GPU and image_props columns included) plus the id and the
 * symbols; the generated benchmark trace measured 69 bytes per row in all before the 7 bytes of GPU
 * columns and the 4 of image_props (53 bytes per CSV line), so 87 leaves room for longer ids.
 */
export const ESTIMATED_BYTES_PER_LINE = 87;

/**
 * Memory the shared traces of a run may take: a quarter of the machine's memory, at most 4 GiB.
 * The shared form stays in memory for the whole run, beside every worker's replay state (which
 * grows with live instances, not with trace length) and the parse itself; a trace over the budget
 * is streamed by each task instead, which keeps memory flat and costs one CSV parse per task.
 */
export function defaultShareBudget(): number {
  return Math.min(totalmem() / 4, 4 * 1024 ** 3);
}

export interface PrepareOptions {
  readonly mode: SharingMode;
  readonly onBadRow: 'stop' | 'skip';
  /** Bytes all shared traces together may take (default: defaultShareBudget()). */
  readonly budget?: number;
  /** Why no trace may be shared (a format adapter or transforms read it per task), or undefined. */
  readonly streamOnly?: string;
}

/**
 * Decide, per trace, whether the run parses it once into shared columns or lets each task stream
 * it, and parse the shared ones. `uses` is how many tasks read each trace. A trace error (missing
 * file, bad header, CSV syntax, and with `stop` a bad row) throws its InputError here, before any
 * task starts.
 */
export async function prepareTraces(
  uses: ReadonlyMap<string, number>,
  o: PrepareOptions,
): Promise<Map<string, PreparedTrace>> {
  let budget = o.budget ?? defaultShareBudget();
  const out = new Map<string, PreparedTrace>();
  for (const [path, tasks] of uses) {
    // Streamed for sure (not through an adapter): one pass counts the lines and guesses the shapes,
    // for every task that reads the trace. Not when several traces each have one task: their
    // tasks guess on their own workers, in parallel, rather than one after another here.
    const streamed = o.streamOnly === undefined && (o.mode === 'never' || (o.mode === 'auto' && tasks < 2));
    const guess = streamed && (uses.size === 1 || tasks > 1);
    const { lines, shapes } = guess
      ? await scanTraceAndShapes(path)
      : { ...(await scanTrace(path)), shapes: undefined };
    const estimate = lines * ESTIMATED_BYTES_PER_LINE;
    const stream = (note: string): PreparedTrace => ({
      path,
      rows: Math.max(0, lines - 1),
      shared: undefined,
      ...(shapes ? { shapeGuess: shapes } : {}),
      note,
    });
    if (o.streamOnly !== undefined) {
      out.set(path, stream(`streamed by each task (${o.streamOnly})`));
      continue;
    }
    if (o.mode === 'never') {
      out.set(path, stream('streamed by each task (--share-traces never)'));
      continue;
    }
    if (o.mode === 'auto' && tasks < 2) {
      out.set(path, stream('streamed (read by one task)'));
      continue;
    }
    if (o.mode === 'auto' && estimate > budget) {
      out.set(
        path,
        stream(
          `streamed by each task (about ${mb(estimate)} MB shared would exceed the ${mb(budget)} MB budget)`,
        ),
      );
      continue;
    }
    try {
      const shared = await parseColumnar(path, o.onBadRow, lines);
      const bytes = columnarBytes(shared);
      budget -= bytes;
      out.set(path, {
        path,
        rows: shared.rows + shared.bad.count,
        shared,
        note: `parsed once and shared (${shared.rows.toLocaleString('en-US')} rows, ${mb(bytes)} MB)`,
      });
    } catch (err) {
      if (!(err instanceof NotShareableError)) throw err;
      out.set(path, stream(`streamed by each task (${err.message})`));
    }
  }
  return out;
}

const mb = (bytes: number) => (bytes / 1024 ** 2).toFixed(1);
