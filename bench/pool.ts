// Benchmark of the worker pool (npm run bench:pool): the speed-up of an 8-task matrix with 1 vs 2
// workers, and what sharing the parsed trace saves over every task parsing the CSV itself.
// Every figure is a median over REPS runs made in this process, configurations interleaved so
// that drift on a shared machine hits them alike. Usage: tsx bench/pool.ts [rows] [hosts] [reps]
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { builtinCatalog } from '../src/catalog/bootstrap.ts';
import { loadCluster } from '../src/cluster/cluster-spec.ts';
import { writeGeneratedCluster } from '../src/generate/cluster.ts';
import { DEFAULT_GENERATOR_OPTIONS } from '../src/generate/options.ts';
import { generateTrace } from '../src/generate/trace.ts';
import { expandMatrix } from '../src/pool/cells.ts';
import { Dispatcher } from '../src/pool/dispatcher.ts';
import { PoolExecutor } from '../src/pool/executor.ts';
import { runMatrix } from '../src/pool/run-matrix.ts';
import { prepareTraces, type SharingMode } from '../src/pool/shared-traces.ts';
import { ColumnarTraceSource, columnarBytes } from '../src/trace/columnar.ts';
import { parseColumnar, scanTrace } from '../src/trace/columnar-builder.ts';
import { CsvTraceSource } from '../src/trace/csv-reader.ts';
import type { RowSource } from '../src/trace/source.ts';

const [rows, hosts, reps] = [100_000, 300, 3].map((d, i) => Number(process.argv[2 + i] ?? d));

const dir = mkdtempSync(join(tmpdir(), 'schedbench-bench-pool-'));
const o = { ...DEFAULT_GENERATOR_OPTIONS, rows, hosts, seed: 1 };
const clusterPath = join(dir, 'cluster.json');
const tracePath = join(dir, 'trace.csv');
writeGeneratedCluster(o, clusterPath);
generateTrace(o, tracePath);
const cluster = loadCluster(clusterPath);
const registry = builtinCatalog();

// 8 tasks: 4 RAM weigher multipliers x 2 seeds (host_subset_size 2 so that the seed matters).
const cells = expandMatrix(
  {
    traces: [tracePath],
    strategies: ['filter'],
    configs: [],
    setFlags: ['host_subset_size=2', 'ram_weight_multiplier=-1,0,1,2'],
    sweepFlags: [],
    seeds: [1, 2],
  },
  registry,
);

/** CPU time (ms) every process on the machine has used so far, from /proc/stat (0 where there is none). */
function machineCpuMs(): number {
  try {
    const [cpu] = readFileSync('/proc/stat', 'utf8').split('\n');
    // user nice system idle iowait irq softirq steal, in clock ticks (USER_HZ = 100 on Linux).
    const t = cpu.trim().split(/\s+/).slice(1, 9).map(Number);
    return (t[0] + t[1] + t[2] + t[5] + t[6] + t[7]) * 10;
  } catch {
    return 0;
  }
}

interface Timing {
  readonly wall: number;
  /** CPU time of this process, all its threads. */
  readonly cpu: number;
  /** CPU time other processes used meanwhile: the machine is shared. */
  readonly others: number;
}

/**
 * One whole matrix run as `schedbench run` does it: prepare the trace, start the pool, run every
 * cell. Returns its wall time and CPU times in milliseconds.
 */
async function matrix(workers: number, sharing: SharingMode): Promise<Timing> {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const m0 = machineCpuMs();
  // As `run` does: the workers start while the main thread parses the trace.
  const executor = new PoolExecutor({ workers });
  const dispatcher = new Dispatcher(executor);
  try {
    const traces = await prepareTraces(new Map([[tracePath, cells.length]]), {
      mode: sharing,
      onBadRow: 'stop',
    });
    const outcomes = await runMatrix({ cells, clusterPath, cluster, onBadRow: 'stop', traces, dispatcher });
    const failed = outcomes.filter((x) => x.status !== 'ok');
    if (failed.length > 0) throw new Error(`${failed.length} cells failed: ${failed[0].error?.message}`);
  } finally {
    dispatcher.dispose();
    await executor.close();
  }
  const c = process.cpuUsage(c0);
  const cpu = (c.user + c.system) / 1000;
  return { wall: performance.now() - t0, cpu, others: Math.max(0, machineCpuMs() - m0 - cpu) };
}

async function readAll(source: RowSource): Promise<number> {
  const t0 = performance.now();
  await source.read({ row: () => {}, badRow: () => {} });
  return performance.now() - t0;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const sec = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

const { bytes: csvBytes } = await scanTrace(tracePath);
process.stdout.write(
  `bench:pool — ${rows.toLocaleString('en-US')} rows, ${hosts} hosts, ${cells.length} tasks, ` +
    `${reps} reps, ${availableParallelism()} cores, Node ${process.version}\n`,
);

const times = { w1: [] as number[], w2: [] as number[], w2stream: [] as number[] };
// CPU time over wall time: how many cores the run kept busy (2.0 at best here); a low figure with
// 2 workers means other processes took the cores, not that the pool serialised.
const cores = { w1: [] as number[], w2: [] as number[], w2stream: [] as number[] };
const busyElsewhere: number[] = [];
const record = (k: keyof typeof times, r: Timing) => {
  times[k].push(r.wall);
  cores[k].push(r.cpu / r.wall);
  busyElsewhere.push(r.others / r.wall);
};
const parse = { once: [] as number[], csvRead: [] as number[], columnarRead: [] as number[] };
for (let r = 0; r < reps; r++) {
  record('w1', await matrix(1, 'always'));
  record('w2', await matrix(2, 'always'));
  record('w2stream', await matrix(2, 'never'));
  const t0 = performance.now();
  const shared = await parseColumnar(tracePath, 'stop');
  parse.once.push(performance.now() - t0);
  parse.csvRead.push(await readAll(new CsvTraceSource(tracePath)));
  parse.columnarRead.push(await readAll(new ColumnarTraceSource(shared)));
  process.stdout.write(
    `  rep ${r + 1}/${reps}: 1 worker ${sec(times.w1[r])}, 2 workers ${sec(times.w2[r])}, ` +
      `2 streaming ${sec(times.w2stream[r])}; other processes kept ` +
      `${busyElsewhere
        .slice(-3)
        .map((x) => x.toFixed(2))
        .join('/')} cores busy\n`,
  );
}
const shared = await parseColumnar(tracePath, 'stop');
const sharedBytes = columnarBytes(shared);

const m = {
  w1: median(times.w1),
  w2: median(times.w2),
  w2stream: median(times.w2stream),
  parseOnce: median(parse.once),
  csvRead: median(parse.csvRead),
  columnarRead: median(parse.columnarRead),
};
const lines = [
  `8-task matrix, shared trace, 1 worker:        ${sec(m.w1)} (cores busy ${median(cores.w1).toFixed(2)})`,
  `8-task matrix, shared trace, 2 workers:       ${sec(m.w2)} (cores busy ${median(cores.w2).toFixed(2)})`,
  `speed-up 1 -> 2 workers:                      ${(m.w1 / m.w2).toFixed(2)}x (target >= 1.7x)`,
  `8-task matrix, 2 workers, each task parses:   ${sec(m.w2stream)} (${(m.w2stream / m.w2).toFixed(2)}x the shared run)`,
  `parse once into shared columns (main thread): ${sec(m.parseOnce)}`,
  `rows read per task: CSV stream ${sec(m.csvRead)}, shared columns ${sec(m.columnarRead)} ` +
    `(${(m.csvRead / m.columnarRead).toFixed(1)}x faster)`,
  `other processes kept ${median(busyElsewhere).toFixed(2)} cores busy (median over all runs)`,
  `shared form: ${(sharedBytes / 1024 ** 2).toFixed(1)} MB, ${(sharedBytes / shared.rows).toFixed(1)} bytes/row ` +
    `(CSV: ${(csvBytes / shared.rows).toFixed(1)} bytes/row)`,
];
process.stdout.write(`\n${lines.join('\n')}\n`);
rmSync(dir, { recursive: true, force: true });
