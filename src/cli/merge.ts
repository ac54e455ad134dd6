import { existsSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Command } from 'commander';
import { copyFileAtomic, writeJsonAtomic } from '../common/atomic-write.ts';
import { ExitStatus, UsageError } from '../common/errors.ts';
import { escapeControls } from '../common/safe-text.ts';
import { mergedOutputNames, mergedSummary, planMerge, readShardFolders } from '../pool/merge-runs.ts';
import { summaryTable } from '../report/summary-table.ts';
import { writeReportOutputs } from '../report/write-outputs.ts';
import { examples } from './help.ts';
import { checkOutputDir, type NamedPath, refuseOverwrites, reportOutputPaths } from './output-paths.ts';

/** `schedbench merge DIR... --out DIR`: the shards of a `run --shard K/N` as one run folder. */
export function registerMerge(program: Command): void {
  program
    .command('merge')
    .description(
      'combine the output folders of run --shard 1/N..N/N into one run folder (reports, run.json, summary.md, timeseries.csv, report.html)',
    )
    .argument('<dirs...>', 'the output folders of the shards (each with its run.json)')
    .option('--out <dir>', 'the merged folder (must not be one of the shard folders)', 'merged')
    .option('--per-seed', 'in summary.md, besides mean ± 95% CI over seeds, one row per seed')
    .option('--quiet', 'print nothing but errors')
    .addHelpText(
      'after',
      examples(
        'schedbench run --cluster C.json --trace T.csv --strategy filter,best-fit --seed 1,2,3 --shard 2/3 --out shard-2',
        '# on one machine, after every shard finished',
        'schedbench merge shard-1 shard-2 shard-3 --out merged',
        'schedbench check --thresholds ci/thresholds.yaml merged/',
      ),
    )
    .action(async (dirs: string[], flags: { out: string; perSeed?: boolean; quiet?: boolean }) => {
      checkOutputDir(flags.out, '--out');
      const plan = planMerge(readShardFolders(dirs));
      const inputs: NamedPath[] = plan.folders.map((f) => ({ role: 'shard run summary', path: f.runJson }));
      const outputs: NamedPath[] = [{ role: 'merged run summary', path: join(flags.out, 'run.json') }];
      const copies: { from: string; to: string }[] = [];
      for (const c of plan.cells) {
        const names = mergedOutputNames(c);
        for (const [what, from, name] of [
          ['report', c.reportPath, names.report],
          ['placements', c.placementsPath, names.placements],
        ] as const) {
          if (from === null || name === null) continue;
          inputs.push({ role: `${what} of cell ${c.cell.name}`, path: from });
          outputs.push({ role: `merged ${what} of cell ${c.cell.name}`, path: join(flags.out, name) });
          copies.push({ from, to: join(flags.out, name) });
        }
      }
      outputs.push(...reportOutputPaths(flags.out));
      refuseOverwrites(inputs, outputs);
      refuseStrayReports(flags.out, outputs);

      for (const { from, to } of copies) copyFileAtomic(from, to);
      const summary = mergedSummary(plan);
      const reports = plan.cells.flatMap((c) => (c.report ? [c.report] : []));
      const perSeed = flags.perSeed ?? false;
      if (reports.length > 0) await writeReportOutputs(flags.out, reports, { perSeed });
      // run.json last: a merged folder with a run.json is a complete one.
      writeJsonAtomic(join(flags.out, 'run.json'), summary);
      if (!flags.quiet) {
        if (reports.length > 0) process.stdout.write(`${summaryTable(reports, { perSeed })}\n\n`);
        process.stdout.write(
          `merged ${plan.folders.length} folder(s) of ${plan.shardCount} shard(s): ${summary.counts.cells} cells into ${escapeControls(flags.out)}/\n`,
        );
      }
      const notOk = summary.cells.filter((c) => c.status !== 'ok');
      if (notOk.length > 0)
        throw new ExitStatus(
          1,
          `${notOk.length} of ${summary.counts.cells} cells did not finish in their shard: ${notOk.map((c) => `${c.name} (${c.status}${c.error ? `: ${c.error.message}` : ''})`).join('; ')}`,
        );
    });
}

/**
 * A folder of reports is read whole (check, compare, report): a report of another run left in
 * `--out` would join the merged ones there, so merge writes only into a folder without such files.
 */
function refuseStrayReports(out: string, outputs: readonly NamedPath[]): void {
  if (!existsSync(out)) return;
  const mine = new Set(outputs.map((o) => basename(o.path)));
  const stray = readdirSync(out).filter((n) => n.endsWith('.json') && !n.startsWith('.') && !mine.has(n));
  if (stray.length > 0)
    throw new UsageError(
      `--out ${out} holds ${stray.length} JSON file(s) this merge does not write (${stray.slice(0, 3).join(', ')}${stray.length > 3 ? ', ...' : ''}), which a read of the folder would take as reports: merge into a new or empty folder`,
    );
}
