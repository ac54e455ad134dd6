// Schedule-loop cost of every built-in strategy, on one generated
// cluster and trace. Only the time inside driver calls counts (the manager's clock), so trace
// parsing does not blur the figures. Runs are interleaved (one of each strategy per round) and
// summarised as medians, so ratios compare runs made under the same machine load.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { clusterFromObject } from '../src/cluster/cluster-spec.ts';
import { generateCluster } from '../src/generate/cluster.ts';
import { DEFAULT_GENERATOR_OPTIONS } from '../src/generate/options.ts';
import { generateTrace } from '../src/generate/trace.ts';
import { replay } from '../src/replay/replayer.ts';
import { formatTable } from '../src/report/summary-table.ts';
import type { AnyStrategy } from '../src/scheduler/strategy.ts';
import { CsvTraceSource } from '../src/trace/csv-reader.ts';
import { BUILTIN_STRATEGIES } from '../strategies/index.ts';

const HOSTS = Number(process.env.BENCH_HOSTS ?? 1000);
const ROWS = Number(process.env.BENCH_ROWS ?? 10_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);

interface Sample {
  nsPerDecision: number;
  evalsPerDecision: number;
  placed: number;
  noValidHost: number;
  claimFailures: number;
  retries: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function run(): Promise<void> {
  const o = { ...DEFAULT_GENERATOR_OPTIONS, seed: 3, hosts: HOSTS, rows: ROWS, meanLifetime: 3600 };
  const tracePath = join(mkdtempSync(join(tmpdir(), 'schedbench-bench-')), 'trace.csv');
  generateTrace(o, tracePath);
  const spec = clusterFromObject(generateCluster(o));
  const strategies: readonly AnyStrategy[] = BUILTIN_STRATEGIES;

  const once = async (s: AnyStrategy): Promise<Sample> => {
    const r = await replay(spec, new CsvTraceSource(tracePath), {
      strategy: s,
      strategyOptions: s.optionsSchema.parse({}),
      seed: 1,
      maxAttempts: 3,
      onBadRow: 'stop',
    });
    const m = r.result.manager;
    return {
      nsPerDecision: (m.driverMs * 1e6) / m.decisions,
      evalsPerDecision: m.hostEvaluations / m.decisions,
      placed: m.placed,
      noValidHost: m.noValidHost,
      claimFailures: m.claimFailures,
      retries: m.retries,
    };
  };

  for (const s of strategies) await once(s); // warm-up: JIT and caches
  const samples = new Map<string, Sample[]>(strategies.map((s) => [s.name, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const s of strategies) samples.get(s.name)!.push(await once(s));
  }
  const ns = (name: string) => median(samples.get(name)!.map((x) => x.nsPerDecision));
  const base = ns('filter');
  const rows = strategies.map((s) => {
    const xs = samples.get(s.name)!;
    const last = xs[xs.length - 1];
    return [
      s.name,
      ns(s.name).toFixed(0),
      (ns(s.name) / base).toFixed(2),
      median(xs.map((x) => x.evalsPerDecision)).toFixed(1),
      String(last.placed),
      String(last.noValidHost),
      String(last.claimFailures),
      String(last.retries),
    ];
  });
  process.stdout.write(
    `strategies: ${HOSTS} hosts, ${ROWS} rows, median of ${ROUNDS} interleaved rounds (driver time only)\n`,
  );
  process.stdout.write(
    `${formatTable(
      [
        'strategy',
        'ns/decision',
        'x filter',
        'hosts/decision',
        'placed',
        'NoValidHost',
        'claim fails',
        'retries',
      ],
      rows,
    )}\n`,
  );
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) await run();
