import { resolve } from 'node:path';
import { type Command, InvalidArgumentError } from 'commander';
import { loadPluginFile, resolveStrategy } from '../catalog/bootstrap.ts';
import type { Catalog } from '../catalog/catalog.ts';
import { loadCluster } from '../cluster/cluster-spec.ts';
import { UsageError } from '../common/errors.ts';
import { notePluginFile } from '../common/process-guard.ts';
import { type DecisionQuery, findDecisions, type Replay } from '../explain/find-decisions.ts';
import { formatDecision } from '../explain/format.ts';
import { expandMatrix, validateCellConfigs } from '../pool/cells.ts';
import { runReplayTask } from '../run/replay-task.ts';
import { examples } from './help.ts';
import { addClusterOption, collect, DEFAULT_STRATEGY } from './matrix-options.ts';
import { intOption } from './options.ts';

/** The explain command's defaults, in one place. */
const EXPLAIN_DEFAULTS = { top: 5, limit: 20 } as const;

/** A commander parser for a positive integer flag. */
export function positiveIntOption(flag: string) {
  const int = intOption(flag);
  return (value: string): number => {
    const n = int(value);
    if (n < 1) throw new InvalidArgumentError(`${flag} expects a positive integer, got "${value}"`);
    return n;
  };
}

interface ExplainFlags {
  cluster: string;
  trace: string;
  strategy: string;
  config?: string;
  seed?: number;
  set: string[];
  plugin: string[];
  id?: string;
  seq?: number;
  novalidhost?: boolean;
  top: number;
  limit: number;
  json?: boolean;
}

export function registerExplain(program: Command, registry: Catalog): void {
  const cmd = program
    .command('explain')
    .description(
      'replay up to one decision (or every NoValidHost) and show why: the filter funnel, rejected hosts with reasons, the weigher arithmetic of the best hosts, the choice',
    );
  addClusterOption(cmd)
    .requiredOption('--trace <file>', 'trace CSV')
    .option('--strategy <name>', 'strategy name or .ts/.js file', DEFAULT_STRATEGY)
    .option('--config <file>', 'run config, JSON or YAML')
    .option('--seed <n>', 'seed of the random source, overrides the config', intOption('--seed'))
    .option('--set <key=value>', 'set a config option (repeatable; wins over --config)', collect, [])
    .option('--plugin <file>', 'load filters, weighers or strategies from a file (repeatable)', collect, [])
    .option('--id <id>', 'the instance to explain (its trace id)')
    .option('--seq <n>', 'the instance to explain, by its placements-file seq', positiveIntOption('--seq'))
    .option('--novalidhost', 'explain every NoValidHost')
    .option(
      '--top <n>',
      'best survivors shown per decision',
      positiveIntOption('--top'),
      EXPLAIN_DEFAULTS.top,
    )
    .option(
      '--limit <n>',
      'with --novalidhost: at most this many',
      positiveIntOption('--limit'),
      EXPLAIN_DEFAULTS.limit,
    )
    .option('--json', 'print one JSON record per decision (as run --explain writes) instead of text')
    .addHelpText(
      'after',
      examples(
        '# why the 10th instance of the bundled trace went where it did',
        'schedbench explain --cluster traces/default-cluster.json --trace traces/default-trace.csv --seq 10',
        '# why the first 3 NoValidHosts of best-fit failed, as JSON records',
        'schedbench explain --cluster C.json --trace T.csv --strategy best-fit --novalidhost --limit 3 --json',
      ),
    )
    .action(async (flags: ExplainFlags) => {
      const query = queryOf(flags);
      for (const file of flags.plugin) {
        notePluginFile(resolve(file));
        await loadPluginFile(file, registry);
      }
      const strategy = await resolveStrategy(flags.strategy, registry);
      const cells = expandMatrix(
        {
          traces: [flags.trace],
          strategies: [strategy.name],
          configs: flags.config ? [flags.config] : [],
          setFlags: flags.set,
          sweepFlags: [],
          seeds: flags.seed !== undefined ? [flags.seed] : [],
        },
        registry,
      );
      if (cells.length !== 1)
        throw new UsageError('explain takes one value per option (no comma sweeps; try --help)');
      validateCellConfigs(cells, registry, []);
      const cell = cells[0];
      const cluster = loadCluster(flags.cluster);
      const replay: Replay = async (s, observers) => {
        await runReplayTask({
          clusterPath: flags.cluster,
          cluster,
          tracePath: flags.trace,
          strategy: s,
          configPath: cell.configPath,
          sets: cell.sets,
          seed: cell.seed,
          onBadRow: 'stop',
          observers,
          calibrationSamples: 0,
        });
      };
      const { records, more } = await findDecisions(
        replay,
        registry.get(cell.strategy),
        query,
        flags.top,
        flags.trace,
      );
      if (flags.json) {
        for (const r of records) process.stdout.write(`${JSON.stringify(r)}\n`);
        return;
      }
      if (records.length === 0) process.stdout.write('no NoValidHost in this replay\n');
      process.stdout.write(records.map(formatDecision).join('\n'));
      if (more > 0) process.stdout.write(`\n... and ${more} more NoValidHost (raise --limit)\n`);
    });
}

function queryOf(flags: ExplainFlags): DecisionQuery {
  const given = [flags.id !== undefined, flags.seq !== undefined, flags.novalidhost === true].filter(
    Boolean,
  ).length;
  if (given !== 1)
    throw new UsageError('explain needs exactly one of --id ID, --seq N, --novalidhost (try --help)');
  if (flags.id !== undefined) return { kind: 'id', id: flags.id };
  if (flags.seq !== undefined) return { kind: 'seq', seq: flags.seq };
  return { kind: 'novalidhost', limit: flags.limit };
}
