import type { ClusterSpec } from '../../src/cluster/cluster-spec.ts';
import { explainingStrategy } from '../../src/explain/explaining-driver.ts';
import type { DecisionRecord } from '../../src/explain/record.ts';
import { replay } from '../../src/replay/replayer.ts';
import type { AnyStrategy } from '../../src/scheduler/strategy.ts';
import { CsvTraceSource } from '../../src/trace/csv-reader.ts';
import { OutcomeLog, traceFile } from './replay.ts';

/** Replay `lines` with every decision explained (top 5, one attempt): the records and the outcomes. */
export async function explainEvery(
  cluster: ClusterSpec,
  lines: readonly string[],
  strategy: AnyStrategy,
  options: Record<string, unknown>,
) {
  const records: DecisionRecord[] = [];
  const log = new OutcomeLog(cluster.hosts.map((h) => h.name));
  await replay(cluster, new CsvTraceSource(traceFile([...lines])), {
    strategy: explainingStrategy(strategy, { top: 5, wants: () => true, record: (r) => records.push(r) }),
    strategyOptions: strategy.optionsSchema.parse(options),
    seed: 1,
    maxAttempts: 1,
    onBadRow: 'stop',
    observers: [log],
  });
  return { records, log };
}
