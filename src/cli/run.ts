import { join, resolve } from 'node:path';
import { type Command, Option } from 'commander';
import { droppedInStrategyFiles, isStrategyPath } from '../../strategies/plugin/loader.ts';
import { loadPluginFile, resolveStrategy } from '../catalog/bootstrap.ts';
import type { Catalog } from '../catalog/catalog.ts';
import { ExitStatus, UsageError } from '../common/errors.ts';
import { notePluginFile } from '../common/process-guard.ts';
import { escapeControls } from '../common/safe-text.ts';
import { type CellSpec, expandMatrix, validateCellConfigs } from '../pool/cells.ts';
import { matrixCells, runInputs } from '../pool/run-inputs.ts';
import { cellPlacementsPath } from '../pool/run-matrix.ts';
import { assignShards, parseShard, type Shard } from '../pool/shards.ts';
import { summaryTable } from '../report/summary-table.ts';
import { writeReportOutputs } from '../report/write-outputs.ts';
import { scanTrace } from '../trace/columnar-builder.ts';
import { positiveIntOption } from './explain.ts';
import { examples } from './help.ts';
import {
  addClusterOption,
  addPoolOptions,
  collect,
  collectInts,
  collectList,
  DEFAULT_STRATEGY,
  onBadRowOption,
  type PoolFlags,
  profileOption,
  profileSets,
  strategiesOrDefault,
} from './matrix-options.ts';
import { printNextSteps } from './next-steps.ts';
import {
  checkOutputDir,
  checkOutputFile,
  isRunSummary,
  type NamedPath,
  refuseOverwrites,
  removeEarlierOutputs,
  reportOutputPaths,
} from './output-paths.ts';
import { runCells } from './run-cells.ts';
import { loadTraceInput } from './trace-input.ts';
import { addTraceInputOptions, type TraceFormat, type TransformFlags } from './transform-options.ts';

export interface RunFlags extends PoolFlags, TransformFlags {
  traceFormat: TraceFormat;
  cluster: string;
  trace: string[];
  strategy?: string[];
  config?: string[];
  seed?: number[];
  out: string;
  placements?: string;
  explain?: string;
  explainEvery?: number;
  set: string[];
  profile?: string;
  plugin: string[];
  sweep: string[];
  perSeed?: boolean;
  shard?: Shard;
}

export function registerRun(program: Command, registry: Catalog): void {
  const cmd = program
    .command('run')
    .description(
      'replay traces against a cluster; several strategies, configs, swept values, traces or seeds run as a matrix on worker threads',
    );
  addClusterOption(cmd)
    .requiredOption('--trace <file>', 'trace CSV (repeatable)', collect)
    .addOption(
      new Option(
        '--strategy <names>',
        `strategies, comma-separated or repeated: ${registry.names().join(', ')}, or a .ts/.js file exporting one (schedbench strategies lists their options)`,
      )
        .argParser(collectList)
        .default(undefined, DEFAULT_STRATEGY),
    )
    .option('--plugin <file>', 'load filters, weighers or strategies from a file (repeatable)', collect, [])
    .option('--config <file>', 'run config, JSON or YAML (repeatable: one cell each)', collect)
    .option(
      '--seed <n>',
      'seed of the random source, overrides the config (comma-separated or repeated)',
      collectInts('--seed'),
    )
    .option('--out <dir>', 'directory for the JSON reports (and run.json for a matrix)', 'reports')
    .option(
      '--placements <file>',
      'write one CSV row per instance: seq,id,host,attempts, and alternates in zed mode (per cell in a matrix)',
    )
    .option(
      '--explain <file>',
      'explain decisions: one NDJSON record each (docs/explain.md; per cell in a matrix)',
    )
    .option(
      '--explain-every <n>',
      'with --explain: write decisions N, 2N, 3N... and every NoValidHost',
      positiveIntOption('--explain-every'),
    )
    .addOption(onBadRowOption())
    .option(
      '--set <key=value>',
      'set a config option (repeatable; wins over --config). A comma list sweeps an option that is not a list. In a matrix, strategy.key=value sets it for that strategy only; a plain key applies to every strategy that has the option',
      collect,
      [],
    )
    .addOption(profileOption())
    .option(
      '--shard <K/N>',
      'run only the K-th of N slices of the matrix, balanced by rows x hosts; merge the shards with schedbench merge (docs/sharding.md)',
      parseShard,
    )
    .option(
      '--sweep <key=v1|v2>',
      'sweep a config option over |-separated values (repeatable; strategy.key=... as for --set)',
      collect,
      [],
    )
    .addHelpText(
      'after',
      examples(
        'schedbench run --cluster traces/default-cluster.json --trace traces/default-trace.csv',
        '# a matrix: 2 strategies x 3 multipliers (of the filter strategy only) x 2 seeds, on worker threads',
        'schedbench run --cluster C.json --trace T.csv --strategy filter,best-fit --set filter.ram_weight_multiplier=-1,0,1 --seed 1,2',
        '# compare two filter lists, and keep one CSV row per decision',
        'schedbench run --cluster C.json --trace T.csv --sweep "filters=RamFilter,CoreFilter|RamFilter" --placements p.csv',
        '# a public trace read through its adapter, inflated to 1.5 x the capacity',
        'schedbench run --cluster C.json --trace vmtable.csv --trace-format azure --inflate 1.5',
      ),
    );
  addTraceInputOptions(cmd);
  addPoolOptions(cmd, 'parse a trace once and share it with the workers')
    .option('--per-seed', 'besides mean ± 95% CI over seeds, one row per seed (terminal and summary.md)')
    .option('--quiet', 'print nothing but errors')
    .action(async (flags: RunFlags) => {
      // Plugins and strategy files load here, and again in every worker (by the same paths).
      const plugins: string[] = [];
      for (const file of flags.plugin) {
        notePluginFile(resolve(file));
        await loadPluginFile(file, registry);
        plugins.push(resolve(file));
      }
      const strategies: string[] = [];
      for (const value of strategiesOrDefault(flags.strategy)) {
        const file = registry.has(value)
          ? undefined
          : isStrategyPath(value)
            ? value
            : droppedInStrategyFiles(registry).get(value);
        if (file !== undefined) notePluginFile(resolve(file));
        strategies.push((await resolveStrategy(value, registry)).name);
        if (file !== undefined) plugins.push(resolve(file));
      }
      const { cluster, traceInput } = await loadTraceInput(flags);
      const cells = expandMatrix(
        {
          traces: flags.trace,
          strategies,
          configs: flags.config ?? [],
          setFlags: [...profileSets(flags.profile), ...flags.set],
          sweepFlags: flags.sweep,
          seeds: flags.seed ?? [],
        },
        registry,
      );
      validateCellConfigs(cells, registry, flags.sweep);
      const shardOf = flags.shard
        ? await shardsOf(cells, cluster.hosts.length, flags.shard.count)
        : cells.map(() => 1);
      const mine = flags.shard ? cells.filter((c) => shardOf[c.index] === flags.shard!.index) : cells;
      const outputs = checkRunOutputs(flags, cells, mine, plugins);
      const run = {
        shard: flags.shard,
        matrix: matrixCells(cells, shardOf),
        inputs: await runInputs({
          clusterPath: flags.cluster,
          cells,
          plugins,
          onBadRow: flags.onBadRow,
          traceInput,
        }),
      };
      // From here on the cells run: what an earlier run left at their names goes first, so that a
      // cell that fails or is cancelled (or a killed run) leaves no earlier report behind as its own.
      removeEarlierOutputs(outputs);
      const { outcomes, status } = await runCells({
        flags,
        cluster,
        cells: mine,
        registry,
        plugins,
        traceInput,
        run,
      });
      const reports = outcomes.flatMap((o) => (o.report ? [o.report] : []));
      const perSeed = flags.perSeed ?? false;
      const written =
        reports.length > 0 ? await writeReportOutputs(flags.out, reports, { perSeed }) : undefined;
      if (cells.length === 1 && outcomes.length === 1) {
        const { report, reportPath } = outcomes[0];
        if (!report) throw new ExitStatus(status.code, status.message);
        if (!flags.quiet) {
          process.stdout.write(`${summaryTable([report], { perSeed })}\n`);
          process.stdout.write(
            `report: ${escapeControls(reportPath ?? '')}${flags.placements ? `\nplacements: ${escapeControls(flags.placements)}` : ''}\n`,
          );
          if (report.placement.bad_rows_skipped > 0) {
            process.stdout.write(
              `skipped ${report.placement.bad_rows_skipped} bad row(s); first: ${report.placement.bad_row_samples[0]}\n`,
            );
          }
        }
      } else if (!flags.quiet && reports.length > 0) {
        process.stdout.write(`\n${summaryTable(reports, { perSeed })}\n`);
      }
      if (!flags.quiet && written) {
        const reportPaths = outcomes.flatMap((o) => (o.report && o.reportPath ? [o.reportPath] : []));
        printNextSteps({ out: flags.out, html: written.html, reportPaths, reports });
      }
      if (status.code !== 0) throw new ExitStatus(status.code, status.message);
    });
}

/**
 * Before anything runs: every output folder and file can be written, and no output is an input
 * or another output of the run (all compared by real path). Returns the outputs: the files the
 * run writes, each cell's `.invalid.json` (written if its report fails its schema), and for a
 * single cell the run.json an earlier matrix run left in `--out` (it would describe that run's
 * cells, not this one's, to `check`).
 */
function checkRunOutputs(
  flags: RunFlags,
  all: readonly CellSpec[],
  cells: readonly CellSpec[],
  plugins: readonly string[],
): NamedPath[] {
  checkOutputDir(flags.out, '--out');
  if (flags.placements) checkOutputFile(flags.placements, '--placements');
  if (flags.explain) checkOutputFile(flags.explain, '--explain');
  if (flags.explainEvery !== undefined && !flags.explain)
    throw new UsageError('--explain-every needs --explain FILE (try schedbench run --help)');
  const inputs: NamedPath[] = [
    ...flags.trace.map((path) => ({ role: '--trace', path })),
    { role: '--cluster', path: flags.cluster },
    ...(flags.config ?? []).map((path) => ({ role: '--config', path })),
    ...plugins.map((path) => ({ role: 'plugin', path })),
  ];
  const matrix = all.length > 1 || flags.shard !== undefined;
  const outputs: NamedPath[] = cells.flatMap((c) => [
    { role: matrix ? `report of cell ${c.name}` : 'report', path: join(flags.out, `${c.name}.json`) },
    {
      role: matrix ? `unvalidated report of cell ${c.name}` : 'unvalidated report',
      path: join(flags.out, `${c.name}.invalid.json`),
    },
  ]);
  const runJson = join(flags.out, 'run.json');
  if (matrix) outputs.push({ role: 'run summary', path: runJson });
  else if (isRunSummary(runJson)) outputs.push({ role: 'run summary of an earlier run', path: runJson });
  outputs.push(...reportOutputPaths(flags.out));
  if (flags.placements) {
    for (const c of cells)
      outputs.push({
        role: matrix ? `--placements of cell ${c.name}` : '--placements',
        path: cellPlacementsPath(flags.placements, c, all.length),
      });
  }
  if (flags.explain) {
    for (const c of cells)
      outputs.push({
        role: matrix ? `--explain of cell ${c.name}` : '--explain',
        path: cellPlacementsPath(flags.explain, c, all.length),
      });
  }
  refuseOverwrites(inputs, outputs);
  return outputs;
}

/**
 * Each cell's shard (by index): cost is the trace's lines times the cluster's hosts, the same on
 * every machine that has the same files.
 */
async function shardsOf(cells: readonly CellSpec[], hosts: number, count: number): Promise<number[]> {
  const lines = new Map<string, number>();
  for (const c of cells)
    if (!lines.has(c.tracePath)) lines.set(c.tracePath, (await scanTrace(c.tracePath)).lines);
  return assignShards(cells, (c) => lines.get(c.tracePath)! * Math.max(1, hosts), count);
}
