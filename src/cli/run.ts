import { type Command, Option } from 'commander';
import { loadPluginFile, resolveStrategy } from '../../strategies/plugin/loader.ts';
import { loadCluster } from '../cluster/cluster-spec.ts';
import { parseSetFlags } from '../config/run-config.ts';
import { summaryTable } from '../report/summary-table.ts';
import { writeReportOutputs } from '../report/write-outputs.ts';
import type { StrategyRegistry } from '../scheduler/strategy-registry.ts';
import { executeRun } from './execute.ts';
import { intOption } from './options.ts';

interface RunFlags {
  cluster: string;
  trace: string;
  strategy: string;
  config?: string;
  seed?: number;
  out: string;
  placements?: string;
  onBadRow: 'stop' | 'skip';
  set: string[];
  plugin: string[];
  quiet?: boolean;
}

export function registerRun(program: Command, registry: StrategyRegistry): void {
  program
    .command('run')
    .description('replay a trace against a cluster with one strategy and write its report')
    .requiredOption('--cluster <file>', 'cluster file (JSON or YAML)')
    .requiredOption('--trace <file>', 'trace CSV')
    .option('--strategy <name|file>', 'strategy name, or a .ts/.js file exporting one', 'filter')
    .option('--plugin <file>', 'load filters, weighers or strategies from a file (repeatable)', collect, [])
    .option('--config <file>', 'run config (JSON or YAML)')
    .option('--seed <n>', 'seed of the random source (overrides the config)', intOption('--seed'))
    .option('--out <dir>', 'directory for the JSON report', 'reports')
    .option('--placements <file>', 'write one CSV row per instance: seq,id,host,attempts')
    .addOption(
      new Option('--on-bad-row <mode>', 'stop at a bad row, or skip and count it')
        .choices(['stop', 'skip'])
        .default('stop'),
    )
    .option('--set <key=value>', 'set a config option (repeatable; wins over --config)', collect, [])
    .option('--quiet', 'print nothing but errors')
    .action(async (flags: RunFlags) => {
      for (const file of flags.plugin) await loadPluginFile(file, registry);
      const strategy = await resolveStrategy(flags.strategy, registry);
      const cluster = loadCluster(flags.cluster);
      const { report, reportPath } = await executeRun({
        clusterPath: flags.cluster,
        cluster,
        tracePath: flags.trace,
        strategy,
        configPath: flags.config,
        sets: parseSetFlags(flags.set),
        seed: flags.seed,
        onBadRow: flags.onBadRow,
        outDir: flags.out,
        placementsPath: flags.placements,
      });
      await writeReportOutputs(flags.out, [report]);
      if (!flags.quiet) {
        process.stdout.write(`${summaryTable([report])}\n`);
        process.stdout.write(
          `report: ${reportPath}${flags.placements ? `\nplacements: ${flags.placements}` : ''}\n`,
        );
        if (report.placement.bad_rows_skipped > 0) {
          process.stdout.write(
            `skipped ${report.placement.bad_rows_skipped} bad row(s); first: ${report.placement.bad_row_samples[0]}\n`,
          );
        }
      }
    });
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
