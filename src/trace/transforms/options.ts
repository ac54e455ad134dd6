/** The stress transforms of `convert` and `run` (traces/README.md, "Stress transforms"). */
export interface TransformOptions {
  /** Drop delete rows and durations: every instance lives to the end (the FGD paper's method). */
  readonly noDepartures: boolean;
  /** Multiply every time and duration by this factor (1: unchanged). */
  readonly timeScale: number;
  /** Reorder the requests by time (stable): for a source not sorted by arrival. */
  readonly sort: boolean;
  /** Seed of a random reorder of the requests, or undefined for none. */
  readonly shuffle: number | undefined;
  /** Resample (or thin) the requests until their demand is this multiple of capacity, or undefined. */
  readonly inflate: number | undefined;
  /** Keep N hosts (an integer >= 1) or this fraction (in (0, 1)) of the cluster, drawn at random. */
  readonly hostsSample: number | undefined;
  /** Seed of --inflate and --hosts-sample. */
  readonly seed: number;
}

export const NO_TRANSFORMS: TransformOptions = {
  noDepartures: false,
  timeScale: 1,
  sort: false,
  shuffle: undefined,
  inflate: undefined,
  hostsSample: undefined,
  seed: 1,
};

/** Whether the transforms must hold every request before emitting one (sort, shuffle, inflate). */
export function isBuffered(t: TransformOptions): boolean {
  return t.sort || t.shuffle !== undefined || t.inflate !== undefined;
}

/** Whether any transform changes the rows. */
export function changesRows(t: TransformOptions): boolean {
  return isBuffered(t) || t.noDepartures || t.timeScale !== 1;
}

/** Cluster capacity as the scheduler sees it, per resource: the inflate target's denominator. */
export interface Capacity {
  readonly vcpus: number;
  readonly memoryMb: number;
  /** GPUs x 1000. */
  readonly gpuMilli: number;
}

/** Capacity of hosts under the cluster's allocation ratios and reservations. */
export function capacityOf(
  hosts: readonly { readonly vcpus: number; readonly memoryMb: number; readonly gpus: number }[],
  ratios: { readonly cpu: number; readonly ram: number },
  reservedMemoryMb: number,
): Capacity {
  let vcpus = 0;
  let memoryMb = 0;
  let gpuMilli = 0;
  for (const h of hosts) {
    vcpus += h.vcpus * ratios.cpu;
    memoryMb += Math.max(0, h.memoryMb - reservedMemoryMb) * ratios.ram;
    gpuMilli += 1000 * h.gpus;
  }
  return { vcpus, memoryMb, gpuMilli };
}
