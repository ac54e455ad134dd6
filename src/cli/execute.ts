import { join } from 'node:path';
import type { ClusterSpec } from '../cluster/cluster-spec.ts';
import { writeFileAtomic } from '../common/atomic-write.ts';
import { loadRunConfig, ratioOverrides } from '../config/run-config.ts';
import type { ReplayObserver } from '../replay/observer.ts';
import { replay } from '../replay/replayer.ts';
import { buildReport } from '../report/build-report.ts';
import { PlacementsWriter } from '../report/placements-writer.ts';
import type { Report } from '../report/schema.ts';
import type { Strategy } from '../scheduler/strategy.ts';
import { CsvTraceSource } from '../trace/csv-reader.ts';

export interface RunRequest {
  readonly clusterPath: string;
  readonly cluster: ClusterSpec;
  readonly tracePath: string;
  readonly strategy: Strategy<unknown>;
  readonly configPath?: string;
  readonly sets?: Readonly<Record<string, unknown>>;
  readonly seed?: number;
  readonly onBadRow: 'stop' | 'skip';
  readonly outDir?: string;
  readonly placementsPath?: string;
}

/** One replay from files to a written report: what `run` and `demo` do per strategy. */
export async function executeRun(
  req: RunRequest,
): Promise<{ report: Report; reportPath: string | undefined }> {
  const config = loadRunConfig(req.strategy, req.configPath, req.sets, req.seed);
  const observers: ReplayObserver[] = [];
  if (req.placementsPath)
    observers.push(
      new PlacementsWriter(
        req.placementsPath,
        req.cluster.hosts.map((h) => h.name),
      ),
    );
  const source = new CsvTraceSource(req.tracePath);
  const r = await replay(req.cluster, source, {
    strategy: req.strategy,
    strategyOptions: config.strategyOptions,
    seed: config.common.seed,
    maxAttempts: config.common.max_attempts,
    multiCreate: config.common.multi_create,
    ratioOverrides: ratioOverrides(config.common),
    onBadRow: req.onBadRow,
    observers,
  });
  const report = await buildReport(r.result, {
    tracePath: req.tracePath,
    clusterPath: req.clusterPath,
    hosts: req.cluster.hosts.length,
    strategy: req.strategy.name,
    seed: config.common.seed,
    config: config.effective,
    onBadRow: req.onBadRow,
  });
  let reportPath: string | undefined;
  if (req.outDir) {
    reportPath = join(req.outDir, `${req.strategy.name}.json`);
    writeFileAtomic(reportPath, `${JSON.stringify(report, null, 2)}\n`);
  }
  return { report, reportPath };
}
