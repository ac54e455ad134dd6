import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import type { Catalog } from '../catalog/catalog.ts';
import { loadCluster } from '../cluster/cluster-spec.ts';
import { escapeControls } from '../common/safe-text.ts';
import type { Report } from '../report/schema.ts';
import { summaryTable } from '../report/summary-table.ts';
import { writeReportOutputs } from '../report/write-outputs.ts';
import { executeRun } from '../run/execute.ts';
import { checkOutputDir, refuseOverwrites, reportOutputPaths } from './output-paths.ts';

const TRACES = fileURLToPath(new URL('../../traces/', import.meta.url));
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
    .action(async (flags: { out: string }) => {
      checkOutputDir(flags.out, '--out');
      refuseOverwrites(
        [
          { role: 'the bundled trace', path: DEFAULT_TRACE },
          { role: 'the bundled cluster', path: DEFAULT_CLUSTER },
        ],
        [
          ...defaults.map((name) => ({ role: `report of ${name}`, path: join(flags.out, `${name}.json`) })),
          ...reportOutputPaths(flags.out),
        ],
      );
      const cluster = loadCluster(DEFAULT_CLUSTER);
      const reports: Report[] = [];
      for (const name of defaults) {
        const { report } = await executeRun({
          clusterPath: DEFAULT_CLUSTER,
          cluster,
          tracePath: DEFAULT_TRACE,
          strategy: registry.get(name),
          onBadRow: 'stop',
          outDir: flags.out,
        });
        reports.push(report);
      }
      const outputs = await writeReportOutputs(flags.out, reports);
      process.stdout.write(
        `trace: ${DEFAULT_TRACE}\ncluster: ${DEFAULT_CLUSTER} (${cluster.hosts.length} hosts)\n\n`,
      );
      process.stdout.write(
        `${summaryTable(reports)}\n\nreports in ${escapeControls(flags.out)}/ (summary: ${escapeControls(outputs.markdown)}, plots: ${escapeControls(outputs.html)})\n`,
      );
    });
}
