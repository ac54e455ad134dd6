// `npm run fgd-paper [-- --seeds 42,43 --out DIR --traces DIR --workers N]`: the FGD paper's
// headline (Weng et al., USENIX ATC'23, Fig. 7) through the CLI: per seed, `convert` the openb
// default pods with no departures, a seeded shuffle and inflation to 1.3x GPU capacity, then one
// `run` matrix on the pool over every seed's trace and every policy, then the table and plot.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { allocationPlotSvg } from './plot.ts';
import { POLICIES } from './policies.ts';
import {
  markdownTable,
  medianCurve,
  runsFromReportDirs,
  runsFromSimulatorCsv,
  summarise,
} from './summarise.ts';

const ROOT = resolve(new URL('../../', import.meta.url).pathname);
const CLI = join(ROOT, 'bin/schedbench.js');
const { values } = parseArgs({
  options: {
    seeds: { type: 'string', default: '42,43,44,45,46,47,48,49,50,51' },
    out: { type: 'string', default: 'reports/fgd-paper' },
    traces: { type: 'string' },
    workers: { type: 'string' },
    'tie-break': { type: 'string', default: 'random' },
    'paper-csv': { type: 'string', default: join(ROOT, 'bench/fgd-paper/simulator-openb-default.csv') },
  },
});
const seeds = values.seeds!.split(',').map((s) => s.trim());
const out = resolve(values.out!);
const tracesDir =
  values.traces ??
  ['../shared/traces/alibaba-openb-2023', '../../shared/traces/alibaba-openb-2023']
    .map((d) => resolve(ROOT, d))
    .find((d) => existsSync(d));
if (!tracesDir) throw new Error('openb traces not found beside the clone: pass --traces DIR');
// The simulator's cluster: the 1,213 GPU nodes (data/prepare_input.sh copies openb_node_list_gpu_node).
const nodes = join(tracesDir, 'openb_node_list_gpu_node.csv');
const pods = join(tracesDir, 'openb_pod_list_default.csv');

const cli = (args: string[]) =>
  execFileSync(process.execPath, [CLI, ...args], { stdio: ['ignore', 'ignore', 'inherit'] });
const started = Date.now();
const load0 = loadavg()[0];
const clock = () => `${((Date.now() - started) / 1000).toFixed(0)} s`;

// Strategies present on this tree (gpu-clustering may not be), and which take `tie_break`.
const listing = execFileSync(process.execPath, [CLI, 'strategies'], { encoding: 'utf8' });
const block = (name: string) => listing.split(/\n(?=\S)/).find((b) => b.startsWith(`${name} `));
const present = POLICIES.filter((p) => block(p.strategy));
const missing = new Map(
  POLICIES.filter((p) => !block(p.strategy)).map((p) => [
    p.paper,
    `no \`${p.strategy}\` strategy on this tree`,
  ]),
);

const traceDir = join(out, 'traces');
mkdirSync(traceDir, { recursive: true });
const cluster = join(traceDir, 'cluster.json');
for (const s of seeds) {
  cli([
    'convert',
    '--from',
    'openb',
    nodes,
    pods,
    '--no-departures',
    '--shuffle',
    s,
    '--inflate',
    '1.3',
    '--transform-seed',
    s,
    '--out',
    join(traceDir, `seed-${s}.csv`),
    '--cluster-out',
    cluster,
  ]);
}
process.stderr.write(`fgd-paper: ${seeds.length} traces converted (${clock()})\n`);

// Kubernetes' selectHost breaks equal scores at random: by default the strategies that can, do.
const groups = [
  {
    dir: `tie-${values['tie-break']}`,
    sets: ['--set', `tie_break=${values['tie-break']}`],
    names: present.filter((p) => block(p.strategy)!.includes('tie_break')),
  },
  { dir: 'plain', sets: [], names: present.filter((p) => !block(p.strategy)!.includes('tie_break')) },
];
const traceArgs = seeds.flatMap((s) => ['--trace', join(traceDir, `seed-${s}.csv`)]);
for (const g of groups) {
  if (g.names.length === 0) continue;
  cli([
    'run',
    '--cluster',
    cluster,
    ...traceArgs,
    '--strategy',
    g.names.map((p) => p.strategy).join(','),
    ...g.sets,
    '--seed',
    '1',
    '--out',
    join(out, 'reports', g.dir),
    '--quiet',
    ...(values.workers ? ['--workers', values.workers] : []),
  ]);
  process.stderr.write(`fgd-paper: ${g.names.map((p) => p.strategy).join(', ')} done (${clock()})\n`);
}

const reports = runsFromReportDirs(groups.map((g) => join(out, 'reports', g.dir)));
const rows = summarise(reports);
const paperCsv = values['paper-csv']!;
const paper = existsSync(paperCsv) ? runsFromSimulatorCsv(readFileSync(paperCsv, 'utf8')) : [];
const wall = (Date.now() - started) / 1000;
const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}, load ${load0.toFixed(1)} at start, ${loadavg()[0].toFixed(1)} at end`;
const md = [
  '# The FGD paper headline on schedbench',
  '',
  `Seeds ${seeds.join(', ')}; openb default pods on ${reports[0]?.capacityGpus ?? '?'} GPUs, no departures, seeded shuffle, inflated to 1.3x GPU capacity. Wall ${wall.toFixed(0)} s on ${machine}.`,
  'Unallocated GPU % = 100 − allocated GPU % of capacity at that arrived demand; median (min–max) over seeds.',
  '',
  '## schedbench',
  '',
  markdownTable(rows, missing),
  ...(paper.length > 0
    ? [
        '## The simulator (experiments/analysis/expected_results/analysis_allo_discrete.csv)',
        '',
        markdownTable(summarise(paper)),
      ]
    : []),
].join('\n');
writeFileSync(join(out, 'results.md'), md);
const curve = medianCurve(reports);
writeFileSync(
  join(out, 'curve.csv'),
  `policy,arrived_pct,unallocated_pct\n${curve.map((p) => `${p.policy},${p.arrived_pct},${p.unallocated_pct}`).join('\n')}\n`,
);
writeFileSync(
  join(out, 'fig7.svg'),
  await allocationPlotSvg(curve, 'openb default: unallocated GPU vs arrived workload (schedbench)'),
);
if (paper.length > 0) {
  writeFileSync(
    join(out, 'fig7-simulator.svg'),
    await allocationPlotSvg(medianCurve(paper), "openb default: the simulator's expected results"),
  );
}
process.stdout.write(`${md}\nwritten: ${out}/results.md, curve.csv, fig7.svg (${clock()})\n`);
