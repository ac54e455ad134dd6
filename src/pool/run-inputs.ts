import { statSync } from 'node:fs';
import { InputError } from '../common/errors.ts';
import { describeFsError } from '../common/read-whole-file.ts';
import { sha256File, TOOL_VERSION } from '../report/build-report.ts';
import type { MatrixCell, RunInputs } from '../report/run-files.ts';
import type { TraceInput } from '../trace/open-trace.ts';
import type { CellSpec } from './cells.ts';

/** Every cell of the matrix with its shard, as run.json lists it (`shardOf` by cell index). */
export function matrixCells(cells: readonly CellSpec[], shardOf: readonly number[]): MatrixCell[] {
  return cells.map((c) => ({
    index: c.index,
    name: c.name,
    shard: shardOf[c.index],
    strategy: c.strategy,
    trace: c.tracePath,
    config: c.configPath ?? null,
    seed: c.seed ?? null,
    sets: c.sets,
  }));
}

function fileBytes(path: string): number {
  try {
    return statSync(path).size;
  } catch (err) {
    throw new InputError(path, undefined, undefined, describeFsError(err));
  }
}

/**
 * What the run reads besides the rows, hashed where small (cluster, configs, plugins); traces by
 * size here (each report has its trace's SHA-256). Shards of one matrix must agree on all of it.
 */
export async function runInputs(o: {
  readonly clusterPath: string;
  readonly cells: readonly CellSpec[];
  readonly plugins: readonly string[];
  readonly onBadRow: 'stop' | 'skip';
  readonly traceInput: TraceInput | undefined;
}): Promise<RunInputs> {
  const distinct = (xs: readonly (string | undefined)[]) => [
    ...new Set(xs.filter((x): x is string => x !== undefined)),
  ];
  const digest = async (path: string) => ({ path, sha256: await sha256File(path) });
  const t = o.traceInput;
  return {
    tool_version: TOOL_VERSION,
    cluster: await digest(o.clusterPath),
    configs: await Promise.all(distinct(o.cells.map((c) => c.configPath)).map(digest)),
    plugins: await Promise.all(distinct(o.plugins).map(digest)),
    traces: distinct(o.cells.map((c) => c.tracePath)).map((path) => ({ path, bytes: fileBytes(path) })),
    on_bad_row: o.onBadRow,
    trace_input: t ? { format: t.format, transforms: JSON.parse(JSON.stringify(t.transforms)) } : null,
  };
}
