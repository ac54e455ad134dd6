import type { ClusterSpec } from '../cluster/cluster-spec.ts';
import { loadRunConfig, placementOf, ratioOverrides } from '../config/run-config.ts';
import type { AggregatedFunnel } from '../explain/funnel.ts';
import { FunnelSampler, funnelSampleEvery } from '../explain/funnel-sampler.ts';
import { NoValidHostCauseCounter } from '../explain/nvh-causes.ts';
import { type RunExplainOptions, RunExplainRecorder } from '../explain/run-recorder.ts';
import { calibrationSamples, summariseCalibration } from '../metrics/calibration.ts';
import { MetricsCollector, type MetricsOptions } from '../metrics/collector.ts';
import { guessShapes, ShapeCheckSource, sameShapes } from '../metrics/shape-guess.ts';
import { flavorMix, type ShapeDistribution, scanShapes } from '../metrics/shapes.ts';
import type { ReplayObserver } from '../replay/observer.ts';
import { replay } from '../replay/replayer.ts';
import { buildReport } from '../report/build-report.ts';
import { PlacementsWriter } from '../report/placements-writer.ts';
import type { Report } from '../report/schema.ts';
import type { Strategy } from '../scheduler/strategy.ts';
import { CsvTraceSource } from '../trace/csv-reader.ts';
import type { RowSource } from '../trace/source.ts';

/** Everything one replay needs: the unit of work of `run`, `demo` and the worker pool. */
export interface ReplayTask {
  readonly clusterPath: string;
  readonly cluster: ClusterSpec;
  readonly tracePath: string;
  /**
   * Where rows come from; defaults to streaming `tracePath` through csv-parse. Without `shapes`, the
   * shape distribution is guessed from the file's bytes when `plainCsv` says the rows are the file's,
   * else read from the source first (a second read).
   */
  readonly source?: RowSource;
  /**
   * The source yields exactly the rows of the canonical CSV at `tracePath` (no adapter, no
   * transform); true when `source` is not given.
   */
  readonly plainCsv?: boolean;
  /** The trace's request-shape distribution, if already known (it is one per trace, not per replay). */
  readonly shapes?: ShapeDistribution;
  /**
   * With `plainCsv`: the guess of the shape distribution already made from the file's bytes (the
   * pool makes it once per streamed trace, beside its line count), checked as the task's own would be.
   */
  readonly shapeGuess?: ShapeDistribution;
  /** The trace's SHA-256 when another thread hashes it (undefined from it: hash the file here). */
  readonly traceSha256?: () => Promise<string | undefined>;
  /** Metric sampling options (window width). */
  readonly metrics?: Partial<MetricsOptions>;
  /**
   * Calibration-loop runs before and after the replay (each; docs/check.md). Default 150 (about 10 ms); 0 skips
   * the calibration and the report's `performance.calibration` is null.
   */
  readonly calibrationSamples?: number;
  readonly strategy: Strategy<unknown>;
  readonly configPath?: string;
  /** `--set` values (win over the config file). */
  readonly sets?: Readonly<Record<string, unknown>>;
  /** Overrides the config's seed. */
  readonly seed?: number;
  readonly onBadRow: 'stop' | 'skip';
  readonly placementsPath?: string;
  readonly observers?: readonly ReplayObserver[];
  /** The decision heartbeat the pool's watchdog reads (see SchedulerManager). */
  readonly heartbeat?: Int32Array;
  /** `run --explain`: explain every decision into this NDJSON file (off: the plain driver). */
  readonly explain?: RunExplainOptions;
}

/** Run one replay and return its validated report (nothing is written but `placementsPath`). */
export async function runReplayTask(task: ReplayTask): Promise<Report> {
  const source = task.source ?? new CsvTraceSource(task.tracePath);
  if (task.shapes) return replayWith(task, source, task.shapes);
  const plain = task.plainCsv ?? task.source === undefined;
  const guess = plain ? (task.shapeGuess ?? (await guessShapes(task.tracePath))) : undefined;
  if (!guess) return replayWith(task, source, await scanShapes(source));
  // One read: the replay checks the guess against the rows it decodes. A trace the byte pass misread
  // (bad rows, unusual number forms) is replayed again with the distribution the replay read, so the
  // report is exactly what a separate scan would give; observers then see two replays.
  const checked = new ShapeCheckSource(source);
  const report = await replayWith(task, checked, guess);
  const read = checked.shapes();
  return sameShapes(guess, read) ? report : replayWith(task, source, read);
}

async function replayWith(task: ReplayTask, source: RowSource, shapes: ShapeDistribution): Promise<Report> {
  const hasGpus = task.cluster.hosts.some((h) => h.gpus > 0);
  const config = loadRunConfig(task.strategy, task.configPath, task.sets, task.seed, undefined, hasGpus);
  const metrics = new MetricsCollector(shapes, task.metrics);
  const causes = new NoValidHostCauseCounter();
  const explainer = task.explain ? new RunExplainRecorder(task.explain) : undefined;
  // Without --explain, the report's funnel is sampled (docs/explain.md, "In every report").
  const sampler = explainer ? undefined : new FunnelSampler(funnelSampleEvery(task.cluster.hosts.length));
  const observers: ReplayObserver[] = [metrics, causes, ...(task.observers ?? [])];
  if (explainer) observers.push(explainer);
  const placement = placementOf(config.common);
  const placements = task.placementsPath
    ? new PlacementsWriter(
        task.placementsPath,
        task.cluster.hosts.map((h) => h.name),
        { alternates: placement !== undefined },
      )
    : undefined;
  if (placements) observers.push(placements);
  const samples = task.calibrationSamples ?? 150;
  const calibration = samples > 0 ? calibrationSamples(samples) : [];
  let r: Awaited<ReturnType<typeof replay>>;
  try {
    r = await replay(task.cluster, source, {
      strategy: (explainer ?? sampler)?.strategy(task.strategy) ?? task.strategy,
      strategyOptions: config.strategyOptions,
      flavors: flavorMix(shapes),
      seed: config.common.seed,
      maxAttempts: config.common.max_attempts,
      multiCreate: config.common.multi_create,
      placement,
      ratioOverrides: ratioOverrides(config.common),
      onBadRow: task.onBadRow,
      observers,
      heartbeat: task.heartbeat,
    });
  } catch (err) {
    // A strategy that throws while it is created fails before the replay could abort its observers.
    placements?.abort();
    explainer?.abort();
    throw err;
  }
  return buildReport(
    r.result,
    {
      tracePath: task.tracePath,
      traceSha256: task.traceSha256,
      clusterPath: task.clusterPath,
      hosts: task.cluster.hosts.length,
      strategy: task.strategy.name,
      seed: config.common.seed,
      config: config.effective,
      onBadRow: task.onBadRow,
    },
    {
      metrics: metrics.summary(),
      calibration:
        samples > 0 ? summariseCalibration([...calibration, ...calibrationSamples(samples)]) : null,
      explain: explainSection(causes, explainer ?? sampler),
    },
  );
}

function explainSection(
  causes: NoValidHostCauseCounter,
  funnel: { result(): { funnel: AggregatedFunnel | null; reason: string | null } } | undefined,
): NonNullable<Report['explain']> {
  const r = funnel?.result() ?? { funnel: null, reason: 'not measured' };
  return { no_valid_host_causes: causes.summary(), funnel: r.funnel, funnel_missing: r.reason };
}
