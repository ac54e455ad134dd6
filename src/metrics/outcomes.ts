import type { Flavor } from '../model/flavor.ts';

/** Outcomes of the instances of one flavor shape. */
export interface FlavorOutcome {
  readonly vcpus: number;
  readonly memory_mb: number;
  readonly disk_gb: number;
  /** Only on a cluster with GPUs. */
  readonly gpus?: number;
  readonly gpu_milli?: number;
  readonly instances: number;
  readonly placed: number;
  readonly no_valid_host: number;
  /** no_valid_host / instances. */
  readonly no_valid_host_rate: number;
}

function sameShape(a: Flavor, b: Flavor): boolean {
  return (
    a.vcpus === b.vcpus &&
    a.memoryMb === b.memoryMb &&
    a.diskGb === b.diskGb &&
    a.gpus === b.gpus &&
    a.gpuMilli === b.gpuMilli
  );
}

/** Flavor objects remembered by identity, at most. */
const MAX_CACHED_FLAVORS = 4096;

interface ShapeEntry {
  readonly f: Flavor;
  instances: number;
  nvh: number;
}

/** Instances and NoValidHost per flavor shape (vcpus, memory_mb, disk_gb, and GPUs on a GPU cluster). */
export class FlavorOutcomes {
  /**
   * Entries by a numeric hash of the shape (no string built per instance); a bucket holds the
   * shapes that share a hash, told apart field by field.
   */
  private readonly byHash = new Map<number, ShapeEntry[]>();
  private readonly entries: ShapeEntry[] = [];
  /** The last shape seen: every instance of a request has the same one. */
  private lastEntry: ShapeEntry | undefined;
  /** Entries by (frozen) flavor object: a replay interns its flavors, so this finds most at once. */
  private readonly byFlavor = new Map<Flavor, ShapeEntry>();

  /** `withGpus`: the cluster has GPUs, so shapes and the listing include gpus and gpu_milli. */
  constructor(private readonly withGpus = false) {}

  add(f: Flavor, placed: boolean): void {
    const last = this.lastEntry;
    const e = last !== undefined && sameShape(last.f, f) ? last : (this.byFlavor.get(f) ?? this.entryOf(f));
    this.lastEntry = e;
    e.instances++;
    if (!placed) e.nvh++;
  }

  private entryOf(f: Flavor): ShapeEntry {
    // 30 bits: a small-integer key, looked up without allocating.
    const hash =
      ((((f.vcpus * 31 + f.memoryMb) * 31 + f.diskGb) * 31 + f.gpus) * 1009 + f.gpuMilli) & 0x3fffffff;
    let bucket = this.byHash.get(hash);
    if (!bucket) {
      bucket = [];
      this.byHash.set(hash, bucket);
    }
    let e: ShapeEntry | undefined;
    for (const x of bucket) {
      if (sameShape(x.f, f)) {
        e = x;
        break;
      }
    }
    if (!e) {
      const copy = {
        vcpus: f.vcpus,
        memoryMb: f.memoryMb,
        diskGb: f.diskGb,
        gpus: f.gpus,
        gpuMilli: f.gpuMilli,
      };
      e = { f: copy, instances: 0, nvh: 0 };
      bucket.push(e);
      this.entries.push(e);
    }
    // Only a frozen object keeps its shape; the cache stays small whatever the callers pass.
    if (Object.isFrozen(f) && this.byFlavor.size < MAX_CACHED_FLAVORS) this.byFlavor.set(f, e);
    return e;
  }

  /** Most instances first; ties by vcpus, memory, disk (a stable, input-independent order). */
  list(): FlavorOutcome[] {
    return [...this.entries]
      .sort(
        (a, b) =>
          b.instances - a.instances ||
          a.f.vcpus - b.f.vcpus ||
          a.f.memoryMb - b.f.memoryMb ||
          a.f.diskGb - b.f.diskGb ||
          a.f.gpus - b.f.gpus ||
          a.f.gpuMilli - b.f.gpuMilli,
      )
      .map((e) => ({
        vcpus: e.f.vcpus,
        memory_mb: e.f.memoryMb,
        disk_gb: e.f.diskGb,
        ...(this.withGpus ? { gpus: e.f.gpus, gpu_milli: e.f.gpuMilli } : {}),
        instances: e.instances,
        placed: e.instances - e.nvh,
        no_valid_host: e.nvh,
        no_valid_host_rate: e.nvh / e.instances,
      }));
  }
}
