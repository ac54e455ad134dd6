// `npm run bench [-- --quick] [-- --out DIR]`: tinybench microbenchmarks of the hot path and a
// replay matrix of every strategy over the bundled trace. Timings are medians; compare figures
// only within one run (the machine is shared). `npm run bench -- --rss-10m [--rss-rows N]` runs
// only the heavy end-to-end memory check instead (bench/rss-10m.ts, about 20 CPU-minutes).
// First comes issue 15's targets table (bench/targets.ts); `--targets` prints only that table, and
// `--run-rows N` sets the whole-run case's trace length (default 10,000,000; not run with --quick).
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { formatTable, summaryTable } from '../src/report/summary-table.ts';
import { benchConvert } from './convert.ts';
import { benchCsvRead } from './csv-read.ts';
import { explainOverhead } from './explain.ts';
import { benchGpuDecisions } from './gpu-strategies.ts';
import { benchDecoding, benchHostScans, type MicroResult } from './hot-path.ts';
import { metricsOverhead, replayMatrix } from './replay-matrix.ts';
import { benchRss, RSS_LIMIT_MB, rssTable } from './rss-10m.ts';
import { benchTargets, targetsTable } from './targets.ts';
import { benchZed, NOVA_DECISIONS_PER_S, zedTable } from './zed.ts';

const ROOT = new URL('../', import.meta.url).pathname;
const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    out: { type: 'string', default: 'reports/bench' },
    'rss-10m': { type: 'boolean', default: false },
    'rss-rows': { type: 'string', default: '10000000' },
    targets: { type: 'boolean', default: false },
    'run-rows': { type: 'string', default: '10000000' },
  },
});
if (values['rss-10m']) {
  const rows = Number(values['rss-rows']);
  if (!Number.isInteger(rows) || rows < 1)
    throw new Error(`--rss-rows: a positive integer, got ${values['rss-rows']}`);
  process.stdout.write(
    `schedbench bench --rss-10m: Node ${process.version}, ${rows.toLocaleString('en-US')} openb pods, ` +
      `1,000 hosts, filter; peak RSS bound ${RSS_LIMIT_MB} MB\n`,
  );
  const { steps, ok, load } = await benchRss(rows);
  process.stdout.write(`${rssTable(steps)}\nload average (1, 5, 15 min): ${load}\n`);
  process.stdout.write(ok ? 'every step under the bound\n' : `a step reached ${RSS_LIMIT_MB} MB or more\n`);
  process.exit(ok ? 0 : 1);
}
const quick = values.quick ?? false;
const settings = quick
  ? { sizes: [1000], timeMs: 100, seeds: [0] }
  : { sizes: [1000, 10_000], timeMs: 500, seeds: [0, 1, 2] };

const num = (x: number, digits = 3) =>
  x >= 100 ? Math.round(x).toLocaleString('en-US') : x.toPrecision(digits);
function table(results: readonly MicroResult[], perRow = false): string {
  return formatTable(
    [
      'benchmark',
      'hosts',
      perRow ? 'median µs/row' : 'median µs',
      perRow ? 'rows/s' : 'ns/host',
      'samples',
      '±rme %',
    ],
    results.map((r) => [
      r.name,
      r.hosts === null ? '-' : r.hosts.toLocaleString('en-US'),
      num(r.medianUs),
      perRow ? num(r.opsPerS) : r.nsPerHost === null ? '-' : num(r.nsPerHost),
      String(r.samples),
      r.rme.toFixed(1),
    ]),
  );
}

process.stdout.write(`schedbench bench${quick ? ' (quick)' : ''}: Node ${process.version}\n\n`);
const runRows = Number(values['run-rows']);
if (!Number.isInteger(runRows) || runRows < 1)
  throw new Error(`--run-rows: a positive integer, got ${values['run-rows']}`);
process.stdout.write(
  'Targets (issue 15): one thread, medians of per-decision time; half-full generated clusters, dry runs\n' +
    `over 8 flavors unless said${quick ? '; the whole-run case is left out with --quick' : ''}\n`,
);
const targetLines = await benchTargets({ quick, runRows });
process.stdout.write(
  `${targetsTable(targetLines)}\nload average (1, 5, 15 min): ${loadavg()
    .map((x) => x.toFixed(2))
    .join(', ')}\n\n`,
);
if (values.targets) process.exit(0);
process.stdout.write(
  `Zed mode (issue 18): one decision = request filters + GET /allocation_candidates + the driver; dry runs\n` +
    `on half-full clusters, medians of per-decision CPU time; real Nova 26 makes about ${NOVA_DECISIONS_PER_S} decisions/s at 1,000 hosts here\n`,
);
process.stdout.write(
  `${zedTable(benchZed(settings.sizes, quick ? 300 : 1500))}\nload average (1, 5, 15 min): ${loadavg()
    .map((x) => x.toFixed(2))
    .join(', ')}\n\n`,
);
process.stdout.write(
  'Hot path: each filter and weigher over every host of a half-full cluster, and whole decisions\n',
);
process.stdout.write(`${table(await benchHostScans(settings.sizes, settings.timeMs))}\n\n`);
process.stdout.write(
  'GPU strategies: one decision on a half-full cluster with 8 GPUs per host (dry run, FGD mix of 13 types)\n',
);
process.stdout.write(`${table(await benchGpuDecisions(settings.sizes, settings.timeMs))}\n\n`);
process.stdout.write('Trace row decoding (bundled trace)\n');
process.stdout.write(
  `${table(await benchDecoding(`${ROOT}traces/default-trace.csv`, settings.timeMs), true)}\n\n`,
);
const csvRows = quick ? 100_000 : 1_000_000;
const csvReps = quick ? 3 : 5;
process.stdout.write(
  `Trace CSV read: a canonical numeric trace of ${csvRows.toLocaleString('en-US')} rows (medians of ${csvReps} interleaved runs)\n`,
);
process.stdout.write(
  `${formatTable(
    ['reader', 'rows', 'CPU s', 'rows/s (CPU)', 'rows/s (wall)'],
    (await benchCsvRead(csvRows, csvReps)).map((b) => [
      b.name,
      b.rows.toLocaleString('en-US'),
      b.cpuSeconds.toFixed(2),
      Math.round(b.rowsPerCpuS).toLocaleString('en-US'),
      Math.round(b.rowsPerWallS).toLocaleString('en-US'),
    ]),
  )}\nload average (1, 5, 15 min): ${(await import('node:os'))
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(', ')}\n\n`,
);
const convertRows = quick ? 20_000 : 200_000;
process.stdout.write(
  `convert: an openb pod list of ${convertRows.toLocaleString('en-US')} pods (medians of 3)\n`,
);
process.stdout.write(
  `${formatTable(
    ['variant', 'rows', 'seconds', 'rows/s'],
    (await benchConvert(convertRows, 3)).map((b) => [
      b.name,
      b.rows.toLocaleString('en-US'),
      b.seconds.toFixed(2),
      Math.round(b.rowsPerS).toLocaleString('en-US'),
    ]),
  )}\n\n`,
);
const overhead = await metricsOverhead(
  `${ROOT}traces/default-cluster.json`,
  `${ROOT}traces/default-trace.csv`,
  settings.timeMs * 4,
);
process.stdout.write(
  `Metrics overhead (bundled trace, filter, medians of ${overhead.samples}+ alternating runs): ` +
    `${overhead.bareMs.toFixed(1)} ms without, ${overhead.measuredMs.toFixed(1)} ms with (×${overhead.ratio.toFixed(3)})\n\n`,
);
const explain = await explainOverhead(
  `${ROOT}traces/default-cluster.json`,
  `${ROOT}traces/default-trace.csv`,
  settings.timeMs * 4,
);
process.stdout.write(
  `Explain overhead (bundled trace, filter, medians of the CPU time of ${explain.samples} interleaved runs each): ` +
    `${explain.bareMs.toFixed(1)} ms bare, ${explain.offMs.toFixed(1)} ms explain off (×${(explain.offMs / explain.bareMs).toFixed(3)}), ` +
    `${explain.sampledMs.toFixed(1)} ms with the sampled funnel (1 in ${explain.every}, ${explain.sampleSize} decisions; ×${(explain.sampledMs / explain.bareMs).toFixed(3)} of bare), ` +
    `${explain.onMs.toFixed(1)} ms explain on (×${(explain.onMs / explain.offMs).toFixed(2)} of off)\n\n`,
);
const { reports, outputs } = await replayMatrix(
  `${ROOT}traces/default-cluster.json`,
  `${ROOT}traces/default-trace.csv`,
  settings.seeds,
  values.out ?? 'reports/bench',
);
process.stdout.write(
  `Replay matrix: every strategy × seeds ${settings.seeds.join(', ')} over the bundled trace\n`,
);
process.stdout.write(
  `${summaryTable(reports)}\n\nreports: ${values.out}/ (${Object.values(outputs).join(', ')})\n`,
);

// Strategy and plugin-form benchmarks: every bench/*.bench.ts, in name order; each exports `run()`.
if (!quick) {
  const { readdirSync } = await import('node:fs');
  const dir = new URL('./', import.meta.url);
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.bench.ts'))
    .sort()) {
    const mod = (await import(new URL(file, dir).href)) as { run(): Promise<void> };
    await mod.run();
  }
}
