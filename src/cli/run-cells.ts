import { join } from 'node:path';
import type { Catalog } from '../catalog/catalog.ts';
import type { ClusterSpec } from '../cluster/cluster-spec.ts';
import { writeJsonAtomic } from '../common/atomic-write.ts';
import { escapeControls } from '../common/safe-text.ts';
import type { CellSpec } from '../pool/cells.ts';
import { type CellOutcome, runMatrix } from '../pool/run-matrix.ts';
import { exitStatus, type RunContext, runSummary } from '../pool/run-summary.ts';
import { type PreparedTrace, prepareTraces } from '../pool/shared-traces.ts';
import { formatTable } from '../report/summary-table.ts';
import type { TraceInput } from '../trace/open-trace.ts';
import { type PoolFlags, sessionFlags } from './matrix-options.ts';
import { startSession } from './session.ts';
import { SIGNAL_EXIT_CODE, stoppedBy } from './stop-signals.ts';

/**
 * Run the cells of `schedbench run` on the worker pool (one thread for a single cell). For a
 * matrix, also write `run.json`, print one table row per cell and one line per failed cell.
 */
export async function runCells(o: {
  flags: PoolFlags & {
    readonly cluster: string;
    readonly out: string;
    readonly placements?: string;
    readonly explain?: string;
    readonly explainEvery?: number;
  };
  cluster: ClusterSpec;
  cells: readonly CellSpec[];
  registry: Catalog;
  /** Plugin and strategy files loaded in this thread, for the workers. */
  plugins: readonly string[];
  /** The traces' format and transforms; undefined for plain canonical CSVs. */
  traceInput?: TraceInput;
  /**
   * For run.json (written for a matrix or a shard, not for a lone cell): the whole matrix, the
   * shard and the inputs. `cells` are the ones this process runs.
   */
  run: Omit<RunContext, 'outDir' | 'workers'>;
}): Promise<{ outcomes: CellOutcome[]; status: { code: number; message?: string } }> {
  const { flags, cells } = o;
  const matrix = o.run.matrix.length > 1 || o.run.shard !== undefined;
  const uses = new Map<string, number>();
  for (const c of cells) uses.set(c.tracePath, (uses.get(c.tracePath) ?? 0) + 1);
  const summaryPath = join(flags.out, 'run.json');
  if (cells.length === 0) {
    // A shard the balance left no cell (more shards than cells): its run.json still says so, and
    // lists the matrix, so merge can tell a shard with nothing to do from a missing one.
    writeJsonAtomic(summaryPath, runSummary([], [], { ...o.run, outDir: flags.out, workers: 1 }));
    if (!flags.quiet)
      process.stdout.write(
        `shard ${o.run.shard?.index}/${o.run.shard?.count}: no cell of the ${o.run.matrix.length}-cell matrix falls to this shard; summary ${escapeControls(summaryPath)}\n`,
      );
    return { outcomes: [], status: { code: 0 } };
  }
  const workers = Math.min(flags.workers, cells.length);
  // The workers start (about half a second each, in parallel) while this thread parses the traces.
  const session = startSession({
    registry: o.registry,
    plugins: o.plugins,
    // Even a single cell runs on a (one-thread) pool: this thread stays free to take SIGINT and
    // SIGTERM and to run the watchdog while the replay runs.
    inline: false,
    workers,
    ...sessionFlags(flags),
  });
  const log = (s: string) => {
    if (!flags.quiet) session.log(s);
  };
  let outcomes: CellOutcome[];
  let traces: Map<string, PreparedTrace>;
  try {
    traces = await prepareTraces(uses, {
      mode: flags.shareTraces,
      onBadRow: flags.onBadRow,
      streamOnly: o.traceInput ? 'read through --trace-format or transforms' : undefined,
    });
    if (matrix) {
      for (const t of traces.values()) log(`trace ${t.path}: ${t.note}`);
      log(`running ${cells.length} cells on ${workers} worker${workers === 1 ? '' : 's'}`);
    }
    outcomes = await runMatrix({
      cells,
      clusterPath: flags.cluster,
      cluster: o.cluster,
      onBadRow: flags.onBadRow,
      traceInput: o.traceInput,
      traces,
      dispatcher: session.dispatcher,
      outDir: flags.out,
      placements: flags.placements,
      matrixSize: o.run.matrix.length,
      explain: flags.explain ? { path: flags.explain, every: flags.explainEvery ?? 1 } : undefined,
    });
  } finally {
    await session.close();
  }
  const status = exitStatus(outcomes);
  const signal = session.interrupted();
  const stopped = signal ? stoppedBy(signal) : 'interrupted';
  if (status.code === 130 && signal) status.code = SIGNAL_EXIT_CODE[signal];
  if (process.env.SCHEDBENCH_DEBUG) {
    for (const x of outcomes) if (x.error?.stack) process.stderr.write(`${x.cell.name}: ${x.error.stack}\n`);
  }
  if (!matrix)
    return {
      outcomes,
      status: outcomes[0].status === 'cancelled' ? { code: status.code, message: stopped } : status,
    };

  writeJsonAtomic(
    summaryPath,
    runSummary(outcomes, [...traces.values()], { ...o.run, outDir: flags.out, workers }),
  );
  if (!flags.quiet)
    process.stdout.write(
      `${matrixTable(outcomes)}\n\nreports in ${escapeControls(flags.out)}/, summary ${escapeControls(summaryPath)}\n`,
    );
  const failed = outcomes.filter((x) => x.status === 'failed');
  const ok = outcomes.filter((x) => x.status === 'ok').length;
  if (outcomes.some((x) => x.status === 'cancelled')) {
    return {
      outcomes,
      status: {
        code: status.code,
        message: `${stopped}: ${ok} of ${cells.length} cells finished (see ${summaryPath})`,
      },
    };
  }
  if (status.code === 1) {
    for (const f of failed)
      process.stderr.write(`schedbench: cell ${f.cell.name} failed: ${f.error!.message}\n`);
    return {
      outcomes,
      status: { code: 1, message: `${failed.length} of ${cells.length} cells failed (see ${summaryPath})` },
    };
  }
  return { outcomes, status };
}

const int = (n: number) => Math.round(n).toLocaleString('en-US');

/** One row per cell: its outcome and headline placement figures. */
function matrixTable(outcomes: readonly CellOutcome[]): string {
  return formatTable(
    ['cell', 'status', 'instances', 'placed', 'NoValidHost', 'NVH rate', 'wall s'],
    outcomes.map(({ cell, status, report: r }) =>
      r
        ? [
            cell.name,
            status,
            int(r.placement.instances),
            int(r.placement.placed),
            int(r.placement.no_valid_host),
            r.placement.no_valid_host_rate === null
              ? '–'
              : `${(100 * r.placement.no_valid_host_rate).toFixed(2)}%`,
            (r.performance.wall_ms / 1000).toFixed(2),
          ]
        : [cell.name, status, '-', '-', '-', '-', '-'],
    ),
  );
}
