import type { Command } from 'commander';
import { ExitStatus } from '../common/errors.ts';
import { checkReports, formatResult } from '../report/check.ts';
import { readReports } from '../report/read-report.ts';
import { loadThresholds } from '../report/thresholds.ts';

interface CheckFlags {
  thresholds: string;
  baseline: string[];
  verbose?: boolean;
}

/**
 * `schedbench check --thresholds T REPORT... [--baseline B...]`: exit 0 when every bound holds, 1
 * with one line per violated bound, 2 on bad input (docs/check.md).
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
    .action((args: string[], flags: CheckFlags) => {
      const thresholds = loadThresholds(flags.thresholds);
      const reports = readReports(args).map((l) => l.report);
      const baselines = readReports(flags.baseline).map((l) => l.report);
      const results = checkReports(thresholds, reports, baselines);
      const violated = results.filter((r) => r.holds === false);
      for (const r of flags.verbose ? results : violated) {
        const mark = r.holds === null ? 'n/a' : r.holds ? 'ok' : 'VIOLATED';
        process.stdout.write(
          flags.verbose ? `${mark.padEnd(8)} ${formatResult(r)}\n` : `${formatResult(r)}\n`,
        );
      }
      const strategies = [...new Set(results.map((r) => r.strategy))].join(', ');
      const summary = `${results.length} bound(s) over ${reports.length} report(s) of ${strategies || 'no strategy'}`;
      if (violated.length > 0) throw new ExitStatus(1, `check: ${violated.length} of ${summary} violated`);
      process.stdout.write(`check: all ${summary} hold\n`);
    });
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
