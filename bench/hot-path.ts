import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { Bench, type Task } from 'tinybench';
import { BUILTIN_PLUGINS } from '../src/framework/builtins.ts';
import { filterHosts } from '../src/framework/filter-handler.ts';
import { DEFAULT_FILTER_OPTIONS, type FilterOptions } from '../src/framework/options.ts';
import { WeightHandler } from '../src/framework/weight-handler.ts';
import { NO_RETRY } from '../src/scheduler/request-spec.ts';
import { CsvTraceSource } from '../src/trace/csv-reader.ts';
import { indexColumns, RowDecoder } from '../src/trace/decode.ts';
import { emptyRow } from '../src/trace/row.ts';
import { FilterScheduler } from '../strategies/filter/index.ts';
import { benchRequest, dryRunContext, halfFullCluster } from './fixture.ts';

/** One microbenchmark's result: the median time per operation, and per host where it is per host. */
export interface MicroResult {
  readonly name: string;
  readonly hosts: number | null;
  /** Median time of one operation, in µs. */
  readonly medianUs: number;
  /** Median ns per host evaluated (null when the operation is not a host scan). */
  readonly nsPerHost: number | null;
  /** Operations per second at the median. */
  readonly opsPerS: number;
  readonly samples: number;
  /** Relative margin of error of the mean, in %. */
  readonly rme: number;
}

export function result(task: Task, hosts: number | null, perOp = 1): MicroResult {
  const r = task.result;
  if (r.state !== 'completed') throw new Error(`benchmark ${task.name}: ${r.state}`);
  const medianUs = (r.latency.p50 * 1000) / perOp;
  return {
    name: task.name,
    hosts,
    medianUs,
    nsPerHost: hosts === null ? null : (medianUs * 1000) / hosts,
    opsPerS: 1e6 / medianUs,
    samples: r.latency.samplesCount,
    rme: r.latency.rme,
  };
}

/**
 * Each filter and each weigher alone over every host of a half-full cluster, and the full
 * filter + weigh + select decision (the `filter` strategy with every filter and weigher enabled,
 * and with the defaults), at each cluster size.
 */
export async function benchHostScans(sizes: readonly number[], timeMs: number): Promise<MicroResult[]> {
  const out: MicroResult[] = [];
  for (const n of sizes) {
    const cluster = halfFullCluster(n);
    const req = benchRequest(cluster);
    const all = Int32Array.from({ length: n }, (_, i) => i);
    const list = new Int32Array(n);
    const weights = new Float64Array(n);
    const bench = new Bench({ time: timeMs, warmup: true });
    // Every plugin enabled with a non-zero multiplier, each given a request of the group policy it acts on.
    const everything: FilterOptions = {
      ...DEFAULT_FILTER_OPTIONS,
      filters: [...BUILTIN_PLUGINS.filters.keys()],
      weighers: [...BUILTIN_PLUGINS.weighers.keys()],
      num_instances_weight_multiplier: 1,
    };
    // GpuFilter on its own half-full cluster with 8 GPUs per host, for a 0.5-GPU share.
    const gpuCluster = halfFullCluster(n, 8);
    const gpuReq = benchRequest(gpuCluster);
    gpuReq.spec = { ...gpuReq.spec, flavor: { ...gpuReq.spec.flavor, gpus: 1, gpuMilli: 500 } };
    for (const [name, make] of BUILTIN_PLUGINS.filters) {
      const gpu = name === 'GpuFilter';
      const f = make.create({ cluster: gpu ? gpuCluster : cluster, options: everything });
      const r = gpu ? gpuReq : name === 'ServerGroupAffinityFilter' ? benchRequest(cluster, 'affinity') : req;
      bench.add(`filter ${name}`, () => {
        list.set(all);
        filterHosts([f], list, n, r);
      });
    }
    for (const [name, make] of BUILTIN_PLUGINS.weighers) {
      const handler = new WeightHandler([make.create({ cluster, options: everything })], n);
      const policy = name.includes('SoftAffinity')
        ? 'soft-affinity'
        : name.includes('SoftAntiAffinity')
          ? 'soft-anti-affinity'
          : undefined;
      const r = policy ? benchRequest(cluster, policy) : req;
      bench.add(`weigher ${name}`, () => {
        handler.weigh(all, n, r, weights);
      });
    }
    const ctx = dryRunContext(cluster);
    const plain = {
      ...req.spec,
      availabilityZone: undefined,
      extraSpecs: undefined,
      sameHost: undefined,
      differentHost: undefined,
      group: undefined,
    };
    const defaults = new FilterScheduler(cluster, DEFAULT_FILTER_OPTIONS);
    bench.add('decision (default filters, RAMWeigher)', () =>
      defaults.scheduleRunInstance(ctx, plain, NO_RETRY),
    );
    // The same decisions without the fast paths (the indexed path takes the lines above and below).
    const reference = new FilterScheduler(cluster, { ...DEFAULT_FILTER_OPTIONS, reference_scan: true });
    bench.add('decision (default filters, RAMWeigher, reference scan)', () =>
      reference.scheduleRunInstance(ctx, plain, NO_RETRY),
    );
    const resources = { ...DEFAULT_FILTER_OPTIONS, weighers: ['RAMWeigher', 'CPUWeigher', 'DiskWeigher'] };
    const threeWeighers = new FilterScheduler(cluster, resources);
    bench.add('decision (default filters, RAM+CPU+Disk weighers)', () =>
      threeWeighers.scheduleRunInstance(ctx, plain, NO_RETRY),
    );
    const threeReference = new FilterScheduler(cluster, { ...resources, reference_scan: true });
    bench.add('decision (default filters, RAM+CPU+Disk weighers, reference scan)', () =>
      threeReference.scheduleRunInstance(ctx, plain, NO_RETRY),
    );
    // Diagnosis mode (every rejected host explained): what asking why costs; unset, the loop is the plain one.
    const diagnosed = new FilterScheduler(cluster, DEFAULT_FILTER_OPTIONS);
    diagnosed.pipeline.onDiagnosis = () => {};
    bench.add('decision (default filters, RAMWeigher, diagnosis mode)', () =>
      diagnosed.scheduleRunInstance(ctx, plain, NO_RETRY),
    );
    const full = new FilterScheduler(cluster, everything);
    bench.add('decision (every filter and weigher)', () => full.scheduleRunInstance(ctx, req.spec, NO_RETRY));
    // The fused pass (src/framework/fast/fused*.ts) against the reference scan, same requests: every
    // filter and weigher with a soft-affinity group, a zone, extra specs and a different_host hint
    // (same_host would leave at most 2 hosts); and the RAM+CPU+Disk weighers with the default filters.
    const soft = { ...benchRequest(cluster, 'soft-affinity').spec, sameHost: undefined };
    for (const reference of [false, true]) {
      const label = reference ? 'reference scan' : 'fused';
      const all = new FilterScheduler(cluster, { ...everything, reference_scan: reference });
      bench.add(`decision (every filter and weigher, soft-affinity group, ${label})`, () =>
        all.scheduleRunInstance(ctx, soft, NO_RETRY),
      );
      const rcd = new FilterScheduler(cluster, {
        ...DEFAULT_FILTER_OPTIONS,
        weighers: ['RAMWeigher', 'CPUWeigher', 'DiskWeigher'],
        reference_scan: reference,
      });
      bench.add(`decision (RAM+CPU+Disk weighers, ${label})`, () =>
        rcd.scheduleRunInstance(ctx, plain, NO_RETRY),
      );
    }
    await bench.run();
    for (const task of bench.tasks) out.push(result(task, n));
  }
  return out;
}

/** Trace row decoding (the decoder alone, over pre-split records) and the whole CSV read. */
export async function benchDecoding(tracePath: string, timeMs: number): Promise<MicroResult[]> {
  const records = parse(readFileSync(tracePath), { bom: true, skip_empty_lines: true }) as string[][];
  const [header, ...rows] = records;
  const decoder = new RowDecoder(tracePath, indexColumns(tracePath, header));
  const row = emptyRow();
  const source = new CsvTraceSource(tracePath);
  const csvParse = new CsvTraceSource(tracePath, { byteScanner: false });
  const sink = { row: () => {}, badRow: () => {} };
  const bench = new Bench({ time: timeMs, warmup: true });
  bench.add(`decode ${rows.length} rows (RowDecoder)`, () => {
    for (let i = 0; i < rows.length; i++) decoder.decode(rows[i], i + 2, row);
  });
  bench.add(`read ${rows.length} rows (byte scanner)`, async () => {
    await source.read(sink);
  });
  bench.add(`read ${rows.length} rows (csv-parse + decode)`, async () => {
    await csvParse.read(sink);
  });
  await bench.run();
  // Report per row: a row is the operation users count.
  return bench.tasks.map((t) => result(t, null, rows.length));
}
