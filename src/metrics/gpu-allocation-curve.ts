import { GPU_MILLI } from '../common/limits.ts';

/** One point of the FGD paper's allocation plot (Fig. 7): both in percent of the cluster's GPUs. */
export interface AllocationPoint {
  /** Arrived GPU demand, a whole percent of GPU capacity. */
  readonly arrived_pct: number;
  /** Mean allocated GPU share, in percent of capacity, over the samples at that arrival. */
  readonly allocated_pct: number;
}

/**
 * The allocated GPU share against arrived GPU demand, as the FGD simulator logs it (`[Alloc]`
 * after every pod, pkg/simulator/analysis.go) and experiments/analysis/merge_alloc_discrete.py
 * bins it: each sample's arrival rounded (half to even, as Python's round) to a whole percent, the
 * samples of one percent averaged. O(1) per sample; one bucket per whole percent reached.
 */
export class AllocationCurve {
  private readonly sums: number[] = [];
  private readonly counts: number[] = [];

  /** `capacityGpus`: GPUs of the schedulable hosts (the simulator's `total_gpus`). */
  constructor(private readonly capacityGpus: number) {}

  /** The state after one event: GPU thousandths asked for so far (failed ones too) and allocated now. */
  sample(arrivedMilli: number, allocatedMilli: number): void {
    if (this.capacityGpus === 0) return;
    // The simulator's operations in its order: milli / total_gpus / 10.
    const k = roundHalfEven(arrivedMilli / this.capacityGpus / (GPU_MILLI / 100));
    while (this.sums.length <= k) {
      this.sums.push(0);
      this.counts.push(0);
    }
    this.sums[k] += allocatedMilli / this.capacityGpus / (GPU_MILLI / 100);
    this.counts[k]++;
  }

  /**
   * One point per whole percent from 0 to the highest reached; a percent no sample rounded to takes
   * the mean of the samples of its two neighbours (merge_alloc_discrete.py's fallback), and is left
   * out when they have none either.
   */
  points(): AllocationPoint[] {
    const out: AllocationPoint[] = [];
    const n = this.sums.length;
    for (let k = 0; k < n; k++) {
      let sum = this.sums[k];
      let count = this.counts[k];
      if (count === 0) {
        for (const j of [k - 1, k + 1]) {
          if (j >= 0 && j < n) {
            sum += this.sums[j];
            count += this.counts[j];
          }
        }
      }
      if (count > 0) out.push({ arrived_pct: k, allocated_pct: sum / count });
    }
    return out;
  }
}

/** Python 3's round(x): to the nearest integer, halves to the even one. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}
