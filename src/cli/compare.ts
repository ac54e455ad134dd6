import { type Command, Option } from 'commander';
import { writeFileAtomic } from '../common/atomic-write.ts';
import { UsageError } from '../common/errors.ts';
import { compareMarkdown, DEFAULT_COMPARE_OPTIONS, type GroupBy, groupSides } from '../report/compare.ts';
import { readReports } from '../report/read-report.ts';
import { examples } from './help.ts';
import { checkOutputFile, refuseOverwrites } from './output-paths.ts';

interface CompareFlags {
  by: GroupBy;
  alpha: string;
  out?: string;
}

/** `schedbench compare A B [...]`: every metric side by side, as Markdown for a pull request. */
export function registerCompare(program: Command): void {
  program
    .command('compare')
    .description('compare reports side by side (Markdown): deltas, 95% CIs and significance over seeds')
    .argument('<reports...>', 'report files or directories of reports; the first side is the reference')
    .addOption(
      new Option(
        '--by <grouping>',
        'what makes a side: each argument, each strategy, or each strategy+config',
      )
        .choices(['arg', 'strategy', 'config'])
        .default('arg'),
    )
    .option(
      '--alpha <p>',
      "significance level of Welch's two-sided t-test",
      String(DEFAULT_COMPARE_OPTIONS.alpha),
    )
    .option('--out <file>', 'write the Markdown to a file instead of stdout')
    .addHelpText(
      'after',
      examples(
        'schedbench compare reports/filter.json reports/best-fit.json',
        '# a matrix run of several seeds: one side per strategy, mean +- 95% CI',
        'schedbench compare reports/ --by strategy',
        '# main against a branch, for a pull request',
        'schedbench compare reports/main/ reports/branch/ --out compare.md',
      ),
    )
    .action((args: string[], flags: CompareFlags) => {
      const alpha = Number(flags.alpha);
      if (!(alpha > 0 && alpha < 1))
        throw new UsageError(`--alpha expects a number in (0, 1), got "${flags.alpha}"`);
      const loaded = args.flatMap((arg) => readReports([arg]).map((l) => ({ ...l, arg })));
      if (flags.out) {
        checkOutputFile(flags.out, '--out');
        refuseOverwrites(
          loaded.map((l) => ({ role: 'report', path: l.path })),
          [{ role: '--out', path: flags.out }],
        );
      }
      const md = compareMarkdown(groupSides(loaded, flags.by), { alpha });
      if (flags.out) writeFileAtomic(flags.out, md);
      else process.stdout.write(md);
    });
}
