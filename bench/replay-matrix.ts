import { join } from 'node:path';
import { loadCluster } from '../src/cluster/cluster-spec.ts';
import { writeFileAtomic } from '../src/common/atomic-write.ts';
import { scanShapes } from '../src/metrics/shapes.ts';
import { runReplayTask } from '../src/replay/task.ts';
import type { Report } from '../src/report/schema.ts';
import { type ReportOutputs, writeReportOutputs } from '../src/report/write-outputs.ts';
import { CsvTraceSource } from '../src/trace/csv-reader.ts';
import { builtinRegistry } from '../strategies/index.ts';

/**
 * Every registered strategy over a trace, once per seed, sequentially (timings are not disturbed
 * by a sibling replay); writes one JSON report per cell and the summary, CSV and HTML of them all.
 */
export async function replayMatrix(
  clusterPath: string,
  tracePath: string,
  seeds: readonly number[],
  outDir: string,
): Promise<{ reports: Report[]; outputs: ReportOutputs }> {
  const cluster = loadCluster(clusterPath);
  const shapes = await scanShapes(new CsvTraceSource(tracePath));
  const reports: Report[] = [];
  for (const strategy of builtinRegistry().list()) {
    for (const seed of seeds) {
      const report = await runReplayTask({
        clusterPath,
        cluster,
        tracePath,
        strategy,
        seed,
        shapes,
        onBadRow: 'stop',
      });
      writeFileAtomic(
        join(outDir, `${strategy.name}-seed${seed}.json`),
        `${JSON.stringify(report, null, 2)}\n`,
      );
      reports.push(report);
    }
  }
  return { reports, outputs: await writeReportOutputs(outDir, reports) };
}
