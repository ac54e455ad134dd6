import type { Flavor } from '../model/flavor.ts';

/** The flavor of no request: the reused spec's value before the first row. */
export const NO_FLAVOR: Flavor = Object.freeze({ vcpus: 0, memoryMb: 0, diskGb: 0, gpus: 0, gpuMilli: 0 });

/** Past this many distinct flavors the table starts again (memory stays bounded on odd traces). */
const MAX_FLAVORS = 4096;

/**
 * One frozen Flavor object per distinct shape, so a row allocates none: a trace has a handful of
 * flavors and a replay asks for one per create row.
 */
export class FlavorInterner {
  private readonly byHash = new Map<number, Flavor[]>();
  private size = 0;
  private last: Flavor = NO_FLAVOR;

  of(vcpus: number, memoryMb: number, diskGb: number, gpus: number, gpuMilli: number): Flavor {
    const last = this.last;
    if (same(last, vcpus, memoryMb, diskGb, gpus, gpuMilli)) return last;
    // Equal shapes give equal hashes, and a bucket is checked field by field; 30 bits keep the key
    // a small integer, which a Map looks up without allocating.
    const hash = ((((vcpus * 31 + memoryMb) * 31 + diskGb) * 31 + gpus) * 1009 + gpuMilli) & 0x3fffffff;
    let bucket = this.byHash.get(hash);
    if (bucket === undefined) {
      if (this.size >= MAX_FLAVORS) {
        this.byHash.clear();
        this.size = 0;
      }
      bucket = [];
      this.byHash.set(hash, bucket);
    }
    for (let i = 0; i < bucket.length; i++) {
      const f = bucket[i];
      if (same(f, vcpus, memoryMb, diskGb, gpus, gpuMilli)) {
        this.last = f;
        return f;
      }
    }
    const f = Object.freeze({ vcpus, memoryMb, diskGb, gpus, gpuMilli });
    bucket.push(f);
    this.size++;
    this.last = f;
    return f;
  }
}

function same(
  f: Flavor,
  vcpus: number,
  memoryMb: number,
  diskGb: number,
  gpus: number,
  gpuMilli: number,
): boolean {
  // Object.is: a -0 the decoder let through stays -0, as the row said.
  return (
    Object.is(f.vcpus, vcpus) &&
    Object.is(f.memoryMb, memoryMb) &&
    Object.is(f.diskGb, diskGb) &&
    Object.is(f.gpus, gpus) &&
    Object.is(f.gpuMilli, gpuMilli)
  );
}
