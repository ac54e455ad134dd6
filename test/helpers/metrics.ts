import type { ClusterSpec } from '../../src/cluster/cluster-spec.ts';
import { MetricsCollector, type MetricsOptions } from '../../src/metrics/collector.ts';
import { scanShapes } from '../../src/metrics/shapes.ts';
import type { MetricsSummary } from '../../src/metrics/summary.ts';
import type { ReplayConfig, Replayer } from '../../src/replay/replayer.ts';
import { CsvTraceSource } from '../../src/trace/csv-reader.ts';
import { type OutcomeLog, replayLines, traceFile } from './replay.ts';

/** Replay CSV lines with the metrics collector attached; returns its summary too. */
export async function replayWithMetrics(
  spec: ClusterSpec,
  lines: readonly string[],
  opts: Partial<MetricsOptions> = {},
  cfg: Partial<ReplayConfig> & { options?: Record<string, unknown> } = {},
): Promise<{ m: MetricsSummary; r: Replayer; log: OutcomeLog }> {
  const shapes = await scanShapes(new CsvTraceSource(traceFile(lines)));
  const collector = new MetricsCollector(shapes, opts);
  const { r, log } = await replayLines(spec, lines, {
    ...cfg,
    observers: [collector, ...(cfg.observers ?? [])],
  });
  return { m: collector.summary(), r, log };
}
