import { join } from 'node:path';
import { type Command, InvalidArgumentError, Option } from 'commander';
import type { Catalog } from '../catalog/catalog.ts';
import type { ClusterSpec } from '../cluster/cluster-spec.ts';
import { checkGrowable, growCluster } from '../cluster/grow.ts';
import { type HostShape, parseHostShape } from '../cluster/host-shape.ts';
import { writeJsonAtomic } from '../common/atomic-write.ts';
import { ExitStatus, UsageError } from '../common/errors.ts';
import { MAX_HOSTS } from '../common/limits.ts';
import { escapeControls } from '../common/safe-text.ts';
import { loadRunConfig } from '../config/run-config.ts';
import { flagsForStrategy } from '../config/scoped-flags.ts';
import { configPoints } from '../config/sweep.ts';
import { type Probe, searchCapacity } from '../pool/capacity.ts';
import { capacityReport, type StrategyCapacity } from '../pool/capacity-report.ts';
import type { CellError } from '../pool/cell-task.ts';
import type { CellSpec } from '../pool/cells.ts';
import type { Dispatcher } from '../pool/dispatcher.ts';
import { type GrowthResult, searchGrowth } from '../pool/grow.ts';
import { type PreparedTrace, prepareTraces } from '../pool/shared-traces.ts';
import { formatTable } from '../report/summary-table.ts';
import type { TraceInput } from '../trace/open-trace.ts';
import { examples } from './help.ts';
import {
  addClusterOption,
  addPoolOptions,
  collect,
  collectList,
  DEFAULT_STRATEGY,
  onBadRowOption,
  type PoolFlags,
  sessionFlags,
  strategiesOrDefault,
} from './matrix-options.ts';
import { intOption } from './options.ts';
import { checkOutputDir, refuseOverwrites } from './output-paths.ts';
import { startSession } from './session.ts';
import { SIGNAL_EXIT_CODE, stoppedBy } from './stop-signals.ts';
import { loadTraceInput } from './trace-input.ts';
import { addTraceInputOptions, type TraceFormat, type TransformFlags } from './transform-options.ts';

interface CapacityFlags extends PoolFlags, TransformFlags {
  traceFormat: TraceFormat;
  cluster: string;
  trace: string;
  strategy?: string[];
  config?: string;
  seed?: number;
  set: string[];
  target: number;
  out: string;
  growWith?: HostShape;
  growMax?: number;
}

/** A probe whose task failed: the search of that strategy stops with the task's error. */
class ProbeFailed extends Error {
  constructor(readonly error: CellError) {
    super(error.message);
  }
}

export function registerCapacity(program: Command, registry: Catalog): void {
  const cmd = program
    .command('capacity')
    .description(
      'find, per strategy, the fewest hosts (taken in cluster order) that place the whole trace within a NoValidHost rate',
    );
  addClusterOption(cmd)
    .requiredOption('--trace <file>', 'trace CSV')
    .addOption(
      new Option(
        '--strategy <names>',
        `strategies, comma-separated or repeated: ${registry.names().join(', ')}`,
      )
        .argParser(collectList)
        .default(undefined, DEFAULT_STRATEGY),
    )
    .option('--config <file>', 'run config (JSON or YAML)')
    .option('--seed <n>', 'seed of the random source (overrides the config)', intOption('--seed'))
    .option(
      '--set <key=value>',
      'set a config option (repeatable; wins over --config; strategy.key=value for one strategy alone)',
      collect,
      [],
    )
    .addOption(
      new Option('--target <rate>', 'the NoValidHost rate a cluster may have and still count as big enough')
        .argParser((v) => {
          const r = Number(v);
          if (v.trim() === '' || !(r >= 0 && r <= 1))
            throw new InvalidArgumentError(`--target expects a rate from 0 to 1, got "${v}"`);
          return r;
        })
        .default(0),
    )
    .option(
      '--grow-with <shape>',
      'instead: the fewest hosts of this shape to add to the whole cluster (vcpus=32,memory_mb=131072,disk_gb=1000[,gpus=N,gpu_model=M,az=Z] or a JSON/YAML file)',
      (v: string) => parseHostShape(v, '--grow-with'),
    )
    .addOption(
      new Option('--grow-max <n>', 'most hosts --grow-with may add')
        .argParser(intOption('--grow-max'))
        .default(undefined, "10 x the cluster's hosts, at least 100"),
    )
    .addOption(onBadRowOption());
  addTraceInputOptions(cmd);
  addPoolOptions(cmd, 'parse the trace once and share it with the workers')
    .option('--out <dir>', 'directory for capacity.json', 'reports')
    .addHelpText(
      'after',
      examples(
        'schedbench capacity --cluster traces/default-cluster.json --trace traces/default-trace.csv',
        '# the fewest hosts each strategy needs for at most 1% NoValidHost',
        'schedbench capacity --cluster C.json --trace T.csv --strategy filter,best-fit --target 0.01',
        '# how many hosts of one shape to add to the whole cluster instead',
        'schedbench capacity --cluster C.json --trace T.csv --grow-with vcpus=32,memory_mb=131072,disk_gb=1000',
      ),
    )
    .option('--quiet', 'print nothing but errors')
    .action(async (flags: CapacityFlags) => {
      const strategies = strategiesOrDefault(flags.strategy);
      const run = strategies.map((s) => registry.get(s));
      const points = strategies.map((s) =>
        configPoints(flagsForStrategy(flags.set, '--set', s, run), [], registry.get(s).optionsSchema),
      );
      if (points.some((p) => p.length !== 1))
        throw new UsageError('capacity takes one value per option (a comma list here would be a sweep)');
      // Options are checked here, before a worker starts, not in every probe.
      strategies.forEach((s, i) => {
        loadRunConfig(registry.get(s), flags.config, points[i][0].sets, flags.seed);
      });
      const { cluster, traceInput } = await loadTraceInput(flags);
      const room = MAX_HOSTS - cluster.hosts.length;
      if (flags.growMax !== undefined && !flags.growWith)
        throw new UsageError('--grow-max needs --grow-with');
      if (flags.growMax !== undefined && !(flags.growMax >= 1 && flags.growMax <= room))
        throw new UsageError(
          `--grow-max expects an integer from 1 to ${room} (the host limit less the cluster's hosts)`,
        );
      if (flags.growWith) checkGrowable(cluster);
      const maxAdded = flags.growMax ?? Math.min(room, Math.max(100, 10 * cluster.hosts.length));
      const path = join(flags.out, 'capacity.json');
      checkOutputDir(flags.out, '--out');
      refuseOverwrites(
        [
          { role: '--trace', path: flags.trace },
          { role: '--cluster', path: flags.cluster },
          ...(flags.config ? [{ role: '--config', path: flags.config }] : []),
        ],
        [{ role: 'capacity report', path }],
      );
      // The workers start while this thread parses the trace (every probe reads it: shared).
      const session = startSession({
        registry,
        inline: false,
        workers: flags.workers,
        ...sessionFlags(flags),
      });
      // Strategies search side by side; each round of one probes its share of the workers.
      const width = Math.max(1, Math.floor(flags.workers / strategies.length));
      let results: StrategyCapacity[];
      try {
        const traces = await prepareTraces(new Map([[flags.trace, Number.POSITIVE_INFINITY]]), {
          mode: flags.shareTraces,
          onBadRow: flags.onBadRow,
          streamOnly: traceInput ? 'read through --trace-format or transforms' : undefined,
        });
        const trace = traces.get(flags.trace)!;
        results = await Promise.all(
          strategies.map(async (strategy, i): Promise<StrategyCapacity> => {
            const probeOn = (sized: (n: number) => ClusterSpec) =>
              poolProbe(session.dispatcher, {
                strategy,
                sets: points[i][0].sets,
                flags,
                sized,
                trace,
                traceInput,
              });
            const shape = flags.growWith;
            try {
              if (shape) {
                const probe = probeOn((n) => growCluster(cluster, shape, n));
                return { strategy, growth: await searchGrowth(maxAdded, width, probe) };
              }
              const probe = probeOn((n) => ({ ...cluster, hosts: cluster.hosts.slice(0, n) }));
              return { strategy, result: await searchCapacity(cluster.hosts.length, width, probe) };
            } catch (err) {
              if (err instanceof ProbeFailed) return { strategy, error: err.error };
              throw err;
            }
          }),
        );
      } finally {
        await session.close();
      }
      const report = capacityReport(
        {
          trace: flags.trace,
          cluster: flags.cluster,
          totalHosts: cluster.hosts.length,
          target: flags.target,
          gpusOfPrefix: gpusOfPrefix(cluster),
          growWith: flags.growWith,
          maxAdded,
        },
        results,
      );
      const signal = session.interrupted();
      if (signal) {
        throw new ExitStatus(SIGNAL_EXIT_CODE[signal], `${stoppedBy(signal)}: no capacity.json written`);
      }
      writeJsonAtomic(path, report);
      if (!flags.quiet)
        process.stdout.write(
          `${flags.growWith ? growthTable(results, cluster.hosts.length, flags.growWith) : capacityTable(results, cluster.hosts.length, gpusOfPrefix(cluster))}

report: ${escapeControls(path)}
`,
        );
      const failed = results.filter((r) => r.error);
      if (failed.length === 0) return;
      const first = failed[0].error!;
      if (failed.length === results.length && failed.every((f) => f.error!.message === first.message)) {
        throw new ExitStatus(first.kind === 'input' || first.kind === 'usage' ? 2 : 1, first.message);
      }
      for (const f of failed) process.stderr.write(`schedbench: ${f.strategy}: ${f.error!.message}\n`);
      throw new ExitStatus(1);
    });
}

/**
 * A probe on the pool: the trace replayed on the cluster `sized(n)` (the first n hosts, or the
 * cluster with n hosts added), passing within the target. The probe's `hosts` is n.
 */
function poolProbe(
  dispatcher: Dispatcher,
  o: {
    strategy: string;
    sets: Readonly<Record<string, unknown>>;
    flags: CapacityFlags;
    sized: (n: number) => ClusterSpec;
    trace: PreparedTrace;
    traceInput: TraceInput | undefined;
  },
): (hosts: number) => Promise<Probe> {
  const grow = o.flags.growWith !== undefined;
  return async (hosts) => {
    const probed = o.sized(hosts);
    const cell: CellSpec = {
      index: hosts,
      name: `${o.strategy}@${grow ? '+' : ''}${hosts}`,
      tracePath: o.flags.trace,
      strategy: o.strategy,
      configPath: o.flags.config,
      sets: o.sets,
      seed: o.flags.seed,
      coords: { strategy: o.strategy, hosts },
    };
    const result = await dispatcher.submit(
      {
        cell,
        clusterPath: o.flags.cluster,
        cluster: probed,
        trace: o.trace.shared,
        onBadRow: o.flags.onBadRow,
        placementsPath: undefined,
        traceInput: o.traceInput,
      },
      o.trace.rows,
    );
    if (!result.ok) throw new ProbeFailed(result.error);
    const p = result.report.placement;
    return {
      hosts,
      passed: p.no_valid_host_rate === null ? p.no_valid_host === 0 : p.no_valid_host_rate <= o.flags.target,
      noValidHostRate: p.no_valid_host_rate,
      noValidHost: p.no_valid_host,
      instances: p.instances,
      ...(probed.hosts.some((h) => h.gpus > 0)
        ? {
            gpus: probed.hosts.reduce((n, h) => n + h.gpus, 0),
            gpuAllocationRate: result.report.quality.gpu?.allocation_rate ?? null,
          }
        : {}),
    };
  };
}

/** GPUs of the first n hosts for n = 0..hosts (a probe is a prefix); undefined without GPUs. */
function gpusOfPrefix(cluster: ClusterSpec): number[] | undefined {
  if (!cluster.hosts.some((h) => h.gpus > 0)) return undefined;
  const out = [0];
  for (const h of cluster.hosts) out.push(out[out.length - 1] + h.gpus);
  return out;
}

const pct = (r: number | null | undefined) =>
  r === undefined ? '-' : r === null ? '–' : `${(100 * r).toFixed(2)}%`;

/**
 * The console table; with GPUs (`gpus`: GPUs of each host prefix) also the GPUs of the hosts found
 * (of the cluster's) and the GPU allocation rate there, as capacity.json has them.
 */
function capacityTable(
  results: readonly StrategyCapacity[],
  total: number,
  gpus: readonly number[] | undefined,
): string {
  // strategy, hosts, of, [GPUs, of], NVH rate, NVH rate at hosts-1, [GPU alloc rate], probes, note
  const withGpus = (row: string[], found: string, of: string, rate: string) =>
    gpus ? [...row.slice(0, 3), found, of, ...row.slice(3, 5), rate, ...row.slice(5)] : row;
  const totalGpus = gpus ? String(gpus[total]) : '';
  const head = ['strategy', 'hosts', 'of', 'NVH rate', 'NVH rate at hosts-1', 'probes', 'note'];
  return formatTable(
    withGpus(head, 'GPUs', 'of', 'GPU alloc rate'),
    results.map(({ strategy, result, error }) => {
      if (!result)
        return withGpus(
          [strategy, '-', String(total), '-', '-', '-', `failed: ${error!.message}`],
          '-',
          totalGpus,
          '-',
        );
      const at = (n: number | null) => result.probes.find((p) => p.hosts === n);
      const note =
        result.hosts === null
          ? 'does not fit on every host'
          : result.nonMonotone
            ? 'not monotone: a larger cluster failed (see capacity.json)'
            : '';
      const rate = at(result.hosts ?? total)?.gpuAllocationRate;
      return withGpus(
        [
          strategy,
          result.hosts === null ? '-' : String(result.hosts),
          String(total),
          pct(at(result.hosts ?? total)?.noValidHostRate),
          result.hosts === null || result.hosts === 0 ? '-' : pct(at(result.hosts - 1)?.noValidHostRate),
          String(result.probes.length),
          note,
        ],
        result.hosts === null || !gpus ? '-' : String(gpus[result.hosts]),
        totalGpus,
        rate === undefined || rate === null ? '-' : pct(rate),
      );
    }),
  );
}

const shapeText = (s: HostShape) =>
  `vcpus=${s.vcpus},memory_mb=${s.memory_mb},disk_gb=${s.disk_gb}${s.gpus > 0 ? `,gpus=${s.gpus}${s.gpu_model ? `,gpu_model=${s.gpu_model}` : ''}` : ''}${s.az ? `,az=${s.az}` : ''}`;

function growthTable(results: readonly StrategyCapacity[], base: number, shape: HostShape): string {
  const table = formatTable(
    ['strategy', 'hosts', 'of which added', 'NVH rate', 'NVH rate with one fewer', 'probes', 'note'],
    results.map(({ strategy, growth, error }) => {
      if (!growth) return [strategy, '-', '-', '-', '-', '-', `failed: ${error!.message}`];
      const g: GrowthResult = growth;
      const at = (n: number) => g.probes.find((p) => p.hosts === n);
      const n = g.added;
      const note =
        n === null
          ? `does not fit even with ${g.maxAdded} more hosts of this shape`
          : n === 0
            ? 'fits as it is'
            : `needs ${n} more host${n === 1 ? '' : 's'} of this shape${g.nonMonotone ? ' (not monotone: found by a linear scan)' : ''}`;
      return [
        strategy,
        n === null ? '-' : String(base + n),
        n === null ? '-' : String(n),
        pct(at(n ?? g.maxAdded)?.noValidHostRate),
        n === null || n === 0 ? '-' : pct(at(n - 1)?.noValidHostRate),
        String(g.probes.length),
        note,
      ];
    }),
  );
  return `grow with: ${shapeText(shape)} (cluster: ${base} hosts)\n${table}`;
}
