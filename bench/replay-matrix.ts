import { join } from 'node:path';
import { Bench } from 'tinybench';
import { builtinCatalog } from '../src/catalog/bootstrap.ts';
import { loadCluster } from '../src/cluster/cluster-spec.ts';
import { writeJsonAtomic } from '../src/common/atomic-write.ts';
import { MetricsCollector } from '../src/metrics/collector.ts';
import { scanShapes } from '../src/metrics/shapes.ts';
import type { ReplayObserver } from '../src/replay/observer.ts';
import { replay } from '../src/replay/replayer.ts';
import type { Report } from '../src/report/schema.ts';
import { type ReportOutputs, writeReportOutputs } from '../src/report/write-outputs.ts';
import { runReplayTask } from '../src/run/replay-task.ts';
import { CsvTraceSource } from '../src/trace/csv-reader.ts';

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
  for (const strategy of builtinCatalog().list()) {
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
      writeJsonAtomic(join(outDir, `${strategy.name}-seed${seed}.json`), report);
      reports.push(report);
    }
  }
  return { reports, outputs: await writeReportOutputs(outDir, reports) };
}

/**
 * What the metrics cost: the bundled trace replayed with the filter strategy with no observer and
 * with the metrics collector, alternating in one tinybench run; medians of each and their ratio.
 */
export async function metricsOverhead(
  clusterPath: string,
  tracePath: string,
  timeMs: number,
): Promise<{ bareMs: number; measuredMs: number; ratio: number; samples: number }> {
  const cluster = loadCluster(clusterPath);
  const shapes = await scanShapes(new CsvTraceSource(tracePath));
  const strategy = builtinCatalog().get('filter');
  const cfg = (observers: ReplayObserver[]) => ({
    strategy,
    strategyOptions: strategy.optionsSchema.parse({}),
    seed: 0,
    maxAttempts: 3,
    onBadRow: 'stop' as const,
    observers,
  });
  const bench = new Bench({ time: timeMs, warmup: true, iterations: 5 });
  bench.add('replay without metrics', async () => {
    await replay(cluster, new CsvTraceSource(tracePath), cfg([]));
  });
  bench.add('replay with metrics', async () => {
    await replay(cluster, new CsvTraceSource(tracePath), cfg([new MetricsCollector(shapes)]));
  });
  await bench.run();
  const [bare, measured] = bench.tasks.map((t) => {
    if (t.result.state !== 'completed') throw new Error(`${t.name}: ${t.result.state}`);
    return t.result.latency;
  });
  return {
    bareMs: bare.p50,
    measuredMs: measured.p50,
    ratio: measured.p50 / bare.p50,
    samples: Math.min(bare.samplesCount, measured.samplesCount),
  };
}
