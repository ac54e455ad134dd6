// The programmatic API: `import { replay, compare, check } from 'schedbench'`. The plugin API
// (defineStrategy, defineFilter, ...) is `schedbench/plugin`. Everything here runs in the calling
// thread; bad input throws InputError or UsageError with the one line the CLI would print.
import { builtinCatalog, loadPluginFile, resolveStrategy } from './catalog/bootstrap.ts';
import { loadCluster } from './cluster/cluster-spec.ts';
import { InputError } from './common/errors.ts';
import { type BoundResult, checkReports, uncoveredReports } from './report/check.ts';
import { compareMarkdown, DEFAULT_COMPARE_OPTIONS, type GroupBy, groupSides } from './report/compare.ts';
import { type LoadedReport, readReportSet, type UnfinishedCell } from './report/read-report.ts';
import { type Report, reportSchema } from './report/schema.ts';
import { loadThresholds } from './report/thresholds.ts';
import { runReplayTask } from './run/replay-task.ts';

export { ExitStatus, InputError, UsageError } from './common/errors.ts';
export type { BoundResult } from './report/check.ts';
export type { GroupBy } from './report/compare.ts';
export { readReport, type UnfinishedCell } from './report/read-report.ts';
export type { Report } from './report/schema.ts';
export { PluginError } from './scheduler/errors.ts';

/** Options of {@link replay}; paths are read as the CLI's flags of the same names. */
export interface ReplayOptions {
  /** Cluster file (JSON or YAML), as `--cluster`. */
  readonly cluster: string;
  /** Canonical trace CSV, as `--trace`. */
  readonly trace: string;
  /** A built-in strategy's name, a plugin strategy's name, or a `.ts`/`.js` strategy file. Default `filter`. */
  readonly strategy?: string;
  /** Plugin files (filters, weighers, strategies), as `--plugin`. */
  readonly plugins?: readonly string[];
  /** Run config file, as `--config`. */
  readonly config?: string;
  /** Option values that win over the config, as `--set key=value` (values already typed). */
  readonly set?: Readonly<Record<string, unknown>>;
  /** Seed of the random source; overrides the config's. */
  readonly seed?: number;
  /** What a malformed trace row does: stop with its file:line (default) or skip it. */
  readonly onBadRow?: 'stop' | 'skip';
  /** Write one CSV row per instance here (seq,id,host,attempts), as `--placements`. */
  readonly placements?: string;
}

/**
 * Replay one trace against one strategy and return the validated report (what `schedbench run`
 * writes as `<strategy>.json`); nothing is written unless `placements` is given.
 */
export async function replay(options: ReplayOptions): Promise<Report> {
  const catalog = builtinCatalog();
  for (const file of options.plugins ?? []) await loadPluginFile(file, catalog);
  const strategy = await resolveStrategy(options.strategy ?? 'filter', catalog);
  return runReplayTask({
    clusterPath: options.cluster,
    cluster: loadCluster(options.cluster),
    tracePath: options.trace,
    strategy,
    configPath: options.config,
    sets: options.set,
    seed: options.seed,
    onBadRow: options.onBadRow ?? 'stop',
    placementsPath: options.placements,
  });
}

/** Reports given as objects (validated) or as report files and folders of reports (read). */
function load(
  reports: readonly (Report | string)[],
  unfinished: UnfinishedCell[] = [],
): (LoadedReport & { arg: string })[] {
  return reports.flatMap((r, i) => {
    if (typeof r === 'string') {
      const set = readReportSet([r]);
      unfinished.push(...set.unfinished);
      return set.reports.map((l) => ({ ...l, arg: r }));
    }
    const parsed = reportSchema.safeParse(r);
    if (!parsed.success)
      throw new InputError(
        `reports[${i}]`,
        undefined,
        parsed.error.issues[0]?.path.join('.'),
        parsed.error.issues[0]?.message ?? 'not a report',
      );
    const label = `${parsed.data.inputs.strategy}#${i + 1}`;
    return [{ path: label, report: parsed.data, arg: label }];
  });
}

/** Options of {@link compare}. */
export interface CompareOptions {
  /** What makes a side: each argument (default), each strategy, or each strategy + config. */
  readonly by?: GroupBy;
  /** Significance level of Welch's two-sided t-test (default 0.05). */
  readonly alpha?: number;
}

/**
 * Compare reports side by side: the Markdown `schedbench compare` prints (every metric, deltas to
 * the first side, 95% CIs and significance over seeds). Needs at least two sides.
 */
export function compare(reports: readonly (Report | string)[], options: CompareOptions = {}): string {
  return compareMarkdown(groupSides(load(reports), options.by ?? 'arg'), {
    alpha: options.alpha ?? DEFAULT_COMPARE_OPTIONS.alpha,
  });
}

/** What {@link check} found. */
export interface CheckResult {
  /**
   * True when every bound that could be evaluated holds (at least one always is) and no cell of a
   * run folder given failed or was cancelled.
   */
  readonly passed: boolean;
  /** Every bound with its value and limit; `holds` is null where the metric is n/a. */
  readonly results: readonly BoundResult[];
  /** Strategies whose reports no bound covers (a warning in the CLI). */
  readonly uncovered: readonly string[];
  /** Cells that a folder's run.json says failed or were cancelled: no report of them was checked. */
  readonly unfinished: readonly UnfinishedCell[];
}

/**
 * Check reports against a thresholds file, as `schedbench check`: the median over each
 * strategy's reports against absolute bounds, or against `baseline` reports for relative ones.
 * Throws InputError when no bound could be evaluated: a gate never passes by checking nothing.
 */
export function check(
  reports: readonly (Report | string)[],
  thresholds: string,
  options: { readonly baseline?: readonly (Report | string)[] } = {},
): CheckResult {
  const t = loadThresholds(thresholds);
  const unfinished: UnfinishedCell[] = [];
  const loaded = load(reports, unfinished);
  const results = checkReports(t, loaded, load(options.baseline ?? []));
  if (results.every((r) => r.holds === null))
    throw new InputError(t.path, undefined, undefined, 'no bound could be evaluated against these reports');
  return {
    passed: unfinished.length === 0 && results.every((r) => r.holds !== false),
    results,
    uncovered: uncoveredReports(loaded, results).map((u) => u.strategy),
    unfinished,
  };
}
