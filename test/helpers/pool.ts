import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Catalog } from '../../src/catalog/catalog.ts';
import { type ClusterSpec, loadCluster } from '../../src/cluster/cluster-spec.ts';
import { writeGeneratedCluster } from '../../src/generate/cluster.ts';
import { DEFAULT_GENERATOR_OPTIONS } from '../../src/generate/options.ts';
import { generateTrace } from '../../src/generate/trace.ts';
import { type CellSpec, expandMatrix, type MatrixSpec } from '../../src/pool/cells.ts';
import { Dispatcher } from '../../src/pool/dispatcher.ts';
import type { CellExecutor } from '../../src/pool/executor.ts';
import { type CellOutcome, runMatrix } from '../../src/pool/run-matrix.ts';
import type { RunContext } from '../../src/pool/run-summary.ts';
import { prepareTraces, type SharingMode } from '../../src/pool/shared-traces.ts';
import type { Report } from '../../src/report/schema.ts';
import { tempDir } from './replay.ts';

/** The test plugin module (strategies `throwing` and `dying`), as workers import it. */
export const FAULTY_PLUGIN = new URL('../fixtures/plugins/faulty.ts', import.meta.url).href;

/** A generated cluster and trace in a fresh temp dir. */
export function generated(
  rows: number,
  hosts: number,
  seed = 1,
): { dir: string; cluster: string; trace: string } {
  const dir = tempDir();
  const o = { ...DEFAULT_GENERATOR_OPTIONS, rows, hosts, seed };
  writeGeneratedCluster(o, join(dir, 'cluster.json'));
  generateTrace(o, join(dir, 'trace.csv'));
  return { dir, cluster: join(dir, 'cluster.json'), trace: join(dir, 'trace.csv') };
}

/** Report fields that measure time or memory; everything else must be reproducible. */
const TIMING = /_ms$|_per_s$|_per_cpu_s$|^ns_per_|^peak_rss_mb$|^latency_us$|^calibration$/;

/** A report without its timing figures and creation time: what must be byte-identical across runs. */
export function withoutTiming(r: Report): unknown {
  const { created_at: _, performance, ...rest } = r;
  return {
    ...rest,
    performance: Object.fromEntries(Object.entries(performance).filter(([k]) => !TIMING.test(k))),
  };
}

export interface MatrixFixture {
  readonly spec: MatrixSpec;
  readonly clusterPath: string;
  readonly outDir: string;
  readonly placements?: string;
  readonly sharing: SharingMode;
  readonly onBadRow?: 'stop' | 'skip';
}

/** Run a matrix the way `schedbench run` does, on the given executor. */
export async function runFixture(
  f: MatrixFixture,
  executor: CellExecutor,
  registry: Catalog,
  signal?: AbortSignal,
  onCellDone?: (o: CellOutcome) => void,
): Promise<{ outcomes: CellOutcome[]; cells: CellSpec[]; dispatcher: Dispatcher }> {
  const cells = expandMatrix(f.spec, registry);
  const cluster: ClusterSpec = loadCluster(f.clusterPath);
  const uses = new Map<string, number>();
  for (const c of cells) uses.set(c.tracePath, (uses.get(c.tracePath) ?? 0) + 1);
  const traces = await prepareTraces(uses, { mode: f.sharing, onBadRow: f.onBadRow ?? 'stop' });
  const dispatcher = new Dispatcher(executor, { signal });
  try {
    const outcomes = await runMatrix({
      cells,
      clusterPath: f.clusterPath,
      cluster,
      onBadRow: f.onBadRow ?? 'stop',
      traces,
      dispatcher,
      outDir: f.outDir,
      placements: f.placements,
      onCellDone,
    });
    return { outcomes, cells, dispatcher };
  } finally {
    dispatcher.dispose();
  }
}

/**
 * The names in a folder, or none while it does not exist. A run's preflight probe makes and removes
 * its output folder, so the folder can vanish between an exists check and the listing.
 */
export function namesIn(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

/** Every file in a directory with its content (sorted by name). */
export function filesIn(dir: string): Record<string, string> {
  if (!existsSync(dir)) return {};
  return Object.fromEntries(
    readdirSync(dir)
      .sort()
      .map((f) => [f, readFileSync(join(dir, f), 'utf8')]),
  );
}

/** A run.json context with no matrix or inputs of note, for summaries built in a test. */
export function runContext(outDir: string, workers: number): RunContext {
  return {
    outDir,
    workers,
    shard: undefined,
    matrix: [],
    inputs: {
      tool_version: '0.0.0',
      cluster: { path: 'c.json', sha256: '0'.repeat(64) },
      configs: [],
      plugins: [],
      traces: [],
      on_bad_row: 'stop',
      trace_input: null,
    },
  };
}
