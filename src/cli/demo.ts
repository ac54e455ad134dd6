import { join, sep } from 'node:path';
import type { Command } from 'commander';
import type { Catalog } from '../catalog/catalog.ts';
import { loadCluster } from '../cluster/cluster-spec.ts';
import { packagePath } from '../common/package-root.ts';
import { escapeControls } from '../common/safe-text.ts';
import { parseSetFlags } from '../config/run-config.ts';
import type { ProgressSnapshot } from '../pool/dispatcher.ts';
import { MeteredSource, newTaskMeter } from '../pool/metered-source.ts';
import { ProgressReporter, progressMode } from '../pool/progress.ts';
import type { Report } from '../report/schema.ts';
import { summaryTable } from '../report/summary-table.ts';
import { writeReportOutputs } from '../report/write-outputs.ts';
import { executeRun } from '../run/execute.ts';
import { scanTrace } from '../trace/columnar-builder.ts';
import { CsvTraceSource } from '../trace/csv-reader.ts';
import { examples } from './help.ts';
import { profileOption, profileSets, progressIntervalOption } from './matrix-options.ts';
import { printNextSteps } from './next-steps.ts';
import {
  checkOutputDir,
  isRunSummary,
  refuseOverwrites,
  removeEarlierOutputs,
  reportOutputPaths,
} from './output-paths.ts';

const TRACES = packagePath('traces') + sep;
export const DEFAULT_TRACE = `${TRACES}default-trace.csv`;
export const DEFAULT_CLUSTER = `${TRACES}default-cluster.json`;

/** `schedbench demo`: the bundled default trace against every built-in strategy. */
export function registerDemo(program: Command, registry: Catalog, defaults: readonly string[]): void {
  program
    .command('demo')
    .description('replay the bundled default trace against the default strategies and print the summary')
    .option(
      '--out <dir>',
      'directory for the reports (JSON per strategy, summary.md, timeseries.csv, report.html)',
      'reports',
    )
    .addOption(progressIntervalOption())
    .addOption(profileOption())
    .addHelpText(
      'after',
      examples(
        'schedbench demo',
        'schedbench demo --out /tmp/demo && xdg-open /tmp/demo/report.html',
        '# every strategy on what a default Zed deployment offers it (Placement first)',
        'schedbench demo --profile nova-zed --out /tmp/demo-zed',
      ),
    )
    .option('--quiet', 'print nothing but errors')
    .action(async (flags: { out: string; progressInterval: number; quiet?: boolean; profile?: string }) => {
      const sets = parseSetFlags(profileSets(flags.profile));
      checkOutputDir(flags.out, '--out');
      const earlier = [
        ...defaults.map((name) => ({ role: `report of ${name}`, path: join(flags.out, `${name}.json`) })),
        ...reportOutputPaths(flags.out),
      ];
      // A matrix run's run.json left in --out would tell check about that run's cells, not these.
      const runJson = join(flags.out, 'run.json');
      if (isRunSummary(runJson)) earlier.push({ role: 'run summary of an earlier run', path: runJson });
      refuseOverwrites(
        [
          { role: 'the bundled trace', path: DEFAULT_TRACE },
          { role: 'the bundled cluster', path: DEFAULT_CLUSTER },
        ],
        earlier,
      );
      removeEarlierOutputs(earlier);
      const cluster = loadCluster(DEFAULT_CLUSTER);
      const reports: Report[] = [];
      // The same progress display as `run`, fed by a meter on the trace source (rows read so far).
      const meter = newTaskMeter(new Int32Array(new SharedArrayBuffer(4)));
      let rowsPerReplay = Math.max(0, (await scanTrace(DEFAULT_TRACE)).lines - 1);
      let rowsFinished = 0;
      const snapshot = (): ProgressSnapshot => ({
        tasksTotal: defaults.length,
        tasksDone: reports.length,
        tasksFailed: 0,
        rowsTotal: rowsPerReplay * defaults.length,
        rowsDone: rowsFinished + Math.min(rowsPerReplay, Atomics.load(meter.rows, 0)),
      });
      const progress = new ProgressReporter({
        mode: progressMode(flags.quiet ?? false, process.stderr),
        stream: process.stderr,
        intervalMs: flags.progressInterval * 1000,
      });
      progress.start(snapshot);
      try {
        for (const name of defaults) {
          Atomics.store(meter.rows, 0, 0);
          const { report } = await executeRun({
            clusterPath: DEFAULT_CLUSTER,
            cluster,
            tracePath: DEFAULT_TRACE,
            source: new MeteredSource(new CsvTraceSource(DEFAULT_TRACE), meter),
            plainCsv: true,
            strategy: registry.get(name),
            sets,
            onBadRow: 'stop',
            outDir: flags.out,
          });
          // The rows the replay read, which the line count may overstate (a blank last line).
          rowsPerReplay = Atomics.load(meter.rows, 0);
          rowsFinished += rowsPerReplay;
          Atomics.store(meter.rows, 0, 0);
          reports.push(report);
        }
      } finally {
        progress.stop();
      }
      const outputs = await writeReportOutputs(flags.out, reports);
      if (flags.quiet) return;
      process.stdout.write(
        `trace: ${DEFAULT_TRACE}\ncluster: ${DEFAULT_CLUSTER} (${cluster.hosts.length} hosts)\n\n`,
      );
      process.stdout.write(
        `${summaryTable(reports)}\n\nreports in ${escapeControls(flags.out)}/ (summary: ${escapeControls(outputs.markdown)}, plots: ${escapeControls(outputs.html)})\n`,
      );
      const reportPaths = defaults.map((name) => join(flags.out, `${name}.json`));
      printNextSteps({ out: flags.out, html: outputs.html, reportPaths, reports });
    });
}
