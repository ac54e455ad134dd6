import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { clusterFromObject } from '../../src/cluster/cluster-spec.ts';
import type { Report } from '../../src/report/schema.ts';
import { runReplayTask } from '../../src/run/replay-task.ts';
import { filterStrategy } from '../../strategies/filter/index.ts';
import { CLUSTER, TRACE } from '../e2e/scenario.ts';
import { tempDir } from './replay.ts';

/** Real reports of the e2e scenario (test/e2e/scenario.ts), one per `--set` object given. */
export async function scenarioReports(sets: readonly Record<string, unknown>[]): Promise<Report[]> {
  const dir = tempDir();
  const clusterPath = join(dir, 'cluster.json');
  const tracePath = join(dir, 'trace.csv');
  writeFileSync(clusterPath, JSON.stringify(CLUSTER));
  writeFileSync(tracePath, `${TRACE.join('\n')}\n`);
  const reports: Report[] = [];
  for (const s of sets) {
    reports.push(
      await runReplayTask({
        clusterPath,
        cluster: clusterFromObject(CLUSTER),
        tracePath,
        strategy: filterStrategy,
        sets: s,
        onBadRow: 'stop',
        calibrationSamples: 5,
      }),
    );
  }
  return reports;
}

/** A deep copy of a report with some fields changed, for fixtures of compare and check. */
export function withChanges(r: Report, change: (copy: Report) => void): Report {
  const copy = structuredClone(r);
  change(copy);
  return copy;
}

/** Write reports as JSON files into a fresh directory; returns their paths. */
export function writeReports(reports: readonly Report[], names?: readonly string[]): string[] {
  const dir = tempDir();
  return reports.map((r, i) => {
    const path = join(dir, `${names?.[i] ?? `report-${i}`}.json`);
    writeFileSync(path, `${JSON.stringify(r, null, 2)}\n`);
    return path;
  });
}
