import type { InputError } from '../common/errors.ts';
import type { FlavorMix } from '../model/flavor-mix.ts';
import { CREATE, type TraceRow } from '../trace/row.ts';
import type { RowSource } from '../trace/source.ts';

/**
 * The trace's own request-shape distribution: every distinct flavor (vcpus, memory_mb, disk_gb,
 * gpus, gpu_milli) of
 * its create rows, weighted by instances (a row's `count`). Fragmentation is measured against it
 * (docs/metrics.md). Columnar, sorted by weight descending, then by vcpus, memory and disk.
 */
export interface ShapeDistribution {
  readonly size: number;
  readonly vcpus: Float64Array;
  readonly memoryMb: Float64Array;
  readonly diskGb: Float64Array;
  readonly gpus: Int32Array;
  readonly gpuMilli: Int32Array;
  /** Instances of each shape in the trace. */
  readonly instances: Float64Array;
  /** `instances[i] / Σ instances`: the probability p_m of shape m. */
  readonly share: Float64Array;
  /** Trace times of the first and last rows read (NaN without rows): the span before departures. */
  readonly firstTime: number;
  readonly lastTime: number;
}

interface ShapeCount {
  readonly vcpus: number;
  readonly memoryMb: number;
  readonly diskGb: number;
  readonly gpus: number;
  readonly gpuMilli: number;
  n: number;
}

function sameCount(
  c: ShapeCount,
  vcpus: number,
  memoryMb: number,
  diskGb: number,
  gpus: number,
  gpuMilli: number,
) {
  return (
    c.vcpus === vcpus &&
    c.memoryMb === memoryMb &&
    c.diskGb === diskGb &&
    c.gpus === gpus &&
    c.gpuMilli === gpuMilli
  );
}

/** Counts create rows' instances per shape; feed it rows, then call `build()`. */
export class ShapeCounter {
  /**
   * Shapes by a numeric hash (no key string per row); a bucket holds the shapes sharing a hash, told
   * apart by ===, which tells the same numbers apart as their decimal strings would.
   */
  private readonly byHash = new Map<number, ShapeCount[]>();
  private readonly counts: ShapeCount[] = [];
  /** The last shape added: consecutive rows often share one. */
  private last: ShapeCount | undefined;
  private firstTime = Number.NaN;
  private lastTime = Number.NaN;

  /** A row at trace time `t` was read (any event). */
  seen(t: number): void {
    if (Number.isNaN(this.firstTime)) this.firstTime = t;
    this.lastTime = t;
  }

  add(vcpus: number, memoryMb: number, diskGb: number, instances: number, gpus = 0, gpuMilli = 0): void {
    const last = this.last;
    if (last !== undefined && sameCount(last, vcpus, memoryMb, diskGb, gpus, gpuMilli)) {
      last.n += instances;
      return;
    }
    // 30 bits: a small-integer key, looked up without allocating.
    const hash = ((((vcpus * 31 + memoryMb) * 31 + diskGb) * 31 + gpus) * 1009 + gpuMilli) & 0x3fffffff;
    let bucket = this.byHash.get(hash);
    if (bucket === undefined) {
      bucket = [];
      this.byHash.set(hash, bucket);
    }
    for (let i = 0; i < bucket.length; i++) {
      const c = bucket[i];
      if (sameCount(c, vcpus, memoryMb, diskGb, gpus, gpuMilli)) {
        c.n += instances;
        this.last = c;
        return;
      }
    }
    const c = { vcpus, memoryMb, diskGb, gpus, gpuMilli, n: instances };
    bucket.push(c);
    this.counts.push(c);
    this.last = c;
  }

  build(): ShapeDistribution {
    const all = [...this.counts].sort(
      (a, b) =>
        b.n - a.n ||
        a.vcpus - b.vcpus ||
        a.memoryMb - b.memoryMb ||
        a.diskGb - b.diskGb ||
        a.gpus - b.gpus ||
        a.gpuMilli - b.gpuMilli,
    );
    const size = all.length;
    const d = {
      size,
      vcpus: new Float64Array(size),
      memoryMb: new Float64Array(size),
      diskGb: new Float64Array(size),
      gpus: new Int32Array(size),
      gpuMilli: new Int32Array(size),
      instances: new Float64Array(size),
      share: new Float64Array(size),
      firstTime: this.firstTime,
      lastTime: this.lastTime,
    };
    let total = 0;
    for (const s of all) total += s.n;
    all.forEach((s, i) => {
      d.vcpus[i] = s.vcpus;
      d.memoryMb[i] = s.memoryMb;
      d.diskGb[i] = s.diskGb;
      d.gpus[i] = s.gpus;
      d.gpuMilli[i] = s.gpuMilli;
      d.instances[i] = s.n;
      d.share[i] = s.n / total;
    });
    return d;
  }
}

/**
 * Read a trace once for its shape distribution. Rows that do not decode are skipped here: the
 * replay itself reports them (or stops at them) as its `--on-bad-row` says.
 */
export async function scanShapes(source: RowSource): Promise<ShapeDistribution> {
  const counter = new ShapeCounter();
  await source.read({
    row(row: TraceRow) {
      counter.seen(row.time);
      if (row.event === CREATE)
        counter.add(row.vcpus, row.memoryMb, row.diskGb, row.count, row.gpus, row.gpuMilli);
    },
    badRow(_err: InputError) {},
  });
  return counter.build();
}

/** The distribution as the flavor mix a strategy's create receives. */
export function flavorMix(d: ShapeDistribution): FlavorMix {
  return Array.from({ length: d.size }, (_, m) => ({
    flavor: {
      vcpus: d.vcpus[m],
      memoryMb: d.memoryMb[m],
      diskGb: d.diskGb[m],
      gpus: d.gpus[m],
      gpuMilli: d.gpuMilli[m],
    },
    count: d.instances[m],
  }));
}
