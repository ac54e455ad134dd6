import type { Command } from 'commander';
import { escapeControls } from '../common/safe-text.ts';
import { readReports } from '../report/read-report.ts';
import { writeReportOutputs } from '../report/write-outputs.ts';
import { examples } from './help.ts';
import { checkOutputDir, refuseOverwrites, reportOutputPaths } from './output-paths.ts';

/** `schedbench report REPORT... --out DIR`: summary.md, timeseries.csv and report.html from JSON reports. */
export function registerReport(program: Command): void {
  program
    .command('report')
    .description(
      'write summary.md, timeseries.csv and report.html for some JSON reports (e.g. runs made separately)',
    )
    .argument('<reports...>', 'report files or directories of reports')
    .option('--out <dir>', 'output directory', 'reports')
    .option('--per-seed', 'in summary.md, besides mean ± 95% CI over seeds, one row per seed')
    .addHelpText(
      'after',
      examples(
        'schedbench report reports/a.json other/b.json --out combined',
        '# several seeds of a strategy: mean ± 95% CI, and one row per seed below',
        'schedbench report reports/ --per-seed --out combined',
      ),
    )
    .action(async (args: string[], flags: { out: string; perSeed?: boolean }) => {
      const loaded = readReports(args);
      checkOutputDir(flags.out, '--out');
      refuseOverwrites(
        loaded.map((l) => ({ role: 'input report', path: l.path })),
        reportOutputPaths(flags.out),
      );
      const reports = loaded.map((l) => l.report);
      const out = await writeReportOutputs(flags.out, reports, { perSeed: flags.perSeed ?? false });
      process.stdout.write(`${Object.values(out).map(escapeControls).join('\n')}\n`);
    });
}
