import type { Command } from 'commander';
import { ExitStatus, InputError } from '../common/errors.ts';
import { checkReports, formatResult, printable, uncoveredReports } from '../report/check.ts';
import { readReportSet, readReports, type UnfinishedCell } from '../report/read-report.ts';
import { loadThresholds } from '../report/thresholds.ts';
import { examples } from './help.ts';

interface CheckFlags {
  thresholds: string;
  baseline: string[];
  verbose?: boolean;
}

/**
 * `schedbench check --thresholds T REPORT... [--baseline B...]`: exit 0 when every bound holds, 1
 * with one line per violated bound, 2 on bad input: a thresholds key that names no report's
 * strategy, a baseline of another trace or cluster, or no bound that could be evaluated at all
 * (docs/check.md). Reports no bound covers are named in a warning on stderr.
 */
export function registerCheck(program: Command): void {
  program
    .command('check')
    .description(
      'check reports against thresholds (absolute, or relative to baseline reports); exit 1 on a violation',
    )
    .argument(
      '<reports...>',
      'report files or directories; several runs of a strategy are checked on their median',
    )
    .requiredOption('--thresholds <file>', 'thresholds file (JSON or YAML)')
    .option('--baseline <report>', 'baseline report file or directory (repeatable)', collect, [])
    .option('--verbose', 'print every bound with its value, not only the violated ones')
    .addHelpText(
      'after',
      examples(
        'schedbench check --thresholds ci/thresholds.yaml reports/',
        '# relative bounds (">= 0.9 * baseline") against the reports of main',
        'schedbench check --thresholds T.yaml reports/branch/ --baseline reports/main/ --verbose',
        '# the metric ids a thresholds file may name',
        'schedbench metrics',
      ),
    )
    .action((args: string[], flags: CheckFlags) => {
      const thresholds = loadThresholds(flags.thresholds);
      const { reports, unfinished } = readReportSet(args);
      const baselines = readReports(flags.baseline);
      const results = checkReports(thresholds, reports, baselines);
      const notApplicable = results.filter((r) => r.holds === null).length;
      // Zero bounds evaluated is never a pass: the gate would hold whatever the reports say.
      if (results.length === notApplicable)
        throw new InputError(
          thresholds.path,
          undefined,
          undefined,
          results.length === 0
            ? `no bound applies to the reports (of strategies: ${[...new Set(reports.map((l) => printable(l.report.inputs.strategy)))].join(', ')})`
            : `none of the ${results.length} bound(s) could be evaluated: every metric is n/a in these reports (see --verbose)`,
        );
      const uncovered = uncoveredReports(reports, results);
      for (const u of uncovered)
        process.stderr.write(
          `schedbench: warning: no bound covers the ${u.paths.length} report(s) of strategy ${printable(u.strategy)} (${u.paths.map(printable).join(', ')}); give it a key in ${thresholds.path} or use '*'\n`,
        );
      const violated = results.filter((r) => r.holds === false);
      for (const r of flags.verbose ? results : violated) {
        const mark = r.holds === null ? 'n/a' : r.holds ? 'ok' : 'VIOLATED';
        process.stdout.write(
          flags.verbose ? `${mark.padEnd(8)} ${formatResult(r)}\n` : `${formatResult(r)}\n`,
        );
      }
      // A cell of the run that wrote no report is a violation: its bounds could not be checked.
      for (const u of unfinished) process.stdout.write(`${unfinishedLine(u)}\n`);
      const checked = new Set(results.map((r) => r.strategy));
      const covered = reports.filter((l) => checked.has(l.report.inputs.strategy)).length;
      const summary = `${results.length - notApplicable} bound(s) over ${covered} report(s) of ${[...checked].map(printable).join(', ')}`;
      const notes = [
        notApplicable > 0 ? `${notApplicable} more n/a` : '',
        uncovered.length > 0
          ? `${reports.length - covered} report(s) of ${uncovered.map((u) => printable(u.strategy)).join(', ')} not covered`
          : '',
      ].filter(Boolean);
      const tail = notes.length > 0 ? ` (${notes.join('; ')})` : '';
      const bounds =
        violated.length > 0 ? `${violated.length} of ${summary} violated` : `all ${summary} hold`;
      if (unfinished.length > 0)
        throw new ExitStatus(
          1,
          `check: ${unfinished.length} cell(s) of the run wrote no report; ${bounds}${tail}`,
        );
      if (violated.length > 0) throw new ExitStatus(1, `check: ${bounds}${tail}`);
      process.stdout.write(`check: all ${summary} hold${tail}\n`);
    });
}

function unfinishedLine(u: UnfinishedCell): string {
  const what = u.status === 'cancelled' ? 'was cancelled' : 'failed';
  const message = printable(u.error?.message.split('\n')[0] ?? '');
  const why = u.error && u.error.kind !== 'cancelled' ? ` (${u.error.kind}: ${message})` : '';
  return `cell ${printable(u.name)} ${what}${why}: ${printable(u.runJson)} lists no report of it, so none of its bounds was checked`;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
