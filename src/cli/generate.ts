import type { Command } from 'commander';
import { escapeControls } from '../common/safe-text.ts';
import { DEFAULT_GENERATOR_OPTIONS, generateTrace, writeGeneratedCluster } from '../trace/generate.ts';
import { intOption } from './options.ts';
import { checkOutputFile } from './output-paths.ts';

interface GenerateFlags {
  rows: number;
  hosts: number;
  seed: number;
  out: string;
  meanLifetime: number;
}

/** `schedbench generate`: a seeded synthetic cluster and trace, for benchmarks and tests. */
export function registerGenerate(program: Command): void {
  program
    .command('generate')
    .description('write a seeded synthetic cluster (PREFIX-cluster.json) and trace (PREFIX-trace.csv)')
    .requiredOption('--out <prefix>', 'output path prefix')
    .option('--rows <n>', 'trace rows', intOption('--rows'), DEFAULT_GENERATOR_OPTIONS.rows)
    .option('--hosts <n>', 'hosts in the cluster', intOption('--hosts'), DEFAULT_GENERATOR_OPTIONS.hosts)
    .option('--seed <n>', 'seed', intOption('--seed'), DEFAULT_GENERATOR_OPTIONS.seed)
    .option(
      '--mean-lifetime <s>',
      'mean instance lifetime in seconds',
      intOption('--mean-lifetime'),
      DEFAULT_GENERATOR_OPTIONS.meanLifetime,
    )
    .action((flags: GenerateFlags) => {
      const o = {
        ...DEFAULT_GENERATOR_OPTIONS,
        rows: flags.rows,
        hosts: flags.hosts,
        seed: flags.seed,
        meanLifetime: flags.meanLifetime,
      };
      checkOutputFile(`${flags.out}-cluster.json`, '--out');
      checkOutputFile(`${flags.out}-trace.csv`, '--out');
      writeGeneratedCluster(o, `${flags.out}-cluster.json`);
      generateTrace(o, `${flags.out}-trace.csv`);
      process.stdout.write(
        `${escapeControls(flags.out)}-cluster.json (${o.hosts} hosts)\n${escapeControls(flags.out)}-trace.csv (${o.rows} rows)\n`,
      );
    });
}
