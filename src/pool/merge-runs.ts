import { existsSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { InputError, UsageError } from '../common/errors.ts';
import { parseStructured, readStructuredFile } from '../common/structured-file.ts';
import { readReport } from '../report/read-report.ts';
import { type MatrixCell, type RunSummary, runSummarySchema } from '../report/run-files.ts';
import type { Report } from '../report/schema.ts';

/** One folder given to merge: a run's (or a shard's) output folder and its run.json. */
export interface ShardFolder {
  readonly dir: string;
  readonly runJson: string;
  readonly summary: RunSummary;
}

type SummaryCell = RunSummary['cells'][number];

/** A cell of the merged matrix: where it ran, its entry in that run.json, its report. */
export interface MergedCell {
  readonly folder: ShardFolder;
  readonly cell: SummaryCell;
  /** Absolute source paths; null when the cell has none (failed or cancelled, no --placements). */
  readonly reportPath: string | null;
  readonly placementsPath: string | null;
  readonly report: Report | null;
}

/** What merge writes: the cells in matrix order, and the shards they came from. */
export interface MergePlan {
  readonly folders: readonly ShardFolder[];
  readonly shardCount: number;
  readonly cells: readonly MergedCell[];
}

/** Read `DIR/run.json` of each folder, naming the folder that is not a run's output. */
export function readShardFolders(dirs: readonly string[]): ShardFolder[] {
  return dirs.map((dir) => {
    const runJson = join(dir, 'run.json');
    if (!existsSync(dir)) throw new InputError(dir, undefined, undefined, 'no such folder');
    if (!statSync(dir).isDirectory())
      throw new InputError(dir, undefined, undefined, 'is a file: give the output folders of the shards');
    if (!existsSync(runJson))
      throw new InputError(
        dir,
        undefined,
        undefined,
        'has no run.json: not the output folder of a matrix run or of run --shard',
      );
    return { dir, runJson, summary: parseStructured(readStructuredFile(runJson), runSummarySchema) };
  });
}

/** The shard a folder holds, as K/N; a run that was not sharded is shard 1 of 1. */
function shardOf(f: ShardFolder): { index: number; count: number } {
  return f.summary.shard ?? { index: 1, count: 1 };
}

/** What two shards of one matrix must agree on, field by field (paths as given may differ). */
function comparable(s: RunSummary): Record<string, unknown> {
  const i = s.inputs;
  return {
    'inputs.tool_version': i.tool_version,
    'inputs.cluster.sha256': i.cluster.sha256,
    'inputs.configs (SHA-256)': i.configs.map((c) => c.sha256),
    'inputs.plugins (SHA-256)': i.plugins.map((p) => p.sha256),
    'inputs.traces (bytes)': i.traces.map((t) => t.bytes),
    'inputs.on_bad_row': i.on_bad_row,
    'inputs.trace_input': i.trace_input,
    'matrix (cells)': s.matrix.map((c) => c.name),
    matrix: s.matrix.map(({ trace: _t, config: _c, ...rest }) => rest),
  };
}

const show = (v: unknown) => {
  const s = JSON.stringify(v);
  return s.length > 120 ? `${s.slice(0, 117)}...` : s;
};

/** The first field two run.json files disagree on, as an error naming both. */
function checkSameInputs(ref: ShardFolder, other: ShardFolder): void {
  const a = comparable(ref.summary);
  const b = comparable(other.summary);
  for (const key of Object.keys(a)) {
    if (JSON.stringify(a[key]) !== JSON.stringify(b[key]))
      throw new InputError(
        other.runJson,
        undefined,
        key,
        `differs from ${ref.runJson} (${show(b[key])} vs ${show(a[key])}): these folders are not shards of one run`,
      );
  }
}

const label = (c: MatrixCell, count: number) => `${c.name} (shard ${c.shard}/${count})`;

/**
 * Check that the folders are the shards of one matrix run, with the same inputs, and that every
 * cell of the matrix is there exactly once with its report; the plan of the merged folder.
 * Errors name the folder and field that disagree, or the missing cells and the shard of each.
 */
export function planMerge(folders: readonly ShardFolder[]): MergePlan {
  for (const f of folders) {
    if (f.summary.merged_shards.length > 0)
      throw new InputError(
        f.runJson,
        undefined,
        'merged_shards',
        `is already a merge of shards ${f.summary.merged_shards.join(', ')}: merge the shard folders themselves`,
      );
  }
  const sorted = [...folders].sort((a, b) => shardOf(a).index - shardOf(b).index);
  const ref = sorted[0];
  const count = shardOf(ref).count;
  const byShard = new Map<number, ShardFolder>();
  for (const f of sorted) {
    const s = shardOf(f);
    if (s.count !== count)
      throw new InputError(
        f.runJson,
        undefined,
        'shard',
        `is shard ${s.index}/${s.count} but ${ref.runJson} is shard ${shardOf(ref).index}/${count}: shards of different splits`,
      );
    const twice = byShard.get(s.index);
    if (twice) throw new UsageError(`shard ${s.index}/${count} given twice: ${twice.dir} and ${f.dir}`);
    byShard.set(s.index, f);
    if (f !== ref) checkSameInputs(ref, f);
  }

  const matrix = ref.summary.matrix;
  const missing: string[] = [];
  const cells: MergedCell[] = [];
  for (const m of matrix) {
    const folder = byShard.get(m.shard);
    const cell = folder?.summary.cells.find((c) => c.index === m.index);
    if (!folder || !cell) {
      missing.push(`${label(m, count)}${folder ? `, not in ${folder.runJson}` : ''}`);
      continue;
    }
    cells.push(mergedCell(folder, cell));
  }
  for (const f of sorted) {
    for (const c of f.summary.cells) {
      const m = matrix.find((x) => x.index === c.index);
      if (!m || m.name !== c.name || m.shard !== shardOf(f).index)
        throw new InputError(
          f.runJson,
          undefined,
          `cells[${f.summary.cells.indexOf(c)}]`,
          `cell ${c.name} is not one of shard ${shardOf(f).index}/${count}'s cells in the matrix`,
        );
    }
  }
  if (missing.length > 0) {
    const absent = [...new Set(matrix.map((m) => m.shard))].filter((k) => !byShard.has(k));
    const hint =
      absent.length > 0 ? `; no folder given for shard ${absent.map((k) => `${k}/${count}`).join(', ')}` : '';
    throw new UsageError(
      `the merge would miss ${missing.length} of ${matrix.length} cells: ${missing.join('; ')}${hint}`,
    );
  }
  checkReports(ref, cells);
  return { folders: sorted, shardCount: count, cells };
}

function mergedCell(folder: ShardFolder, cell: SummaryCell): MergedCell {
  const from = (p: string | null) => (p === null ? null : resolve(folder.dir, p));
  const reportPath = from(cell.report);
  const placementsPath = from(cell.placements);
  if (cell.status === 'ok' && reportPath === null)
    throw new InputError(
      folder.runJson,
      undefined,
      `cells[${folder.summary.cells.indexOf(cell)}].report`,
      `cell ${cell.name} is ok but has no report`,
    );
  for (const p of [reportPath, placementsPath]) {
    if (p !== null && cell.status === 'ok' && !existsSync(p))
      throw new InputError(
        p,
        undefined,
        undefined,
        `missing: run.json of ${folder.dir} lists it for cell ${cell.name}`,
      );
  }
  const report = cell.status === 'ok' && reportPath !== null ? readReport(reportPath) : null;
  return { folder, cell, reportPath: cell.status === 'ok' ? reportPath : null, placementsPath, report };
}

/** The reports themselves agree with the inputs: tool version, cluster, one content per trace. */
function checkReports(ref: ShardFolder, cells: readonly MergedCell[]): void {
  const inputs = ref.summary.inputs;
  const traceSha = new Map<number, { sha: string; path: string }>();
  for (const c of cells) {
    const r = c.report;
    if (!r || !c.reportPath) continue;
    if (r.tool.version !== inputs.tool_version)
      throw new InputError(
        c.reportPath,
        undefined,
        'tool.version',
        `is ${r.tool.version}, the run's is ${inputs.tool_version}`,
      );
    if (r.inputs.cluster.sha256 !== inputs.cluster.sha256)
      throw new InputError(
        c.reportPath,
        undefined,
        'inputs.cluster.sha256',
        'is not the cluster the run.json files name',
      );
    if (r.inputs.strategy !== c.cell.strategy)
      throw new InputError(
        c.reportPath,
        undefined,
        'inputs.strategy',
        `is ${r.inputs.strategy}, run.json says ${c.cell.strategy}`,
      );
    // Traces are told apart by their place in the matrix's list, not by path (paths may differ).
    const key = c.folder.summary.inputs.traces.findIndex((x) => x.path === c.cell.trace);
    const seen = traceSha.get(key);
    if (seen && seen.sha !== r.inputs.trace.sha256)
      throw new InputError(
        c.reportPath,
        undefined,
        'inputs.trace.sha256',
        `differs from ${seen.path}'s for the same trace: the shards read different trace files`,
      );
    if (!seen) traceSha.set(key, { sha: r.inputs.trace.sha256, path: c.reportPath });
  }
}

/** Where a merged cell's files go in the merged folder (placements keep their own names). */
export function mergedOutputNames(c: MergedCell): { report: string | null; placements: string | null } {
  return {
    report: c.reportPath === null ? null : `${c.cell.name}.json`,
    placements: c.placementsPath === null ? null : basename(c.placementsPath),
  };
}

/** The merged run.json: the whole matrix, every shard's cells, output paths relative to its folder. */
export function mergedSummary(plan: MergePlan): RunSummary {
  const ref = plan.folders[0].summary;
  const cells = plan.cells.map((c) => ({ ...c.cell, ...mergedOutputNames(c) }));
  const count = (s: SummaryCell['status']) => cells.filter((c) => c.status === s).length;
  const traces = new Map<string, RunSummary['traces'][number]>();
  for (const f of plan.folders)
    for (const t of f.summary.traces) if (!traces.has(t.path)) traces.set(t.path, t);
  const failed = count('failed');
  const cancelled = count('cancelled');
  return runSummarySchema.parse({
    schema_version: 2,
    status: cancelled > 0 ? 'interrupted' : failed > 0 ? 'failed' : 'ok',
    workers: Math.max(...plan.folders.map((f) => f.summary.workers)),
    shard: null,
    merged_shards: plan.folders.map((f) => shardOf(f).index),
    matrix: ref.matrix,
    inputs: ref.inputs,
    counts: { cells: cells.length, ok: count('ok'), failed, cancelled },
    traces: [...traces.values()],
    cells,
  });
}
