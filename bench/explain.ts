// The cost of explaining (issue 16): the bundled trace replayed with the filter strategy four ways,
// alternating: bare (a plain replay, no observer), explain off (the NoValidHost cause counter, the
// plain driver), sampled (explain off plus the report's sampled funnel: what every run pays) and
// explain on (every decision explained in diagnosis mode and serialised, as `run --explain` does).
// Medians of per-replay CPU time over interleaved rounds.
import { builtinCatalog } from '../src/catalog/bootstrap.ts';
import { loadCluster } from '../src/cluster/cluster-spec.ts';
import { explainingStrategy } from '../src/explain/explaining-driver.ts';
import { FunnelSampler, funnelSampleEvery } from '../src/explain/funnel-sampler.ts';
import { NoValidHostCauseCounter } from '../src/explain/nvh-causes.ts';
import type { ReplayObserver } from '../src/replay/observer.ts';
import { replay } from '../src/replay/replayer.ts';
import type { AnyStrategy } from '../src/scheduler/strategy.ts';
import { CsvTraceSource } from '../src/trace/csv-reader.ts';

export interface ExplainOverhead {
  readonly bareMs: number;
  readonly offMs: number;
  readonly sampledMs: number;
  /** The sample interval of the sampled funnel, and the decisions it summed per replay. */
  readonly every: number;
  readonly sampleSize: number;
  readonly onMs: number;
  readonly samples: number;
}

export async function explainOverhead(
  clusterPath: string,
  tracePath: string,
  timeMs: number,
): Promise<ExplainOverhead> {
  const cluster = loadCluster(clusterPath);
  const strategy = builtinCatalog().get('filter');
  let bytes = 0;
  const on = explainingStrategy(strategy, {
    top: 5,
    wants: () => true,
    record: (r) => {
      bytes += JSON.stringify(r).length;
    },
  }) as AnyStrategy;
  const run = (s: AnyStrategy, observers: ReplayObserver[]) =>
    replay(cluster, new CsvTraceSource(tracePath), {
      strategy: s,
      strategyOptions: strategy.optionsSchema.parse({}),
      seed: 0,
      maxAttempts: 3,
      onBadRow: 'stop',
      observers,
    });
  const every = funnelSampleEvery(cluster.hosts.length);
  let sampleSize = 0;
  const runSampled = async () => {
    const sampler = new FunnelSampler(every);
    await run(sampler.strategy(strategy) as AnyStrategy, [new NoValidHostCauseCounter()]);
    sampleSize = sampler.result().funnel?.decisions ?? 0;
  };
  const variants: [string, () => Promise<unknown>][] = [
    ['bare', () => run(strategy, [])],
    ['explain off', () => run(strategy, [new NoValidHostCauseCounter()])],
    ['sampled', () => runSampled()],
    ['explain on', () => run(on, [new NoValidHostCauseCounter()])],
  ];
  // Interleaved rounds, the order rotating, each replay timed in CPU time (robust to other load).
  const cpuMs: number[][] = variants.map(() => []);
  for (const [, f] of variants) await f(); // warm-up
  const deadline = performance.now() + timeMs;
  for (let round = 0; round < 5 || (performance.now() < deadline && round < 2000); round++) {
    for (let j = 0; j < variants.length; j++) {
      const v = (round + j) % variants.length;
      const t0 = process.cpuUsage();
      await variants[v][1]();
      const t = process.cpuUsage(t0);
      cpuMs[v].push((t.user + t.system) / 1000);
    }
  }
  if (bytes === 0) throw new Error('explain on wrote nothing');
  if (sampleSize === 0) throw new Error('the sampled funnel summed nothing');
  const [bare, off, sampled, withExplain] = cpuMs.map(median);
  return {
    bareMs: bare,
    offMs: off,
    sampledMs: sampled,
    every,
    sampleSize,
    onMs: withExplain,
    samples: cpuMs[0].length,
  };
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
}
